/**
 * Option validation shared by every executor. Misuse is caught at construction,
 * with an error that names the executor, the option and the bad value.
 */
import { inspect } from 'node:util';
import { InvalidOptionError, OptionRangeError } from './errors.js';
import { findUncloneable } from './clone.js';

/**
 * A value as a message shows it: strings quoted, numbers as JavaScript prints them (NaN,
 * Infinity, -Infinity — JSON would print null), objects by their shape (Map(1) {…}, a Date).
 */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  return inspect(value, { depth: 2, breakLength: Infinity, maxArrayLength: 10, maxStringLength: 80 });
}

/** `1 attempt`, `2 attempts`: messages count things correctly. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/**
 * An options object is a plain object: `{…}` or a class instance, not a Map, Date, array,
 * RegExp or boxed value — their keys (if any) are not options, so they would be silently ignored.
 */
export function isOptionsObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.prototype.toString.call(value) === '[object Object]';
}

function describeShape(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array (${show(value)})`;
  if (typeof value === 'object') return `${show(value)}, not a plain object`;
  return show(value);
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
  if (!isOptionsObject(value)) {
    throw new InvalidOptionError(name, `${owner}: option "${name}" must be an object, got ${describeShape(value)}`);
  }
  return value as T;
}

/** An object of string values (an environment): `{ NODE_ENV: 'test' }`; undefined values are allowed (unset). */
export function envOption(owner: string, name: string, value: unknown): Record<string, string | undefined> | undefined {
  const env = objectOption<Record<string, unknown>>(owner, name, value);
  if (!env) return undefined;
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && typeof v !== 'string') {
      throw new InvalidOptionError(
        name,
        `${owner}: option "${name}" must map names to strings, but ${name}.${k} is ${typeof v} (${show(v)}); write String(value)`,
      );
    }
  }
  return env as Record<string, string | undefined>;
}

/** A value that must cross to a thread or process (workerData): checked once, at construction. */
export function cloneableOption(owner: string, name: string, value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    structuredClone(value);
  } catch (error) {
    const bad = findUncloneable(value, name);
    const why = bad ? `${bad.path}: ${bad.problem}` : String(error);
    throw new InvalidOptionError(name, `${owner}: option "${name}" cannot be sent to a worker: ${why}`);
  }
  return value;
}

/** A transfer list: an array of transferable objects (ArrayBuffer, MessagePort, …). */
export function transferOption(owner: string, value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((v) => v === null || typeof v !== 'object')) {
    throw new InvalidOptionError(
      'transfer',
      `${owner}: option "transfer" must be an array of transferable objects (ArrayBuffer, MessagePort, …), got ${show(value)}`,
    );
  }
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

/**
 * Reject unknown option names: a typo (`maxQeue`) should not be silently ignored. `within` names
 * the enclosing option of a nested object (`rate` → the error names `rate.burst`).
 */
export function knownOptions(owner: string, options: object | undefined, known: readonly string[], within?: string): void {
  if (options === undefined) return;
  const where = within === undefined ? 'options' : within;
  if (!isOptionsObject(options)) {
    const what = within === undefined ? 'the argument "options"' : `option "${within}"`;
    throw new InvalidOptionError(where, `${owner}: ${what} must be an object, got ${describeShape(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const name = within === undefined ? key : `${within}.${key}`;
      throw new InvalidOptionError(name, `${owner}: unknown option "${name}"; known options: ${known.map((k) => (within === undefined ? k : `${within}.${k}`)).join(', ')}`);
    }
  }
}
