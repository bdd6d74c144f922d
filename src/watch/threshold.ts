/** `100`, `'100'`, `'100ms'`, `'0.5s'` → milliseconds. Throws the option errors boundwise uses. */
import { InvalidOptionError, OptionRangeError } from '../errors.js';

export const DEFAULT_THRESHOLD_MS = 100;

export function parseThreshold(value: unknown, option = 'threshold'): number {
  if (value === undefined) return DEFAULT_THRESHOLD_MS;
  let ms: number;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$/.exec(value);
    if (!m) throw new InvalidOptionError(option, `${option}: expected a duration like 100ms or 0.5s, got ${JSON.stringify(value)}`);
    ms = Number(m[1]) * (m[2] === 's' ? 1000 : 1);
  } else {
    throw new InvalidOptionError(option, `${option}: expected milliseconds (a number) or a string like "100ms", got ${typeof value}`);
  }
  // Below ~10 ms the heartbeat itself (every threshold / 4) would be a measurable cost and timer
  // jitter would report normal ticks as blocks.
  if (!Number.isFinite(ms) || ms < 10) {
    throw new OptionRangeError(option, `${option}: must be at least 10 ms, got ${String(value)}`);
  }
  return ms;
}
