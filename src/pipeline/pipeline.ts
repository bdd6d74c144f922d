/**
 * `pipeline(source)`: stages on the models that fit them, bounded buffers
 * between them, every stage measured and the bottleneck named.
 *
 *   const run = pipeline(ids, { signal })
 *     .map(t.fetchDoc, { on: 'loop', concurrency: 64 })
 *     .map(t.extract, { on: 'threads' })
 *     .filter((f) => f.words > 0)
 *     .batch(200)
 *     .map(t.insertRows, { on: threads({ max: 1 }) });
 *   for await (const r of run) …            // or await run.drain() / run.toArray()
 *   run.explain();
 *
 * Each operator returns a new Pipeline (the one before is left as it was); the
 * run starts when the result is first read, and a Pipeline runs once.
 */
import { availableParallelism } from 'node:os';
import { InvalidOptionError, type PipelineError } from '../errors.js';
import { systemClock } from '../loop/clock.js';
import { boolOption, intOption, knownOptions, msOption, objectOption, signalOption } from '../options.js';
import { isTaskRef, type Task } from '../task.js';
import { findBottleneck, pct } from './bottleneck.js';
import { defaultPlacement, stageLimits } from './executors.js';
import { PipelineRun, type RunConfig, type StageDef } from './run.js';
import { checkSource, type Source } from './source.js';
import type { BatchOptions, PipelineOptions, PipelineStats, PipelineSummary, StageKind, StageOptions } from './types.js';

const PIPELINE_OPTIONS = ['signal', 'buffer', 'tune', 'clock'] as const;
const STAGE_OPTIONS = ['name', 'on', 'concurrency', 'minConcurrency', 'maxConcurrency', 'ordered', 'buffer', 'onError', 'timeout'] as const;
const DEFAULT_BUFFER = 8;
const MODELS = ['loop', 'threads', 'processes', 'auto'];

function taskName(task: Task, kind: StageKind): string {
  if (isTaskRef(task)) return task.name;
  return task.name || kind;
}

function isExecutor(value: unknown): boolean {
  const v = value as { run?: unknown; stats?: unknown; kind?: unknown } | null;
  return typeof v === 'object' && v !== null && typeof v.run === 'function' && typeof v.stats === 'function' && typeof v.kind === 'string';
}

function stageDef(kind: StageKind, task: Task, options: StageOptions | undefined): StageDef {
  const owner = `pipeline().${kind}()`;
  if (!isTaskRef(task) && typeof task !== 'function') {
    throw new InvalidOptionError('task', `${owner}: expected a task reference or a function, got ${task === null ? 'null' : typeof task}`);
  }
  const o = options ?? {};
  knownOptions(owner, o, STAGE_OPTIONS);
  if (o.on !== undefined && !MODELS.includes(o.on as string) && !isExecutor(o.on)) {
    throw new InvalidOptionError('on', `${owner}: option "on" must be 'loop', 'threads', 'processes', 'auto' or an executor, got ${String(o.on)}`);
  }
  if (o.on !== undefined && typeof o.on === 'string' && o.on !== 'loop' && o.on !== 'auto' && !isTaskRef(task)) {
    throw new InvalidOptionError('on', `${owner}: a plain function cannot run on '${o.on}': export it from a module and pass tasks<…>(url).${task.name || 'name'}`);
  }
  intOption(owner, 'concurrency', o.concurrency, 1, { min: 1, max: 1_000_000 });
  intOption(owner, 'minConcurrency', o.minConcurrency, 1, { min: 1, max: 1_000_000 });
  intOption(owner, 'maxConcurrency', o.maxConcurrency, 1, { min: 1, max: 1_000_000 });
  intOption(owner, 'buffer', o.buffer, 1, { min: 1, max: 1_000_000 });
  boolOption(owner, 'ordered', o.ordered, true);
  msOption(owner, 'timeout', o.timeout, Infinity);
  if (o.onError !== undefined && typeof o.onError !== 'function' && !['fail', 'skip', 'collect'].includes(o.onError)) {
    throw new InvalidOptionError('onError', `${owner}: option "onError" must be 'fail', 'skip', 'collect' or a function, got ${String(o.onError)}`);
  }
  const placement = defaultPlacement(task, o.on);
  const limits = stageLimits(placement, o);
  if (limits.max < limits.concurrency) {
    throw new InvalidOptionError('maxConcurrency', `${owner}: maxConcurrency (${limits.max}) is below concurrency (${limits.concurrency})`);
  }
  return {
    kind,
    name: o.name ?? taskName(task, kind),
    buffer: o.buffer,
    limits,
    task,
    placement,
    ordered: o.ordered ?? true,
    onError: o.onError ?? 'fail',
    timeout: o.timeout,
  };
}

function runConfig(options: PipelineOptions | undefined): RunConfig {
  const owner = 'pipeline()';
  const o = options ?? {};
  knownOptions(owner, o, PIPELINE_OPTIONS);
  signalOption(owner, o.signal);
  const buffer = intOption(owner, 'buffer', o.buffer, DEFAULT_BUFFER, { min: 1, max: 1_000_000 });
  let tune: RunConfig['tune'];
  if (o.tune === true) tune = { intervalMs: 250 };
  else if (o.tune !== undefined && o.tune !== false) {
    const t = objectOption<{ intervalMs?: number }>(owner, 'tune', o.tune) ?? {};
    knownOptions(`${owner} tune`, t, ['intervalMs']);
    tune = { intervalMs: msOption(owner, 'tune.intervalMs', t.intervalMs, 250, 1) };
  }
  return { signal: o.signal, buffer, tune, clock: o.clock ?? systemClock };
}

/**
 * A pipeline built by pipeline(source) and its operators: each operator returns a new
 * Pipeline (the one before is left as it was). Reading it (for await, drain(), toArray(),
 * forEach()) starts the run; a Pipeline runs once.
 */
export class Pipeline<T> implements AsyncIterable<T> {
  private run: PipelineRun<T> | undefined;

  /** @internal Use pipeline(source, options): it validates them. */
  constructor(
    private readonly source: Source<unknown>,
    private readonly config: RunConfig,
    private readonly defs: readonly StageDef[],
  ) {}

  private with<U>(def: StageDef): Pipeline<U> {
    if (this.run) throw new InvalidOptionError('pipeline', 'pipeline(): this pipeline has started; add stages before reading it');
    return new Pipeline<U>(this.source, this.config, [...this.defs, def]);
  }

  /** Each item through `task`; its result goes on. */
  map<O>(task: Task<T, O>, options?: StageOptions<T, O>): Pipeline<Awaited<O>> {
    return this.with(stageDef('map', task, options));
  }

  /** Keep the items for which `task` returns a truthy value. */
  filter(task: Task<T, unknown>, options?: StageOptions<T, boolean>): Pipeline<T> {
    return this.with(stageDef('filter', task, options));
  }

  /** `task` returns an iterable or async iterable; each of its elements goes on. */
  flatMap<O>(task: Task<T, Iterable<O> | AsyncIterable<O>>, options?: StageOptions<T, Iterable<O> | AsyncIterable<O>>): Pipeline<O> {
    return this.with(stageDef('flatMap', task, options));
  }

  /** Run `task` for its effect; the item itself goes on. */
  tap(task: Task<T, unknown>, options?: StageOptions<T, unknown>): Pipeline<T> {
    return this.with(stageDef('tap', task, options));
  }

  /** Arrays of `size` items, or fewer once `ms` have passed since the batch's first item, or at the end. */
  batch(size: number, options: BatchOptions = {}): Pipeline<T[]> {
    const owner = 'pipeline().batch()';
    intOption(owner, 'size', size, 1, { min: 1, max: 1_000_000 });
    knownOptions(owner, options, ['ms', 'buffer']);
    const ms = options.ms === undefined ? undefined : msOption(owner, 'ms', options.ms, 0);
    intOption(owner, 'buffer', options.buffer, 1, { min: 1, max: 1_000_000 });
    const name = ms === undefined ? `batch(${size})` : `batch(${size}, ${ms} ms)`;
    return this.with({ kind: 'batch', name, buffer: options.buffer, limits: { concurrency: size, min: size, max: size }, size, ms });
  }

  /** The first `n` items; then the stages before stop (running tasks aborted, the source closed). */
  take(n: number): Pipeline<T> {
    intOption('pipeline().take()', 'n', n, 0, { min: 0 });
    return this.with({ kind: 'take', name: `take(${n})`, buffer: 1, limits: { concurrency: 1, min: 1, max: 1 }, size: n });
  }

  private started(): PipelineRun<T> {
    this.run ??= new PipelineRun<T>(this.source, this.defs, this.config);
    return this.run;
  }

  /**
   * Start the run and read its results: `for await (const x of run)`. Leaving the loop early
   * (`break`) stops the stages before, closes the source and the executors the pipeline created.
   * Throws InvalidOptionError when the pipeline has already run.
   */
  [Symbol.asyncIterator](): AsyncIterator<T, undefined> & AsyncIterable<T> {
    if (this.run) throw new InvalidOptionError('pipeline', 'pipeline(): a pipeline runs once; build it again to run it again');
    const run = this.started();
    const it = {
      next: () => run.next(),
      return: () => run.return(),
      [Symbol.asyncIterator]: () => it,
    };
    return it;
  }

  /** Run to the end, dropping the results; the summary says what happened. */
  async drain(): Promise<PipelineSummary> {
    for await (const _ of this);
    return (this.run as PipelineRun<T>).summary();
  }

  /** Run to the end and collect every result, in order (unless a stage has `ordered: false`). */
  async toArray(): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this) out.push(item);
    return out;
  }

  /** Run `task` for every result, to the end: tap(task) then drain(). */
  forEach(task: Task<T, unknown>, options?: StageOptions<T, unknown>): Promise<PipelineSummary> {
    return this.tap(task, options).drain();
  }

  /** Stop: the source is closed, running tasks aborted, the executors the pipeline created closed. */
  cancel(reason?: unknown): Promise<void> {
    if (!this.run) {
      this.run = new PipelineRun<T>([], [], this.config);
    }
    return this.run.cancel(reason);
  }

  /** A frozen snapshot of the run so far; state 'idle' with no stages before it starts. */
  stats(): PipelineStats {
    if (this.run) return this.run.stats();
    return Object.freeze({ state: 'idle', pulled: 0, yielded: 0, elapsedMs: 0, stages: Object.freeze([]), tuning: Object.freeze([]) });
  }

  /** Errors collected so far by stages with onError: 'collect'. */
  get errors(): readonly PipelineError[] {
    return this.run ? [...this.run.errors] : [];
  }

  /** The summary drain() returns, at any moment of the run. */
  summary(): PipelineSummary {
    return this.run ? this.run.summary() : Object.freeze({ ...this.stats(), errors: Object.freeze([]), bottleneck: findBottleneck([], 1) });
  }

  /** The bottleneck in words with its numbers, then one line per stage and what tune: true changed. */
  explain(): string {
    const s = this.stats();
    const lines = [findBottleneck(s.stages, availableParallelism()).text];
    for (const st of s.stages) {
      const p50 = st.runTime.count ? `, task p50 ${st.runTime.p50.toFixed(1)} ms p99 ${st.runTime.p99.toFixed(1)} ms` : '';
      lines.push(
        `  ${st.stage}. ${st.name} (${st.model}, ${st.concurrency} at once): ${st.itemsIn} in, ${st.itemsOut} out, ${st.throughput.toFixed(1)}/s; busy ${pct(st.busy)}, full ${pct(st.full)}, starved ${pct(st.starved)}, blocked ${pct(st.blocked)}${p50}`,
      );
    }
    for (const c of s.tuning) lines.push(`  tuned at ${c.atMs} ms: stage ${c.stage} ${c.name} ${c.from} → ${c.to}: ${c.reason}`);
    return lines.join('\n');
  }
}

/** Start a pipeline from any iterable, async iterable or Node Readable. */
export function pipeline<T>(source: Iterable<T> | AsyncIterable<T>, options?: PipelineOptions): Pipeline<T> {
  checkSource(source);
  return new Pipeline<T>(source, runConfig(options), []);
}
