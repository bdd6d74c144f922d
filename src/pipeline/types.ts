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
  onError?: OnError<I, O>;
  /** Each task's own timeout (ms, from the start of its run). */
  timeout?: number;
}

export interface BatchOptions {
  /** Pass a partial batch on this many ms after its first item arrived. */
  ms?: number;
  buffer?: number;
}

export interface TuneOptions {
  /** How often the tuner looks (ms). Default 250. */
  intervalMs?: number;
}

export interface PipelineOptions {
  signal?: AbortSignal;
  /** Default buffer of every stage (finished items waiting for the next stage). Default 8. */
  buffer?: number;
  /** Move concurrency to the bottleneck while the run goes on, within each stage's limits. */
  tune?: boolean | TuneOptions;
  /** Time source for batch({ ms }) and the tuner (tests step it by hand). */
  clock?: Clock;
}

export type StageKind = 'map' | 'filter' | 'flatMap' | 'tap' | 'batch' | 'take';

export interface StageStats {
  /** 1 for the first stage. */
  readonly stage: number;
  readonly name: string;
  readonly kind: StageKind;
  /** 'inline', 'loop', 'threads', 'processes', 'auto → threads' (what auto() chose), or a passed executor's kind. */
  readonly model: string;
  readonly concurrency: number;
  readonly itemsIn: number;
  readonly itemsOut: number;
  readonly skipped: number;
  readonly failed: number;
  readonly inFlight: number;
  /** Items the stage holds: in flight, plus finished ones waiting for room downstream (at most `concurrency`). */
  readonly held: number;
  /** Finished items waiting in this stage's buffer for the next stage. */
  readonly buffered: number;
  /** Items out per second of the stage's life. */
  readonly throughput: number;
  /** Shares of the stage's life, 0..1 (see meter.ts). */
  readonly busy: number;
  readonly full: number;
  readonly starved: number;
  readonly blocked: number;
  /** ms from handing an item to the executor to its result (queueing in a shared executor included). */
  readonly runTime: Percentiles;
  readonly elapsedMs: number;
}

/** One change the tuner made, and why. */
export interface TuneChange {
  readonly stage: number;
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly reason: string;
  /** ms since the run began. */
  readonly atMs: number;
}

export interface Bottleneck {
  /** The stage that holds the rest back; 0 is the source, stages.length + 1 the consumer. */
  readonly stage: number;
  readonly name: string;
  readonly text: string;
}

export interface PipelineStats {
  readonly state: 'idle' | 'running' | 'done' | 'failed' | 'cancelled';
  /** Items taken from the source so far. */
  readonly pulled: number;
  /** Items the pipeline has yielded. */
  readonly yielded: number;
  readonly elapsedMs: number;
  readonly stages: readonly StageStats[];
  readonly tuning: readonly TuneChange[];
}

export interface PipelineSummary extends PipelineStats {
  /** Errors of stages with onError: 'collect'. */
  readonly errors: readonly PipelineError[];
  readonly bottleneck: Bottleneck;
}
