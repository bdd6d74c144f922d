/** The options every pool shares (threads() and processes()), validated the same way. */
import { availableParallelism } from 'node:os';
import { OptionRangeError } from '../errors.js';
import { intOption, msOption } from '../options.js';
import type { PoolConfig } from './pool.js';
import { parseRunDefaults, type RunDefaults } from '../executor.js';

export interface CommonPoolOptions extends RunDefaults {
  min?: number;
  max?: number;
  idleTimeout?: number;
  maxQueue?: number;
  cancelGrace?: number;
}

/** min/max/idleTimeout/maxQueue/cancelGrace, with the defaults of both pools. */
export function commonPoolConfig(
  owner: string,
  options: CommonPoolOptions,
): Pick<PoolConfig, 'owner' | 'min' | 'max' | 'idleTimeout' | 'maxQueue' | 'cancelGrace' | 'startAttempts' | 'defaults'> {
  const max = intOption(owner, 'max', options.max, availableParallelism(), { min: 1, max: 1024 });
  const min = intOption(owner, 'min', options.min, 0, { min: 0, max: 1024 });
  if (min > max) throw new OptionRangeError('min', `${owner}: option "min" (${min}) must not exceed "max" (${max})`);
  return {
    owner,
    min,
    max,
    idleTimeout: msOption(owner, 'idleTimeout', options.idleTimeout, 10_000),
    maxQueue: intOption(owner, 'maxQueue', options.maxQueue, Infinity, { min: 0, max: Infinity }),
    cancelGrace: msOption(owner, 'cancelGrace', options.cancelGrace, 1_000),
    startAttempts: 3,
    defaults: parseRunDefaults(owner, options),
  };
}
