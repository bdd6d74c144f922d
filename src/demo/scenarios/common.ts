/** Helpers every scenario shares: one measured row, the executor rows, speed-ups, rule marks. */
import { auto, AutoExecutor, loop, processes, threads, type Executor, type TaskRef } from '../../index.js';
import { measure, type MeasureOptions } from '../measure.js';
import { mark } from '../judge.js';
import type { Row, RuleMark } from '../types.js';

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Run `fn` measured and make its row (speed-up and rule filled in later). */
export async function measuredRow<T>(
  model: string,
  fn: () => Promise<T>,
  options?: MeasureOptions,
): Promise<{ row: Row; value: T }> {
  const m = await measure(fn, options);
  return {
    value: m.value,
    row: { model, wallMs: m.wallMs, cpuMs: m.cpuMs, cpuScope: m.cpuScope, peakRssMb: m.peakRssMb, addedRssMb: m.addedRssMb, speedup: null, metrics: {}, rule: null },
  };
}

/** Speed-up of every row against the baseline row's wall time. */
export function setSpeedups(rows: Row[], baseline: Row): void {
  for (const row of rows) row.speedup = baseline.wallMs / row.wallMs;
}

/** Mark every row `marked` selects: what the rule says of its model against what was measured. */
export function markRows(
  rows: Row[],
  says: (model: string) => RuleMark['says'],
  measured: (row: Row) => RuleMark['measured'],
  marked: (row: Row) => boolean,
): void {
  for (const row of rows) row.rule = marked(row) ? mark(says(row.model), measured(row)) : null;
}

/** The auto() row is not the guides' to judge, and the baseline is what the others are compared with. */
export const notAutoOrBaseline = (baseline: string) => (row: Row) => row.model !== 'auto()' && row.model !== baseline;

export function autoDecision(d: { model: string; behaviour: string; reason: string }): { model: string; behaviour: string; reason: string } {
  return { model: d.model, behaviour: d.behaviour, reason: d.reason };
}

/** One executor row of a scenario: a fresh executor with its defaults. */
export interface ExecutorRow<T> {
  label: string;
  make: () => Executor;
  /** It may start child processes (their CPU and memory count too). */
  children: boolean;
  /** This row's work, instead of the scenario's. */
  work?: (ex: Executor) => Promise<T>;
}

export const EXECUTOR_ROWS = {
  loop: { label: 'loop()', make: () => loop(), children: false },
  threads: { label: 'threads()', make: () => threads(), children: false },
  processes: { label: 'processes()', make: () => processes(), children: true },
  auto: { label: 'auto()', make: () => auto(), children: true },
} as const satisfies Record<string, ExecutorRow<unknown>>;

/**
 * The executor rows of a scenario, in order: each runs the scenario's `work`
 * (or its own) measured on a fresh executor that is closed after. Returns what
 * auto() chose for `task`, when an auto() row ran.
 */
export async function executorRows<T, R>(
  rows: readonly ExecutorRow<T>[],
  o: {
    task: TaskRef;
    work: (ex: Executor) => Promise<T>;
    measure: (label: string, fn: () => Promise<T>, options: MeasureOptions) => Promise<R>;
    add: (r: R) => void;
    onStep: (step: string) => void;
    /** Before each row, outside its measured time (fresh inputs, say). */
    before?: () => void;
  },
): Promise<ReturnType<typeof autoDecision> | undefined> {
  let decision: ReturnType<typeof autoDecision> | undefined;
  for (const row of rows) {
    o.onStep(row.label);
    o.before?.();
    const work = row.work ?? o.work;
    const result = await o.measure(
      row.label,
      async () => {
        await using ex = row.make();
        const out = await work(ex);
        if (ex instanceof AutoExecutor) decision = autoDecision(ex.explain(o.task));
        return out;
      },
      { children: row.children },
    );
    o.add(result);
  }
  return decision;
}
