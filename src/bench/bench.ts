/**
 * `bench(task, inputs, options)`: one task on every model, measured the same
 * way, side by side with calling it inline.
 *
 *   inputs ─► for each round: models in order (reversed every other round, so
 *             none always runs first on a cold or last on a warm machine)
 *             └─ runModel(): fresh executor, warm-up, measured run, close
 *          ─► medians and spread per model ─► verdict (pure) ─► BenchResult
 *
 * A model that fails (an input it cannot clone, a crash) is recorded with its
 * error and left out of later rounds; the others complete.
 */
import { availableParallelism, loadavg } from 'node:os';
import { InvalidOptionError } from '../errors.js';
import { intOption, knownOptions } from '../options.js';
import { importModule, isTaskRef, pickExport, taskLabel, type TaskRef } from '../task.js';
import { runModel } from './run-model.js';
import { median, summarize } from './summarize.js';
import { verdict } from './verdict.js';
import { EXECUTOR_MODELS, type BenchModel, type BenchResult, type ModelResult } from './types.js';

/** Inputs: a list, an (async) iterable, or a function returning one — called for fresh inputs each run. */
export type BenchInputs<I> = Iterable<I> | AsyncIterable<I> | (() => Iterable<I> | AsyncIterable<I>);

/** What bench()'s `onProgress` gets before each model's run in each round, and once at the end (`label: 'done'`). */
export interface BenchProgress {
  /** Runs finished so far (one run = one model in one round). */
  done: number;
  /** Runs in all: rounds × (the models + the sequential baseline). */
  total: number;
  /** "round 2/5: threads()". */
  label: string;
}

/** Options of bench(task, inputs, options). Unknown keys throw InvalidOptionError. */
export interface BenchOptions {
  /** Inputs per run (default: as many as the inputs give, at most 10,000); fewer inputs are repeated in turn. */
  n?: number;
  /** Inputs in flight at once on an executor (default 8). The baseline runs one at a time. */
  concurrency?: number;
  /** Executor models to compare (default all four); the inline baseline always runs. */
  models?: Array<Exclude<BenchModel, 'sequential'>>;
  /** Rounds; figures are medians over them (default 3). */
  rounds?: number;
  /** Inputs run on each fresh executor before measuring (default: concurrency, at most n). */
  warmup?: number;
  /** Called before each run and once at the end, on the main thread (the CLI draws its progress bar with it). Default: none. */
  onProgress?: (p: BenchProgress) => void;
}

const OWNER = 'bench()';
const KNOWN = ['n', 'concurrency', 'models', 'rounds', 'warmup', 'onProgress'] as const;
const DEFAULT_LIMIT = 10_000;

export function modelLabel(model: BenchModel): string {
  return model === 'sequential' ? 'sequential' : `${model}()`;
}

/** Up to `count` inputs; a shorter finite source is repeated in turn when `fill` is set. */
async function take<I>(source: Iterable<I> | AsyncIterable<I>, count: number, fill: boolean): Promise<I[]> {
  const out: I[] = [];
  if (count > 0) {
    for await (const item of source as AsyncIterable<I>) {
      out.push(item);
      if (out.length >= count) break;
    }
  }
  if (out.length === 0) throw new InvalidOptionError('inputs', `${OWNER}: the inputs gave no input; give at least one`);
  const base = out.length;
  while (fill && out.length < count) out.push(out[out.length % base] as I);
  return out;
}

function validModels(value: unknown): Array<Exclude<BenchModel, 'sequential'>> {
  if (value === undefined) return [...EXECUTOR_MODELS];
  const known: readonly string[] = EXECUTOR_MODELS;
  if (!Array.isArray(value) || value.length === 0 || value.some((m) => typeof m !== 'string' || !known.includes(m))) {
    throw new InvalidOptionError('models', `${OWNER}: option "models" must be a non-empty list of ${EXECUTOR_MODELS.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return [...new Set(value as Array<Exclude<BenchModel, 'sequential'>>)];
}

/**
 * Run one task on every model (inline, loop(), threads(), processes(), auto()),
 * measured the same way in alternating order over several rounds, and say which
 * model to use, with the numbers, how the rule of thumb fared and what auto() chose.
 *
 * A model that fails (an input it cannot clone, a crash) is recorded with its
 * error in {@link BenchModelResult}.error and left out of later rounds; the others complete.
 *
 * @param task - a task reference (`tasks<…>(url).name` or `taskRef(url, name)`): threads and processes must load it.
 * @param inputs - the inputs; a function is called for fresh inputs on every run.
 * @throws InvalidOptionError (`ERR_BOUNDWISE_INVALID_OPTION`) for a plain function, bad options or inputs that give nothing.
 */
export async function bench<I, O>(task: TaskRef<I, O>, inputs: BenchInputs<I>, options: BenchOptions = {}): Promise<BenchResult> {
  knownOptions(OWNER, options, KNOWN);
  if (!isTaskRef(task)) {
    throw new InvalidOptionError('task', `${OWNER}: the task must be a reference, tasks<typeof import('./tasks.js')>(url).name or taskRef(url, name), so threads and processes can load it`);
  }
  const concurrency = intOption(OWNER, 'concurrency', options.concurrency, 8, { min: 1, max: 10_000 });
  const rounds = intOption(OWNER, 'rounds', options.rounds, 3, { min: 1, max: 1000 });
  const models = validModels(options.models);
  const requestedN = options.n === undefined ? undefined : intOption(OWNER, 'n', options.n, 1, { min: 1 });
  const fresh = typeof inputs === 'function' ? inputs : undefined;
  if (!fresh && (inputs === null || typeof inputs !== 'object' || !(Symbol.iterator in inputs || Symbol.asyncIterator in inputs))) {
    throw new InvalidOptionError('inputs', `${OWNER}: inputs must be an array, an iterable, an async iterable or a function returning one`);
  }
  const first = await take(fresh ? fresh() : (inputs as Iterable<I>), requestedN ?? DEFAULT_LIMIT, requestedN !== undefined);
  const n = requestedN ?? first.length;
  const warmupCount = intOption(OWNER, 'warmup', options.warmup, Math.min(n, concurrency), { min: 0 });

  // The baseline calls the task here; loading it also checks that the export exists before any executor starts.
  const inline = pickExport(await importModule(task.module), task.module, task.name);

  const started = performance.now();
  const load = loadavg()[0] ?? 0;
  const order: BenchModel[] = ['sequential', ...models];
  const results = new Map<BenchModel, ModelResult>(order.map((m) => [m, { model: m, label: modelLabel(m), rounds: [], rule: null }]));
  const total = rounds * order.length;
  let done = 0;
  let runInputs = first;
  for (let round = 1; round <= rounds; round++) {
    const sequence = round % 2 === 1 ? order : [...order].reverse();
    for (const [place, model] of sequence.entries()) {
      const result = results.get(model)!;
      options.onProgress?.({ done: done++, total, label: `round ${round}/${rounds}: ${result.label}` });
      if (result.error) continue;
      if (fresh && !(round === 1 && place === 0)) runInputs = await take(fresh(), n, true);
      try {
        result.rounds.push(
          await runModel({ model, task, inline, inputs: runInputs, warmup: runInputs.slice(0, warmupCount), concurrency, round, order: place }),
        );
      } catch (error) {
        const e = error as { name?: string; code?: string; message?: string };
        result.error = { name: e?.name ?? 'Error', message: e?.message ?? String(error), ...(typeof e?.code === 'string' && { code: e.code }) };
      }
    }
  }
  options.onProgress?.({ done, total, label: 'done' });

  const all = [...results.values()];
  const baseline = results.get('sequential')!;
  const baselineWall = baseline.error ? NaN : median(baseline.rounds.map((r) => r.wallMs));
  for (const m of all) if (!m.error && m.rounds.length > 0) m.summary = summarize(m.rounds, baselineWall);
  const { verdict: v, marks } = verdict(all);
  for (const m of all) m.rule = marks.get(m.model) ?? null;
  return {
    task: taskLabel(task),
    node: process.version,
    cpus: availableParallelism(),
    loadAverage: load,
    n,
    concurrency,
    rounds,
    warmup: warmupCount,
    models: all,
    verdict: v,
    ok: all.every((m) => !m.error),
    totalMs: performance.now() - started,
  };
}
