/** Plain-text tables for the terminal and the README; no colour, so they paste as they are. */
import type { Row, ScenarioResult } from './types.js';

export function fmtMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function fmtMb(mb: number): string {
  return `${mb.toFixed(0)} MB`;
}

export function fmtSpeedup(x: number | null): string {
  if (x === null) return '—';
  return x >= 10 ? `${x.toFixed(0)}×` : `${x.toFixed(2)}×`;
}

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

/** Columns padded to their widest cell; numbers right-aligned. */
export function table(header: string[], body: string[][], rightAligned: boolean[]): string {
  const width = (s: string) => [...s].length;
  const widths = header.map((h, i) => Math.max(width(h), ...body.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - width(c));
        return rightAligned[i] ? pad + c : c + pad;
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(header), rule, ...body.map(line)].join('\n');
}

export function renderScenario(r: ScenarioResult, index?: number): string {
  const heading = `${index !== undefined ? `${index}. ` : ''}${r.title}`;
  if (r.skipped) return `${heading} — SKIPPED: ${r.skipped.reason}.\nTo run it: ${r.skipped.enable}`;
  const header = ['model', 'wall', 'CPU', 'peak RSS', 'speed-up', ...r.columns.map((c) => c.label), `rule of thumb (${r.rule})`];
  const right = [false, true, true, true, true, ...r.columns.map(() => true), false];
  const body = r.rows.map((row) => [
    row.model,
    fmtMs(row.wallMs),
    fmtMs(row.cpuMs),
    `${fmtMb(row.peakRssMb)} (+${row.addedRssMb.toFixed(0)})`,
    fmtSpeedup(row.speedup),
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
