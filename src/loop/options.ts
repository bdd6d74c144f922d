/** Validation of `loop(options)`: every error names the option and the bad value. */
import { InvalidOptionError, OptionRangeError } from '../errors.js';
import { intOption, knownOptions, msOption, objectOption } from '../options.js';
import { parseRunDefaults, RUN_DEFAULT_OPTIONS, type RunDefaults } from '../executor.js';
import type { Clock } from './clock.js';
import type { RateOptions } from './rate.js';

export interface LoopOptions extends RunDefaults {
  /** Tasks running at once. Default 64: plenty for I/O, still a bound. */
  concurrency?: number;
  /** Tasks allowed to wait; beyond it `run()` rejects with QueueFullError. Default unbounded. */
  maxQueue?: number;
  /** At most `limit` task starts per `interval` ms, across the whole executor. */
  rate?: RateOptions;
  /** Time source; inject one in tests to step time by hand. */
  clock?: Clock;
}

export interface ParsedLoopOptions {
  concurrency: number;
  maxQueue: number;
  rate: RateOptions | undefined;
  clock: Clock | undefined;
  defaults: ReturnType<typeof parseRunDefaults>;
}

const OWNER = 'loop()';
export const DEFAULT_CONCURRENCY = 64;

export function parseLoopOptions(options: LoopOptions | undefined): ParsedLoopOptions {
  if (options === undefined) {
    return { concurrency: DEFAULT_CONCURRENCY, maxQueue: Infinity, rate: undefined, clock: undefined, defaults: parseRunDefaults(OWNER, {}) };
  }
  knownOptions(OWNER, options, ['concurrency', 'maxQueue', 'rate', 'clock', ...RUN_DEFAULT_OPTIONS]);
  const concurrency = intOption(OWNER, 'concurrency', options.concurrency, DEFAULT_CONCURRENCY, { min: 1, max: 1_000_000 });
  const maxQueue = intOption(OWNER, 'maxQueue', options.maxQueue, Infinity, { min: 0, max: Infinity });
  const rawRate = objectOption<RateOptions>(OWNER, 'rate', options.rate);
  let rate: RateOptions | undefined;
  if (rawRate) {
    knownOptions(OWNER, rawRate, ['limit', 'interval'], 'rate');
    if (rawRate.limit === undefined || rawRate.interval === undefined) {
      const missing = rawRate.limit === undefined ? 'rate.limit' : 'rate.interval';
      throw new InvalidOptionError(missing, `${OWNER}: option "${missing}" is required when "rate" is given`);
    }
    // The ring holds `limit` start times, hence the upper bound.
    const limit = intOption(OWNER, 'rate.limit', rawRate.limit, 1, { min: 1, max: 1_000_000 });
    const interval = msOption(OWNER, 'rate.interval', rawRate.interval, 1000, 1);
    if (interval === Infinity) return badInterval();
    rate = { limit, interval };
  }
  const clock = objectOption<Clock>(OWNER, 'clock', options.clock);
  if (clock && (typeof clock.now !== 'function' || typeof clock.setTimeout !== 'function' || typeof clock.clearTimeout !== 'function')) {
    throw new InvalidOptionError('clock', `${OWNER}: option "clock" must have now(), setTimeout() and clearTimeout()`);
  }
  return { concurrency, maxQueue, rate, clock, defaults: parseRunDefaults(OWNER, options) };
}

function badInterval(): never {
  throw new OptionRangeError('rate.interval', `${OWNER}: option "rate.interval" must be a finite number of milliseconds, got Infinity`);
}
