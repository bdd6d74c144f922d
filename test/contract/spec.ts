import type { Executor } from '../../src/executor.js';

/** What a contract factory module (test/contract/factories/NAME.ts) exports. */
export interface ContractFactory {
  name: string;
  /** An executor that runs at most `slots` tasks at once. */
  create(opts: { slots: number; maxQueue?: number }): Executor;
  /** Construct with raw, possibly bad, options. */
  createRaw(options: unknown): Executor;
  /** Inputs and outputs cross a thread or process boundary (cloning, remote stacks). */
  remote: boolean;
  /** It can stop CPU work that ignores its signal (by terminating the worker). */
  stopsRunaway: boolean;
  /** Bad options and the option name + error class the error must name. */
  badOptions: Array<{ options: unknown; option: string; error: 'InvalidOptionError' | 'OptionRangeError' }>;
}
