/**
 * The shapes of a bench run: what one model did in one round, the medians over
 * rounds, and the verdict. `bench()` returns a BenchResult; `--json` prints it.
 * Times are milliseconds, memory MB.
 */
import type { RuleMark } from '../demo/types.js';

/** The models a bench compares; 'sequential' is the inline baseline and always runs. */
export type BenchModel = 'sequential' | 'loop' | 'threads' | 'processes' | 'auto';

export const EXECUTOR_MODELS = ['loop', 'threads', 'processes', 'auto'] as const satisfies readonly BenchModel[];

/** The main thread's event-loop delay during a run (perf_hooks.monitorEventLoopDelay). */
export interface LoopDelay {
  /** Median event-loop delay, ms. */
  p50Ms: number;
  /** 99th percentile of the event-loop delay, ms. */
  p99Ms: number;
  /** Longest event-loop delay, ms. */
  maxMs: number;
  /** The delay over time: pairs of (ms since the run began, the loop's lateness in the window ending there, ms). */
  timeline: Array<[number, number]>;
}

/** One model, one round. */
export interface RoundSample {
  /** The round, from 1. */
  round: number;
  /** Place of this model in the round's order (models alternate direction each round). */
  order: number;
  /** The warm-up (executor start-up included), not counted in the figures below. */
  warmupMs: number;
  /** Wall time of the measured run, ms. */
  wallMs: number;
  /** Inputs per second. */
  throughput: number;
  /** Time from submitting one input to its result. */
  latency: {
    /** Median, ms. */
    p50Ms: number;
    /** 95th percentile, ms. */
    p95Ms: number;
    /** 99th percentile, ms. */
    p99Ms: number;
    /** Longest, ms. */
    maxMs: number;
  };
  /** CPU time of this process's threads plus its child processes during the run, ms. */
  cpuMs: number;
  /** Whose CPU `cpuMs` counts: this process (every thread), or its child processes too (processes(), auto()). */
  cpuScope: 'process' | 'process+children';
  /** The main thread's time runnable but kept from a core after preemption (/proc schedstat, split by switch kind), when known. */
  runQueueDelayMs?: number;
  /** Highest sampled resident memory of this process plus its live child processes during the run, MB. */
  peakRssMb: number;
  /** Peak less the resident memory when the run began, MB. */
  addedRssMb: number;
  /** The main thread's event-loop delay during the measured run. */
  loopDelay: LoopDelay;
  /** auto()'s decision after the run (auto() only). */
  decision?: {
    /** Where auto() ran the task. */
    model: string;
    /** How it classified it (a {@link Behaviour}). */
    behaviour: string;
    /** Its reason, in words. */
    reason: string;
  };
}

/** Median of a figure over the rounds, with its spread. */
export interface Spread {
  /** The median over the rounds. */
  median: number;
  /** The smallest round's figure. */
  min: number;
  /** The largest round's figure. */
  max: number;
}

/** One model over every round. */
export interface ModelResult {
  /** Which model. */
  model: BenchModel;
  /** 'sequential', 'loop()', 'threads()', … */
  label: string;
  /** Set when the model failed: its runs stopped, the others completed. */
  error?: {
    /** The error's class name, e.g. 'TaskInputError'. */
    name: string;
    /** Its `code`, when it has one ('ERR_BOUNDWISE_…'). */
    code?: string;
    /** Its message. */
    message: string;
  };
  /** One sample per round this model ran, in round order. */
  rounds: RoundSample[];
  /** Medians (and spread) over the rounds; absent when the model failed. */
  summary?: {
    /** Wall time of the measured run, ms. */
    wallMs: Spread;
    /** Inputs per second. */
    throughput: Spread;
    /** Median time from submitting one input to its result, ms. */
    latencyP50Ms: Spread;
    /** 95th percentile of the per-input latency, ms. */
    latencyP95Ms: Spread;
    /** 99th percentile of the per-input latency, ms. */
    latencyP99Ms: Spread;
    /** CPU time of this process's threads plus its child processes during the run, ms. */
    cpuMs: Spread;
    /** Highest resident set size of this process during the run, MB. */
    peakRssMb: Spread;
    /** Peak RSS less the RSS before the run, MB: what the model's workers and buffers cost. */
    addedRssMb: Spread;
    /** 99th percentile of the main thread's event-loop delay during the run, ms. */
    loopDelayP99Ms: Spread;
    /** Longest event-loop delay of the main thread during the run, ms. */
    loopDelayMaxMs: Spread;
    /** Sequential wall ÷ this model's (medians). */
    speedup: number;
    /** The round whose wall time is the median: its loop-delay timeline is the one charted. */
    medianRound: number;
  };
  /** The rule of thumb on this model (null for the baseline, auto() and failed models). */
  rule: RuleMark | null;
}

/** bench()'s conclusion: the model to use, the reasons in words, and how the rule of thumb and auto() fared. */
export interface BenchVerdict {
  /** The model to use: the fastest of those that kept the event loop responsive. */
  recommended: BenchModel | null;
  /** One clause per model with its numbers: "threads(): 3.4× sequential, loop delay p99 2 ms". */
  clauses: string[];
  /** The verdict in words, the first line the headline. */
  lines: string[];
  /** What the task does inline: CPU time ÷ the wall time it could have run (less the time it waited for a core) of the sequential run. */
  cpuShare: number | null;
  /** 'calculates' when `cpuShare` is at least one half, else 'waits'; null when the baseline failed. */
  kind: 'waits' | 'calculates' | null;
  /** The guides' rule for that kind, e.g. "calculates → processes". */
  rule: string | null;
  /** How many executor models (auto() left out) the rule of thumb judged right and wrong against the measurement. */
  ruleOfThumb: {
    /** Models where what the rule says (use / avoid) matched what was measured. */
    right: number;
    /** Models where it did not. */
    wrong: number;
  };
  /** What auto() chose after its run and how close it came to the best; null when auto() was not compared or failed. */
  auto: {
    /** The model auto() routed the task to. */
    chose: string;
    /** How auto() classified the task (a {@link Behaviour}: 'calculating', 'waiting-async', 'tiny', …). */
    behaviour: string;
    /** auto()'s reason, in words. */
    reason: string;
    /** auto()'s throughput ÷ the best other model's. */
    ofBest: number | null;
    /** The model with the best throughput, auto() left out. */
    best: BenchModel | null;
  } | null;
}

/** What bench() resolves with (and `boundwise bench --json` prints). */
export interface BenchResult {
  /** `tasks.ts#thumbnail`. */
  task: string;
  /** process.version of the Node that ran it. */
  node: string;
  /** os.availableParallelism() of the machine. */
  cpus: number;
  /** 1-minute load average at the start: a shared machine skews every figure. */
  loadAverage: number;
  /** Inputs per measured run. */
  n: number;
  /** Inputs in flight at once on an executor. */
  concurrency: number;
  /** Rounds run; figures are medians over them. */
  rounds: number;
  /** Inputs run on each fresh executor before measuring. */
  warmup: number;
  /** The sequential baseline first, then each executor model compared. */
  models: ModelResult[];
  /** The conclusion. */
  verdict: BenchVerdict;
  /** Every model ran without an error. */
  ok: boolean;
  /** Wall time of the whole bench, every round of every model, ms. */
  totalMs: number;
}
