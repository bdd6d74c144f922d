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
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** [ms since the run began, the loop's lateness in the window ending there]: the delay over time. */
  timeline: Array<[number, number]>;
}

/** One model, one round. */
export interface RoundSample {
  round: number;
  /** Place of this model in the round's order (models alternate direction each round). */
  order: number;
  /** The warm-up (executor start-up included), not counted in the figures below. */
  warmupMs: number;
  wallMs: number;
  /** Inputs per second. */
  throughput: number;
  latency: { p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number };
  /** This process's threads plus its child processes. */
  cpuMs: number;
  cpuScope: 'process' | 'process+children';
  /** The main thread's time runnable but kept from a core after preemption (/proc schedstat, split by switch kind), when known. */
  runQueueDelayMs?: number;
  peakRssMb: number;
  addedRssMb: number;
  loopDelay: LoopDelay;
  /** auto()'s decision after the run. */
  decision?: { model: string; behaviour: string; reason: string };
}

/** Median of a figure over the rounds, with its spread. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** One model over every round. */
export interface ModelResult {
  model: BenchModel;
  /** 'sequential', 'loop()', 'threads()', … */
  label: string;
  /** Set when the model failed: its runs stopped, the others completed. */
  error?: { name: string; code?: string; message: string };
  rounds: RoundSample[];
  /** Medians (and spread) over the rounds; absent when the model failed. */
  summary?: {
    wallMs: Spread;
    throughput: Spread;
    latencyP50Ms: Spread;
    latencyP95Ms: Spread;
    latencyP99Ms: Spread;
    cpuMs: Spread;
    peakRssMb: Spread;
    addedRssMb: Spread;
    loopDelayP99Ms: Spread;
    loopDelayMaxMs: Spread;
    /** Sequential wall ÷ this model's (medians). */
    speedup: number;
    /** The round whose wall time is the median: its loop-delay timeline is the one charted. */
    medianRound: number;
  };
  /** The rule of thumb on this model (null for the baseline, auto() and failed models). */
  rule: RuleMark | null;
}

export interface BenchVerdict {
  /** The model to use: the fastest of those that kept the event loop responsive. */
  recommended: BenchModel | null;
  /** One clause per model with its numbers: "threads(): 3.4× sequential, loop delay p99 2 ms". */
  clauses: string[];
  /** The verdict in words, the first line the headline. */
  lines: string[];
  /** What the task does inline: CPU time ÷ the wall time it could have run (less the time it waited for a core) of the sequential run. */
  cpuShare: number | null;
  kind: 'waits' | 'calculates' | null;
  /** The guides' rule for that kind, e.g. "calculates → processes". */
  rule: string | null;
  ruleOfThumb: { right: number; wrong: number };
  auto: {
    chose: string;
    behaviour: string;
    reason: string;
    /** auto()'s throughput ÷ the best other model's. */
    ofBest: number | null;
    best: BenchModel | null;
  } | null;
}

export interface BenchResult {
  /** `tasks.ts#thumbnail`. */
  task: string;
  node: string;
  cpus: number;
  /** 1-minute load average at the start: a shared machine skews every figure. */
  loadAverage: number;
  n: number;
  concurrency: number;
  rounds: number;
  warmup: number;
  models: ModelResult[];
  verdict: BenchVerdict;
  /** Every model ran without an error. */
  ok: boolean;
  totalMs: number;
}
