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
  concurrentTasksPerWorker?: number;
  teardownTimeout?: number;
}

/**
 * `max` is a count of workers, or a share of the cores when between 0 and 1 (tinypool's
 * convention): `max: 0.5` on 8 cores is 4. The share is rounded down, and is at least 1.
 */
export function maxOption(owner: string, value: unknown): number {
  const cores = availableParallelism();
  if (typeof value === 'number' && value > 0 && value < 1) return Math.max(1, Math.floor(value * cores));
  return intOption(owner, 'max', value, cores, { min: 1, max: 1024 });
}

/** min/max/idleTimeout/maxQueue/cancelGrace/concurrentTasksPerWorker, with the defaults of both pools. */
export function commonPoolConfig(
  owner: string,
  options: CommonPoolOptions,
): Pick<PoolConfig, 'owner' | 'min' | 'max' | 'idleTimeout' | 'maxQueue' | 'cancelGrace' | 'startAttempts' | 'defaults' | 'concurrent' | 'teardownTimeout'> {
  const max = maxOption(owner, options.max);
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
    teardownTimeout: finiteMsOption(owner, 'teardownTimeout', options.teardownTimeout, 3_000),
    concurrent: intOption(owner, 'concurrentTasksPerWorker', options.concurrentTasksPerWorker, 1, { min: 1, max: 1_000_000 }),
    defaults: parseRunDefaults(owner, options),
  };
}

/** A time limit that must end (Infinity would let a hung teardown hold close() forever). */
export function finiteMsOption(owner: string, name: string, value: unknown, fallback: number): number {
  const ms = msOption(owner, name, value, fallback);
  if (ms === Infinity) throw new OptionRangeError(name, `${owner}: option "${name}" must be a finite number of ms, got Infinity`);
  return ms;
}
