/** `100`, `'100'`, `'100ms'`, `'0.5s'`, `'1m'` → milliseconds (src/format/duration.ts). Throws the option errors boundwise uses. */
import { InvalidOptionError, OptionRangeError } from '../errors.js';
import { durationError, parseDurationText } from '../format/duration.js';

export const DEFAULT_THRESHOLD_MS = 100;
/** Below ~10 ms the heartbeat itself (every threshold / 4) would be a measurable cost and timer jitter would report normal ticks as blocks. */
export const MIN_THRESHOLD_MS = 10;

export function parseThreshold(value: unknown, option = 'threshold'): number {
  if (value === undefined) return DEFAULT_THRESHOLD_MS;
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? parseDurationText(value) : undefined;
  if (ms === undefined) throw new InvalidOptionError(option, durationError(option, value));
  if (!Number.isFinite(ms) || ms < MIN_THRESHOLD_MS) {
    throw new OptionRangeError(option, `${option}: must be at least ${MIN_THRESHOLD_MS} ms, got ${String(value)}`);
  }
  return ms;
}
