/**
 * auto()'s options, and their validation. Everything is checked here, before
 * any executor is created, so a bad option cannot leave a thread or a child
 * process running behind the error it throws.
 */
import { InvalidOptionError } from '../errors.js';
import { boolOption, intOption, knownOptions, objectOption } from '../options.js';
import { commonPoolConfig } from '../pool/options.js';
import type { LoopOptions } from '../loop/index.js';
import type { ThreadsOptions } from '../threads/index.js';
import type { ProcessesOptions } from '../processes/index.js';
import type { Model } from './profile.js';
import { parseRunDefaults, RUN_DEFAULT_OPTIONS, type RunDefaults } from '../executor.js';

export interface AutoOptions extends RunDefaults {
  /** Always run these tasks on this model: `{ [t.resize]: 'processes' }` (keys are `String(taskRef)`). */
  pin?: Record<string, Model>;
  /** Runs measured before routing a new task. Default 2. */
  probeRuns?: number;
  /**
   * Probe `async function` tasks on the loop, where they are written to run, instead
   * of on threads (default true): no round trip to a thread before their calls
   * start. A synchronous slice over 10 ms of the thread's own time, or a loop too
   * busy to tell, sends such a task to thread probes after all. A plain function
   * that returns a promise gets the same head start once its first thread probe
   * returns one (after a synchronous part under 10 ms). While no thread has started
   * yet (a fresh auto(): threads start on demand), a new synchronous task is probed on
   * the loop too, one call at a time: a task that proves tiny never waits for a thread.
   * Such a probe is stopped after 25 ms, up to 75 on a busy machine (and the call run again on a thread: a task with
   * side effects that must not repeat may want `false`), and a process.exit() in it fails
   * the call as a crash. false: every new task is probed on threads first, and routed
   * from their measurements.
   */
  headStart?: boolean;
  /** Options of the executors auto() drives. */
  loop?: LoopOptions;
  /** Options of the threads() pool auto() sends calculating work to (its defaults otherwise). */
  threads?: ThreadsOptions;
  /** Options of the processes() pool auto() sends crashing or isolated work to (its defaults otherwise). */
  processes?: ProcessesOptions;
  /**
   * Upper bound of the pool for blocking waits (sized from measurements), which also takes
   * probes when the CPU threads are busy. Default 4 × cores; 0 shares the CPU threads instead.
   */
  maxBlockingThreads?: number;
  /** Most calls waiting across auto() and its executors; more reject with QueueFullError. Default Infinity. */
  maxQueue?: number;
}

/** The options once checked: the pin table is always there. */
export type CheckedAutoOptions = AutoOptions & {
  /** The `pin` option, validated; `{}` when none was given. */
  pin: Record<string, Model>;
};

const KNOWN = ['pin', 'probeRuns', 'headStart', 'loop', 'threads', 'processes', 'maxBlockingThreads', 'maxQueue', ...RUN_DEFAULT_OPTIONS] as const;
export const MODELS: readonly Model[] = ['loop', 'threads', 'processes'];

export function checkAutoOptions(options: AutoOptions): CheckedAutoOptions {
  const owner = 'auto()';
  knownOptions(owner, options, KNOWN);
  const pin = objectOption<Record<string, Model>>(owner, 'pin', options.pin) ?? {};
  for (const [key, model] of Object.entries(pin)) {
    if (!MODELS.includes(model)) {
      throw new InvalidOptionError('pin', `${owner}: option "pin" maps ${key} to ${JSON.stringify(model)}; use one of ${MODELS.map((m) => `"${m}"`).join(', ')}`);
    }
  }
  intOption(owner, 'probeRuns', options.probeRuns, 2, { min: 1, max: 1000 });
  boolOption(owner, 'headStart', options.headStart, true);
  intOption(owner, 'maxBlockingThreads', options.maxBlockingThreads, 8, { min: 0, max: 1024 });
  intOption(owner, 'maxQueue', options.maxQueue, Infinity, { min: 0, max: Infinity });
  objectOption(owner, 'loop', options.loop);
  // The pools' shared options (min, max, …) are checked here, so that a bad one in
  // `processes` cannot fail after `threads` has started its `min` threads.
  const t = objectOption<ThreadsOptions>(owner, 'threads', options.threads);
  const p = objectOption<ProcessesOptions>(owner, 'processes', options.processes);
  if (t) commonPoolConfig('auto() option "threads": threads()', t);
  if (p) commonPoolConfig('auto() option "processes": processes()', p);
  parseRunDefaults(owner, options);
  return { ...options, pin };
}
