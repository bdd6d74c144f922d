/**
 * What a running stage is given, whatever its kind: where it reads and writes,
 * its meter, its signal, and how it reports a failure to the pipeline.
 */
import type { PipelineError } from '../errors.js';
import type { Clock } from '../loop/clock.js';
import type { Input, Output } from './channel.js';
import type { StageMeter } from './meter.js';
import type { OnError, StageKind } from './types.js';

export interface StageContext {
  readonly stage: number;
  readonly name: string;
  readonly meter: StageMeter;
  /** Aborts when the pipeline fails or is cancelled, or when the stages after stop reading. */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  /** Fail-fast: stop the whole pipeline with this error. */
  fail(error: PipelineError): void;
  /** onError: 'collect'. */
  collect(error: PipelineError): void;
  /** Set by the stage: the tuner calls it after changing meter.concurrency. */
  wake: () => void;
}

/** How one item is handed to the stage's executor (or run inline). */
export type Invoke = (item: unknown, signal: AbortSignal) => unknown;

export interface TaskStageSpec {
  kind: Exclude<StageKind, 'batch' | 'take'>;
  ordered: boolean;
  onError: OnError<unknown, unknown>;
}

export type RunStage = (ctx: StageContext, input: Input<unknown>, output: Output<unknown>) => Promise<void>;

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}
