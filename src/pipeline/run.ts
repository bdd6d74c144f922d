/**
 * One run of a pipeline: the stages wired with bounded channels, the consumer's
 * iterator at the end, and the one place that decides how the run ends.
 *
 *   source ─▶ stage 1 ─[buffer]─▶ stage 2 ─[buffer]─▶ … ─[buffer]─▶ next() (the consumer)
 *      ▲ cancel() travels upstream when a reader leaves (take(n), break, a stage stopping)
 *   fail()/cancel(): the root signal aborts every stage and its running tasks; the
 *   consumer's next() rejects once every stage has settled and the executors the
 *   pipeline created are closed — so nothing is left running when it does.
 */
import { availableParallelism } from 'node:os';
import { setMaxListeners } from 'node:events';
import { abortError, PipelineError } from '../errors.js';
import type { Executor } from '../executor.js';
import type { Clock } from '../loop/clock.js';
import type { Task } from '../task.js';
import { batchStage } from './batch-stage.js';
import { findBottleneck } from './bottleneck.js';
import { Channel, type Input, type Pulled } from './channel.js';
import { place, type Limits, type Placement } from './executors.js';
import { StageMeter } from './meter.js';
import { stageStats, type StageView } from './snapshot.js';
import { SourceInput, type Source } from './source.js';
import { isThenable, type RunStage, type StageContext } from './stage.js';
import { takeStage } from './take-stage.js';
import { taskStage } from './task-stage.js';
import { startTuner } from './tuner.js';
import type { OnError, PipelineStats, PipelineSummary, StageKind, TuneChange } from './types.js';

export interface StageDef {
  kind: StageKind;
  name: string;
  buffer: number | undefined;
  limits: Limits;
  /** map, filter, flatMap, tap */
  task?: Task;
  placement?: Placement;
  ordered?: boolean;
  onError?: OnError<unknown, unknown>;
  timeout?: number | undefined;
  /** batch: size and ms; take: size is n. */
  size?: number;
  ms?: number | undefined;
}

export interface RunConfig {
  signal: AbortSignal | undefined;
  buffer: number;
  tune: { intervalMs: number } | undefined;
  clock: Clock;
}

type State = PipelineStats['state'];

export class PipelineRun<T> {
  state: State = 'running';
  yielded = 0;
  readonly errors: PipelineError[] = [];
  readonly changes: TuneChange[] = [];
  readonly finished: Promise<void>;
  private readonly root = new AbortController();
  private readonly source: SourceInput<unknown>;
  private readonly views: StageView[] = [];
  private readonly ctxs: StageContext[] = [];
  private readonly last: Input<T>;
  private readonly owned: Executor[] = [];
  private readonly failed: Promise<never>;
  private rejectFailed!: (error: unknown) => void;
  private failure: unknown;
  private readonly startedAt = performance.now();
  private endedAt: number | undefined;
  private stoppedEarly = false;

  constructor(source: Source<unknown>, defs: readonly StageDef[], private readonly config: RunConfig) {
    setMaxListeners(0, this.root.signal);
    this.failed = new Promise<never>((_, reject) => (this.rejectFailed = reject));
    this.failed.catch(() => {});
    this.source = new SourceInput(source);
    const inputFailed = (error: unknown) =>
      this.fail(error instanceof PipelineError ? error : new PipelineError(0, 'source', this.source.pulled, undefined, error));
    let input: Input<unknown> = this.source;
    const running: Promise<void>[] = [];
    try {
      defs.forEach((def, i) => {
        const ctx: StageContext = {
          stage: i + 1,
          name: def.name,
          meter: new StageMeter(def.limits.concurrency),
          signal: this.root.signal,
          clock: config.clock,
          fail: (e) => this.fail(e),
          collect: (e) => this.errors.push(e),
          wake: () => {},
        };
        const out = new Channel<unknown>(def.buffer ?? config.buffer, () => ctx.wake());
        let run: RunStage;
        let model = () => 'inline';
        if (def.kind === 'batch') run = batchStage(def.size as number, def.ms, inputFailed);
        else if (def.kind === 'take') run = takeStage(def.size as number, inputFailed);
        else {
          const placed = place(def.task as Task, def.placement as Placement, def.limits, def.timeout);
          if (placed.owned) this.owned.push(placed.owned);
          model = placed.model;
          run = taskStage({ kind: def.kind, ordered: def.ordered ?? true, onError: def.onError ?? 'fail' }, placed.invoke, inputFailed);
        }
        this.ctxs.push(ctx);
        this.views.push({ stage: i + 1, name: def.name, kind: def.kind, meter: ctx.meter, model, buffered: () => out.size });
        running.push(
          run(ctx, input, out).catch((error: unknown) => this.fail(new PipelineError(i + 1, def.name, ctx.meter.totals.itemsIn, undefined, error))),
        );
        input = out;
      });
    } catch (error) {
      // An executor could not be created: close the ones that were.
      this.root.abort(error);
      void Promise.all(this.owned.map((ex) => ex.close({ cancel: true })));
      throw error;
    }
    this.last = input as Input<T>;
    const outer = config.signal;
    const onOuterAbort = () => void this.cancel(outer?.reason);
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    const stopTuner = config.tune
      ? startTuner(
          { views: this.views, limits: defs.map((d) => d.limits), wake: (i) => this.ctxs[i]?.wake(), yielded: () => this.yielded, changes: this.changes, startedAt: this.startedAt },
          config.clock,
          config.tune.intervalMs,
        )
      : () => {};
    this.finished = Promise.all(running).then(async () => {
      stopTuner();
      outer?.removeEventListener('abort', onOuterAbort);
      const cancel = this.state !== 'running' || this.stoppedEarly;
      await Promise.all(this.owned.map((ex) => ex.close(cancel ? { cancel: true } : undefined).catch(() => {})));
      await this.source.closed();
      this.endedAt = performance.now();
    });
    if (outer?.aborted) onOuterAbort();
  }

  /** Fail-fast: the first failure stops everything; later ones (aborted siblings) are not news. */
  fail(error: unknown): void {
    if (this.state !== 'running') return;
    this.state = 'failed';
    this.stop(error);
  }

  cancel(reason: unknown = abortError('the pipeline was cancelled')): Promise<void> {
    if (this.state === 'running') {
      this.state = 'cancelled';
      this.stop(reason);
    }
    return this.finished;
  }

  private stop(reason: unknown): void {
    this.failure = reason;
    this.root.abort(reason);
    this.rejectFailed(reason);
    // A consumer waiting on the last buffer wakes with the failure (no race per pull).
    if (this.last instanceof Channel) this.last.fail(reason);
  }

  async next(): Promise<IteratorResult<T, undefined>> {
    if (this.stopped()) return this.thrown();
    let r: Pulled<T> | Promise<Pulled<T>> = this.last.pull();
    if (isThenable(r)) {
      try {
        // The last buffer rejects by itself when the run stops; the source (no stages) does not.
        r = await (this.last instanceof Channel ? r : Promise.race([r, this.failed]));
      } catch (error) {
        if (this.failure !== undefined) return this.thrown();
        // The source failed with no stage to catch it (a pipeline without stages).
        this.fail(new PipelineError(0, 'source', this.source.pulled, undefined, error));
        return this.thrown();
      }
    }
    if (this.stopped()) return this.thrown();
    if (r.done) {
      await this.finished;
      if (this.state === 'running') this.state = 'done';
      if (this.failure !== undefined && this.state !== 'done') return this.thrown();
      return { done: true, value: undefined };
    }
    this.yielded++;
    return r;
  }

  /** The consumer stopped reading (break, Readable destroyed): stop the rest, close what was created. */
  async return(): Promise<IteratorResult<T, undefined>> {
    if (this.state === 'running') {
      this.stoppedEarly = true;
      this.last.cancel();
      await this.finished;
      if (this.state === 'running') this.state = 'done';
    } else await this.finished;
    return { done: true, value: undefined };
  }

  /** Failed or cancelled (a method: the state changes while next() awaits). */
  private stopped(): boolean {
    return this.state === 'failed' || this.state === 'cancelled';
  }

  private async thrown(): Promise<never> {
    await this.finished;
    throw this.failure;
  }

  stats(): PipelineStats {
    const now = performance.now();
    return Object.freeze({
      state: this.state,
      pulled: this.source.pulled,
      yielded: this.yielded,
      elapsedMs: (this.endedAt ?? now) - this.startedAt,
      stages: Object.freeze(this.views.map((v) => stageStats(v, now))),
      tuning: Object.freeze([...this.changes]),
    });
  }

  summary(): PipelineSummary {
    const stats = this.stats();
    return Object.freeze({ ...stats, errors: Object.freeze([...this.errors]), bottleneck: findBottleneck(stats.stages, availableParallelism()) });
  }
}
