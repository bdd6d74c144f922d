import type { BaseExecutor } from '../../src/executor.js';

/** What a contract factory module (test/contract/factories/NAME.ts) exports. */
export interface ContractFactory {
  name: string;
  /**
   * An executor that runs at most `slots` tasks at once; `extra`: executor-wide
   * options every executor accepts (autoStart, timeout, priority). `cancelGrace` (pools): how
   * long a cancelled task may take to obey its signal before its worker is stopped; the default
   * is long (GRACE), so a loaded machine never kills a task that is obeying, and only the
   * runaway test asks for a short one.
   */
  create(opts: { slots: number; maxQueue?: number; extra?: Record<string, unknown>; cancelGrace?: number }): BaseExecutor;
  /** Construct with raw, possibly bad, options. */
  createRaw(options: unknown): BaseExecutor;
  /** Inputs and outputs cross a thread or process boundary (cloning, remote stacks). */
  remote: boolean;
  /** It can stop CPU work that ignores its signal (by terminating the worker). */
  stopsRunaway: boolean;
  /**
   * Resolves once what the executor has queued is where its workers take work from.
   * Local executors queue in memory (nothing to wait for); cluster() sends jobs to Redis,
   * and a job cleared before its add was answered can be taken by a worker first.
   */
  synced?(executor: BaseExecutor): Promise<void>;
  /** Bad options and the option name + error class the error must name. */
  badOptions: Array<{ options: unknown; option: string; error: 'InvalidOptionError' | 'OptionRangeError' }>;
}

/** The factories' default cancelGrace: far longer than any obeying task takes, however loaded the machine. */
export const GRACE = 60_000;
