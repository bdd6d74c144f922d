/**
 * Option validation shared by every executor. Misuse is caught at construction,
 * with an error that names the executor, the option and the bad value.
 */
import { InvalidOptionError, OptionRangeError } from './errors.js';

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export interface IntRange {
  min?: number;
  max?: number;
}

/** An optional integer within [min, max]; Infinity is allowed when max is Infinity. */
export function intOption(
  owner: string,
  name: string,
  value: unknown,
  fallback: number,
  { min = 0, max = Number.MAX_SAFE_INTEGER }: IntRange = {},
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new InvalidOptionError(name, `${owner}: option "${name}" must be a number, got ${show(value)}`);
  }
  const isInt = Number.isInteger(value) || (value === Infinity && max === Infinity);
  if (!isInt || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new OptionRangeError(name, `${owner}: option "${name}" must be an integer ${range}, got ${show(value)}`);
  }
  return value;
}

/** An optional duration in milliseconds (finite, >= min). */
export function msOption(owner: string, name: string, value: unknown, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new InvalidOptionError(name, `${owner}: option "${name}" must be a number of milliseconds, got ${show(value)}`);
  }
  if (value < min || (!Number.isFinite(value) && value !== Infinity)) {
    throw new OptionRangeError(name, `${owner}: option "${name}" must be >= ${min} ms, got ${show(value)}`);
  }
  return value;
}

export function boolOption(owner: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new InvalidOptionError(name, `${owner}: option "${name}" must be true or false, got ${show(value)}`);
  }
  return value;
}

export function oneOf<T extends string>(owner: string, name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new InvalidOptionError(
      name,
      `${owner}: option "${name}" must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${show(value)}`,
    );
  }
  return value as T;
}

export function objectOption<T extends object>(owner: string, name: string, value: unknown): T | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidOptionError(name, `${owner}: option "${name}" must be an object, got ${show(value)}`);
  }
  return value as T;
}

export function stringArrayOption(owner: string, name: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new InvalidOptionError(name, `${owner}: option "${name}" must be an array of strings, got ${show(value)}`);
  }
  return value as string[];
}

export function signalOption(owner: string, value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) {
    throw new InvalidOptionError('signal', `${owner}: option "signal" must be an AbortSignal, got ${show(value)}`);
  }
  return value;
}

/** Reject unknown option names: a typo (`maxQeue`) should not be silently ignored. */
export function knownOptions(owner: string, options: object | undefined, known: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError('options', `${owner}: options must be an object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new InvalidOptionError(key, `${owner}: unknown option "${key}"; known options: ${known.join(', ')}`);
    }
  }
}
