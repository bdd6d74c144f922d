/**
 * `processes()`: a pool of child processes, for work that needs its own memory
 * or must not take the service down when it crashes (native code, leaks).
 * Same scheduling core as threads(); what differs is the worker (a forked Node
 * process), its isolation, and recycling on memory.
 */
import { Pool, type PoolStats } from '../pool/pool.js';
import { RUN_DEFAULT_OPTIONS } from '../executor.js';
import { commonPoolConfig, finiteMsOption } from '../pool/options.js';
import { envOption, intOption, knownOptions, oneOf, stringArrayOption } from '../options.js';
import { InvalidOptionError } from '../errors.js';
import { ProcessTransport } from './transport.js';

/** Options of processes(options). Unknown keys throw InvalidOptionError. */
export interface ProcessesOptions {
  /** Children kept alive even when idle. Default 0. */
  min?: number;
  /** Most children at once. Default: available parallelism. Between 0 and 1: a share of the cores, rounded down, at least 1 (`0.5` = half). */
  max?: number;
  /** ms an idle child above `min` lives before it exits. Default 10,000. */
  idleTimeout?: number;
  /** Most tasks waiting (not running); more reject with QueueFullError. Default Infinity. */
  maxQueue?: number;
  /**
   * Tasks one child runs at once (piscina's and tinypool's name): for async tasks that mostly wait,
   * so that a wait does not hold a whole child. Each task is sent alone (no batching); the pool's
   * capacity is \`max\` × this. If the child crashes, every task it was running fails with
   * WorkerCrashedError. An integer ≥ 1; default 1.
   */
  concurrentTasksPerWorker?: number;
  /**
   * ms a stopping child's task modules have to finish their \`teardown()\` (close(), recycling, idle
   * reaping, resize, maxTasks, memory); then it is stopped anyway. A teardown that throws or outruns
   * this is reported as the 'teardownError' event (a process warning when nobody listens) and in
   * \`stats().teardownFailures\`. Finite; default 3,000.
   */
  teardownTimeout?: number;
  /** ms a cancelled or timed-out task has to notice its signal before its child is stopped. Default 1,000. */
  cancelGrace?: number;
  /** ms between SIGTERM and SIGKILL when a child is stopped. Default 2,000; 0 sends SIGKILL at once. */
  killTimeout?: number;
  /** Replace a child after this many tasks (contain slow leaks). Default Infinity. */
  maxTasksPerChild?: number;
  /** Replace a child between tasks once its resident memory passes this many MB (Linux). Default Infinity. */
  maxMemoryMb?: number;
  /** Environment of the children; default: the parent's. */
  env?: Record<string, string | undefined>;
  /**
   * Node flags of the children; default: the parent's (so `--import tsx` is inherited), minus those that
   * name a program to run or open a port (`-e`, `-p`, `--test`, `--watch`, `--inspect`…; see exec-argv.ts).
   * Given flags replace the parent's: include `--import tsx` if task modules are TypeScript.
   */
  execArgv?: string[];
  /** Arguments of every child's script: its `process.argv.slice(2)`. Default none. */
  argv?: string[];
  /** Working directory of the children; default: the parent's. */
  cwd?: string;
  /**
   * 'inherit' (default): children write to the parent's stdout and stderr.
   * 'pipe': every line is copied to the parent's with the prefix "[process <pid>] ".
   * Either way the last 20 stderr lines of a crashed child go into WorkerCrashedError.
   */
  stdio?: 'inherit' | 'pipe';
}

const KNOWN = [
  ...RUN_DEFAULT_OPTIONS,
  'min',
  'max',
  'idleTimeout',
  'maxQueue',
  'concurrentTasksPerWorker',
  'teardownTimeout',
  'cancelGrace',
  'killTimeout',
  'maxTasksPerChild',
  'maxMemoryMb',
  'env',
  'execArgv',
  'cwd',
  'stdio',
  'argv',
] as const;

/** processes()' stats(): the pool figures ({@link PoolStats}). */
export type ProcessesStats = PoolStats;

/** The child-process pool processes() returns; create it with processes(options). */
export class ProcessPool extends Pool<ProcessesStats> {
  /** Always 'processes'. */
  readonly kind = 'processes' as const;
}

/**
 * A pool of child processes (forked Node processes), for work that needs its own memory or
 * must not take the service down when it crashes (native code, leaks): a crash fails only
 * the task that was running, and the pool starts a new child. Tasks are task references.
 *
 * @throws InvalidOptionError (`ERR_BOUNDWISE_INVALID_OPTION`) or OptionRangeError for an unknown or invalid option.
 */
export function processes(options: ProcessesOptions = {}): ProcessPool {
  const owner = 'processes()';
  knownOptions(owner, options, KNOWN);
  const common = commonPoolConfig(owner, options);
  return new ProcessPool({
    ...common,
    maxTasksPerWorker: intOption(owner, 'maxTasksPerChild', options.maxTasksPerChild, Infinity, { min: 1, max: Infinity }),
    maxMemoryMb: intOption(owner, 'maxMemoryMb', options.maxMemoryMb, Infinity, { min: 1, max: Infinity }),
    transport: new ProcessTransport({
      env: envOption(owner, 'env', options.env),
      execArgv: stringArrayOption(owner, 'execArgv', options.execArgv),
      cwd: cwdOption(owner, options.cwd),
      argv: stringArrayOption(owner, 'argv', options.argv) ?? [],
      stdio: oneOf(owner, 'stdio', options.stdio, ['inherit', 'pipe'] as const, 'inherit'),
      // A grace before SIGKILL must end: Infinity would leave a stuck child forever.
      killTimeout: finiteMsOption(owner, 'killTimeout', options.killTimeout, 2_000),
    }),
  });
}

function cwdOption(owner: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new InvalidOptionError('cwd', `${owner}: option "cwd" must be a directory path (a non-empty string), got ${typeof value === 'string' ? '""' : typeof value}`);
  }
  return value;
}

