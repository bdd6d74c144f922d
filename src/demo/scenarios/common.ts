/** Helpers every scenario shares: one measured row, speed-ups, rule marks. */
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
