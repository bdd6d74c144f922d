/**
 * Usage errors for every command, in one wording:
 *   boundwise <command>: <what is wrong>; see boundwise <command> --help
 * and exit code 2. Commands throw UsageError; main.ts prints it.
 */
import { durationError, parseDurationText } from '../format/duration.js';

export const USAGE_EXIT = 2;

export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = USAGE_EXIT;
}

/** The one line printed for a usage error. */
export function usageLine(command: string | undefined, message: string): string {
  const who = command ? `boundwise ${command}` : 'boundwise';
  return `${who}: ${message}; see ${who} --help\n`;
}

/**
 * The flags of `argv` (up to `--`) that the command does not declare.
 * `declared` holds spellings such as `--json`, `-h`. `--flag=value` counts as `--flag`.
 */
export function unknownFlags(argv: readonly string[], declared: ReadonlySet<string>): string[] {
  const unknown: string[] = [];
  for (const token of argv) {
    if (token === '--') break;
    if (!token.startsWith('-') || token === '-' || /^-\d/.test(token)) continue; // values, stdin, negative numbers
    const flag = token.split('=')[0]!;
    if (flag.startsWith('--')) {
      if (!declared.has(flag) && !(flag.startsWith('--no-') && declared.has(`--${flag.slice(5)}`))) unknown.push(flag);
    } else {
      // -abc is three short flags
      for (const c of flag.slice(1)) if (!declared.has(`-${c}`)) unknown.push(`-${c}`);
    }
  }
  return unknown;
}

/** A duration option: milliseconds, or UsageError with the one duration message. */
export function durationFlag(flag: string, value: unknown, fallback: number, { min = 0 }: { min?: number } = {}): number {
  if (value === undefined) return fallback;
  // cac turns `--interval 100` into the number 100: same as "100" (milliseconds).
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? parseDurationText(value) : undefined;
  if (ms === undefined || !Number.isFinite(ms)) throw new UsageError(durationError(flag, value));
  if (ms <= 0 || ms < min) throw new UsageError(`${flag}: must be ${min > 0 ? `at least ${min} ms` : 'more than 0 ms'}, got ${String(value)}`);
  return ms;
}
