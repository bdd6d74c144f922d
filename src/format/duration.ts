/**
 * Durations as people type them, one rule for every CLI option and every
 * `threshold: '100ms'`-style library option: a number with an optional unit —
 * `ms`, `s` or `m` — and a bare number is milliseconds (`100` = `100ms`,
 * `0.5s`, `1m`). One error message for every caller.
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000 };
const DURATION = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m)?\s*$/i;

/** The examples every error message gives, so they read the same everywhere. */
export const DURATION_EXAMPLES = '100 (milliseconds), 250ms, 1.5s or 2m';

/** Milliseconds, or undefined when `text` is not a duration. */
export function parseDurationText(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[(m[2] ?? 'ms').toLowerCase()]!;
  return Number.isFinite(ms) ? ms : undefined;
}

/** The message for a value that is not a duration: `--interval: expected a duration such as …, got "1h"`. */
export function durationError(name: string, value: unknown): string {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return `${name}: expected a duration such as ${DURATION_EXAMPLES}, got ${shown}`;
}

/**
 * A number (milliseconds) or a duration string → milliseconds; throws a
 * RangeError-free, plain Error with durationError()'s message otherwise.
 * Callers wrap it in their own error class (UsageError, InvalidOptionError).
 */
export function toMs(name: string, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  const ms = typeof value === 'string' ? parseDurationText(value) : undefined;
  if (ms === undefined) throw new Error(durationError(name, value));
  return ms;
}

/**
 * A duration for people, the one rule of every report (demo, bench, classify):
 * `5.3 ms`, `50 ms`, `1.50 s`, `12.3 s` — two or three significant figures, a space
 * before the unit. (pretty-ms writes `50ms` / `1.5s` and drops to whole seconds
 * sooner; the reports' tables and the README's pasted output use this form.)
 */
export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}
