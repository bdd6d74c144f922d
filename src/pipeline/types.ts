/** The public shapes of pipeline(): options, per-stage statistics, the summary. */
import type { Executor } from '../executor.js';
import type { PipelineError } from '../errors.js';
import type { Clock } from '../loop/clock.js';
import type { Percentiles } from '../stats.js';

/** Where a stage's tasks run: a model by name (the pipeline creates and closes it) or your executor (left open). */
export type StageModel = 'loop' | 'threads' | 'processes' | 'auto' | Executor;

/**
 * What a stage does with an item that failed. Default 'fail': the whole pipeline
 * stops and rejects with a PipelineError. 'skip' drops the item; 'collect' drops
 * it and keeps the error for the summary; a function returns a replacement.
 */
export type OnError<I, O> = 'fail' | 'skip' | 'collect' | ((error: unknown, item: I) => O | Promise<O>);

/** Options of a task stage: map(), filter(), flatMap(), tap() and forEach(). Unknown keys throw InvalidOptionError. */
export interface StageOptions<I = any, O = any> {
  /** Shown in stats and explain(). Default: the task's name. */
  name?: string;
  /**
   * Default: 'auto' for a task reference; a plain function runs inline on the
   * pipeline's own event loop (no executor), where closures live anyway.
   */
  on?: StageModel;
  /** Tasks in flight at once. Default: 16 inline or on 'loop', cores on 'threads'/'processes', 2×cores otherwise. */
  concurrency?: number;
  /** tune: true never goes below this. Default 1. */
  minConcurrency?: number;
  /** tune: true never goes above this. Default: 256 inline or on 'loop', cores on 'threads'/'processes', 4×concurrency otherwise. */
  maxConcurrency?: number;
  /** Keep input order (default true); false passes results on as they finish. */
  ordered?: boolean;
  /** Finished items this stage holds for the next one before it waits. Default: the pipeline's `buffer`. */
  buffer?: number;
  /** What to do with an item whose task failed (see {@link OnError}). Default 'fail'. */
  onError?: OnError<I, O>;
  /** Each task's own timeout (ms, from the start of its run). */
  timeout?: number;
}

/** Options of batch(size, options). */
export interface BatchOptions {
  /** Pass a partial batch on this many ms after its first item arrived. Default: none (a batch waits until it has `size` items or the input ends). */
  ms?: number;
  /** Finished batches this stage holds for the next one before it waits. Default: the pipeline's `buffer`. */
  buffer?: number;
}

/** Options of `tune` in {@link PipelineOptions}; `tune: true` is `{ intervalMs: 250 }`. */
export interface TuneOptions {
  /** How often the tuner looks (ms). Default 250. */
  intervalMs?: number;
}

/** Options of pipeline(source, options). Unknown keys throw InvalidOptionError. */
export interface PipelineOptions {
  /** Aborting it cancels the run: the source is closed, running tasks aborted, the executors the pipeline created closed. Default: none. */
  signal?: AbortSignal;
  /** Default buffer of every stage (finished items waiting for the next stage). Default 8. */
  buffer?: number;
  /** Move concurrency to the bottleneck while the run goes on, within each stage's limits. Default false. */
  tune?: boolean | TuneOptions;
  /** Time source for batch({ ms }) and the tuner (tests step it by hand). Default: systemClock. */
  clock?: Clock;
}

/** The operator that made a stage: map(), filter(), flatMap(), tap() (forEach() is a tap), batch() or take(). */
export type StageKind = 'map' | 'filter' | 'flatMap' | 'tap' | 'batch' | 'take';

/** One stage's figures in {@link PipelineStats}: a frozen snapshot taken by stats(), summary() or explain(). */
export interface StageStats {
  /** 1 for the first stage. */
  readonly stage: number;
  /** The `name` option, else the task's name (a function's name, or the stage's kind for an anonymous one); `batch(n)`, `take(n)` for those. */
  readonly name: string;
  /** The operator that made the stage. */
  readonly kind: StageKind;
  /** 'inline', 'loop', 'threads', 'processes', 'auto → threads' (what auto() chose), or a passed executor's kind. */
  readonly model: string;
  /** Tasks it may have in flight at once now (tune: true changes it; a batch stage's is its size). */
  readonly concurrency: number;
  /** Items that entered the stage (tasks started). */
  readonly itemsIn: number;
  /** Items the stage passed on (for filter, only those kept; for flatMap, every element). */
  readonly itemsOut: number;
  /** Failed items dropped by onError: 'skip' or 'collect'. */
  readonly skipped: number;
  /** Items whose task failed, whatever onError then did (skipped ones included). */
  readonly failed: number;
  /** Tasks running now. */
  readonly inFlight: number;
  /** Items the stage holds: in flight, plus finished ones waiting for room downstream (at most `concurrency`). */
  readonly held: number;
  /** Finished items waiting in this stage's buffer for the next stage. */
  readonly buffered: number;
  /** Items out per second of the stage's life. */
  readonly throughput: number;
  /** Share of the stage's life, 0..1, with at least one task in flight. */
  readonly busy: number;
  /** Share of the stage's life, 0..1, with every slot taken (in flight plus finished, not yet passed on): more slots could have helped. */
  readonly full: number;
  /** Share of the stage's life, 0..1, with nothing in flight while it waited for input: the stages before are slower. */
  readonly starved: number;
  /** Share of the stage's life, 0..1, spent waiting for room downstream: the stages after (or the consumer) are slower. May overlap `busy`. */
  readonly blocked: number;
  /** ms from handing an item to the executor to its result (queueing in a shared executor included). */
  readonly runTime: Percentiles;
  /** ms from the stage's start to now, or to its end once it has finished. */
  readonly elapsedMs: number;
}

/** One change the tuner made, and why. */
export interface TuneChange {
  /** The stage changed, 1 for the first. */
  readonly stage: number;
  /** That stage's name. */
  readonly name: string;
  /** Its concurrency before the change. */
  readonly from: number;
  /** Its concurrency after the change. */
  readonly to: number;
  /** Why, in words, with the figures the tuner saw. */
  readonly reason: string;
  /** ms since the run began. */
  readonly atMs: number;
}

/** The stage that held the run back, as summary() and explain() name it. */
export interface Bottleneck {
  /** The stage that holds the rest back; 0 is the source, stages.length + 1 the consumer. */
  readonly stage: number;
  /** The stage's name, or 'source' / 'consumer'. */
  readonly name: string;
  /** One sentence: which stage, its figures, and what would help. */
  readonly text: string;
}

/** A frozen snapshot of a pipeline's run: its state, counts and every stage's figures. */
export interface PipelineStats {
  /** 'idle' until it is first read; 'running' from the first read; 'done' when the source and every stage finished (or the reader stopped early, e.g. `break`); 'failed' after a stage or the source failed; 'cancelled' after cancel() or the `signal`. */
  readonly state: 'idle' | 'running' | 'done' | 'failed' | 'cancelled';
  /** Items taken from the source so far. */
  readonly pulled: number;
  /** Items the pipeline has yielded. */
  readonly yielded: number;
  /** ms since the run began (to its end once finished); 0 while idle. */
  readonly elapsedMs: number;
  /** One entry per stage, in order. */
  readonly stages: readonly StageStats[];
  /** Every change tune: true made, oldest first (empty without tune). */
  readonly tuning: readonly TuneChange[];
}

/** What drain() and forEach() resolve with, and summary() returns: the stats, the collected errors and the bottleneck. */
export interface PipelineSummary extends PipelineStats {
  /** Errors of stages with onError: 'collect'. */
  readonly errors: readonly PipelineError[];
  /** The stage that held the run back. */
  readonly bottleneck: Bottleneck;
}
