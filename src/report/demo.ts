/**
 * The HTML report of `boundwise demo`: the rule of thumb's score, then each
 * scenario's table as a chart (wall and CPU time per model) with the table
 * itself under it, auto()'s choice and the checks.
 */
import type { DemoReport } from '../demo/main.js';
import type { ScenarioResult } from '../demo/types.js';
import { num, renderPage, type Section } from './page.js';

function metric(value: number | string | boolean | undefined): string {
  if (value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'NO';
  return typeof value === 'number' ? num(value) : value;
}

function scenarioSection(r: ScenarioResult, index: number): Section {
  const text = [r.workload];
  if (r.auto) text.push(`auto() chose ${r.auto.model} (${r.auto.behaviour}): ${r.auto.reason}`);
  const failed = r.checks.filter((c) => !c.ok);
  text.push(failed.length === 0 ? `Checks passed: ${r.checks.map((c) => c.name).join('; ')}.` : `CHECKS FAILED: ${failed.map((c) => c.name).join('; ')}.`);
  text.push(...r.notes);
  return {
    id: `scenario-${r.id}`,
    title: `${index}. ${r.title}`,
    text,
    chart: {
      type: 'bars',
      id: `chart-${r.id}`,
      title: `${r.title}: wall and CPU time per model (ms)`,
      groups: r.rows.map((row) => row.model),
      yLabel: 'ms',
      unit: 'ms',
      series: [
        { label: 'wall time', values: r.rows.map((row) => row.wallMs) },
        { label: 'CPU time', values: r.rows.map((row) => row.cpuMs) },
      ],
    },
    table: {
      header: ['model', 'wall ms', 'CPU ms', 'peak RSS MB', 'speed-up ×', ...r.columns.map((c) => c.label), `rule of thumb (${r.rule})`],
      numeric: [false, true, true, true, true, ...r.columns.map(() => true), false],
      rows: r.rows.map((row) => [
        row.model,
        num(row.wallMs),
        num(row.cpuMs),
        num(row.peakRssMb),
        row.speedup === null ? '—' : num(row.speedup, 2),
        ...r.columns.map((c) => metric(row.metrics[c.key])),
        row.rule ? `${row.rule.says}: ${row.rule.right ? 'right' : 'wrong'}` : '—',
      ]),
    },
  };
}

export function demoSections(report: DemoReport): Section[] {
  const score = report.results.map((r) => ({
    title: r.title,
    right: r.rows.filter((row) => row.rule?.right === true).length,
    wrong: r.rows.filter((row) => row.rule && !row.rule.right).length,
  }));
  return [
    {
      id: 'rule-of-thumb',
      title: 'The rule of thumb, marked against the measurements',
      text: ['"Waits → async or threads; calculates → processes": for each scenario, how often what the guides say about a model matched how it did.'],
      chart: {
        type: 'bars',
        id: 'chart-rule-of-thumb',
        title: 'Rule of thumb: right and wrong per scenario',
        groups: score.map((s) => s.title),
        groupLabel: 'scenario',
        yLabel: 'models',
        series: [
          { label: 'right', values: score.map((s) => s.right), color: 2 },
          { label: 'wrong', values: score.map((s) => s.wrong), color: 3 },
        ],
      },
      table: {
        header: ['scenario', 'right', 'wrong'],
        numeric: [false, true, true],
        rows: [...score.map((s) => [s.title, String(s.right), String(s.wrong)]), ['all', String(report.ruleOfThumb.right), String(report.ruleOfThumb.wrong)]],
      },
    },
    ...report.results.map((r, i) => scenarioSection(r, i + 1)),
  ];
}

export function demoHtml(report: DemoReport): string {
  const { right, wrong } = report.ruleOfThumb;
  return renderPage({
    title: 'boundwise demo',
    meta: [
      `Node ${report.node}, ${report.cpus} cores (${report.cpuModel}), load average ${report.loadAverage.toFixed(1)} at the start; ${report.runtime === 'tsx' ? 'from source under tsx' : 'compiled'}${report.quick ? ', quick sizes' : ''}; ${(report.totalMs / 1000).toFixed(0)} s in all.`,
    ],
    headline: [
      `The rule of thumb was right ${right} times and wrong ${wrong} times.`,
      ...report.results.map((r) => (r.auto ? `${r.title}: auto() chose ${r.auto.model}.` : `${r.title}.`)),
      ...(report.ok ? [] : ['SOME CHECKS FAILED: see the scenarios below.']),
    ],
    sections: demoSections(report),
    footer: ["CPU: every thread of this process plus its child processes (from /proc). peak RSS: this process plus its children, sampled every 50 ms. Speed-up: the baseline's wall time ÷ the row's. Written by boundwise demo; the charts are drawn by uPlot, inlined."],
  });
}
