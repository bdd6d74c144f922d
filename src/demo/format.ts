/** The demo's scenario reports as plain text (tables and figures from src/format/), so they paste as they are. */
import { formatMb } from '../format/bytes.js';
import { formatMs } from '../format/duration.js';
import { formatSpeedup } from '../format/ratio.js';
import { table } from '../format/table.js';
import type { Row, ScenarioResult } from './types.js';

function fmtRule(row: Row): string {
  if (!row.rule) return '—';
  const { says, right } = row.rule;
  return `${says === 'use' ? 'use' : 'avoid'}: ${right ? 'right ✓' : 'wrong ✗'}`;
}

function fmtMetric(value: number | string | boolean | undefined): string {
  if (value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'NO';
  return String(value);
}

export function renderScenario(r: ScenarioResult, index?: number): string {
  const heading = `${index !== undefined ? `${index}. ` : ''}${r.title}`;
  if (r.skipped) return `${heading} — SKIPPED: ${r.skipped.reason}.\nTo run it: ${r.skipped.enable}`;
  const header = ['model', 'wall', 'CPU', 'peak RSS', 'speed-up', ...r.columns.map((c) => c.label), `rule of thumb (${r.rule})`];
  const right = [false, true, true, true, true, ...r.columns.map(() => true), false];
  const body = r.rows.map((row) => [
    row.model,
    formatMs(row.wallMs),
    formatMs(row.cpuMs),
    `${formatMb(row.peakRssMb)} (+${row.addedRssMb.toFixed(0)})`,
    formatSpeedup(row.speedup),
    ...r.columns.map((c) => fmtMetric(row.metrics[c.key])),
    fmtRule(row),
  ]);
  const lines = [`${heading} — ${r.workload}`, '', table(header, body, right), ''];
  if (r.auto) lines.push(`auto() chose ${r.auto.model} (${r.auto.behaviour}): ${r.auto.reason}`);
  const failed = r.checks.filter((c) => !c.ok);
  lines.push(
    failed.length === 0
      ? `checks: ${r.checks.map((c) => c.name).join('; ')} — all passed`
      : `CHECKS FAILED: ${failed.map((c) => c.name).join('; ')}`,
  );
  for (const note of r.notes) lines.push(`· ${note}`);
  return lines.join('\n');
}

/** The rule of thumb's score over every marked row. */
export function ruleScore(results: ScenarioResult[]): { right: number; wrong: number } {
  let right = 0;
  let wrong = 0;
  for (const r of results) {
    for (const row of r.rows) {
      if (row.rule?.right === true) right++;
      else if (row.rule) wrong++;
    }
  }
  return { right, wrong };
}
