/**
 * The HTML report of a pipeline's stats (`pipelineHtml(await p.drain())`, or
 * any `stats()` / `summary()` snapshot): the bottleneck above per-stage
 * throughput, where each stage's time went (busy, full, starved, blocked) and
 * its run-time percentiles, and the tuner's changes — each chart with its table.
 */
import type { PipelineStats, PipelineSummary } from '../pipeline/types.js';
import { num, renderPage, type Section } from './page.js';

const SHARES = [
  ['busy', 'busy'],
  ['full', 'full (every slot taken)'],
  ['starved', 'starved (waiting for input)'],
  ['blocked', 'blocked (waiting for room downstream)'],
] as const;

export function pipelineSections(s: PipelineStats): Section[] {
  const groups = s.stages.map((st) => `${st.stage}. ${st.name}`);
  const sections: Section[] = [
    {
      id: 'stage-throughput',
      title: 'Throughput per stage',
      text: ['Items out per second of each stage\'s life; the model each ran on in the table.'],
      chart: { type: 'bars', id: 'chart-stage-throughput', title: 'Items out per second', groups, groupLabel: 'stage', yLabel: 'items/s', unit: '/s', series: [{ label: 'throughput', values: s.stages.map((st) => st.throughput) }] },
      table: {
        header: ['stage', 'model', 'concurrency', 'items in', 'items out', 'skipped', 'failed', 'throughput /s'],
        numeric: [false, false, true, true, true, true, true, true],
        rows: s.stages.map((st, i) => [groups[i]!, st.model, String(st.concurrency), String(st.itemsIn), String(st.itemsOut), String(st.skipped), String(st.failed), num(st.throughput)]),
      },
    },
    {
      id: 'stage-time',
      title: 'Where each stage\'s time went',
      text: ['Shares of each stage\'s life (busy and blocked may overlap): a full stage could use more slots; a starved one waits for the stages before it; a blocked one for those after.'],
      chart: {
        type: 'bars',
        id: 'chart-stage-time',
        title: 'Share of the stage\'s life (%)',
        groups,
        groupLabel: 'stage',
        yLabel: '%',
        unit: '%',
        series: SHARES.map(([key, label]) => ({ label, values: s.stages.map((st) => st[key] * 100) })),
      },
      table: {
        header: ['stage', ...SHARES.map(([key]) => `${key} %`)],
        numeric: [false, true, true, true, true],
        rows: s.stages.map((st, i) => [groups[i]!, ...SHARES.map(([key]) => num(st[key] * 100))]),
      },
    },
    {
      id: 'stage-run-time',
      title: 'Run time per stage',
      text: ['ms from handing an item to the executor to its result (queueing in a shared executor included).'],
      chart: {
        type: 'bars',
        id: 'chart-stage-run-time',
        title: 'Run time (ms)',
        groups,
        groupLabel: 'stage',
        yLabel: 'ms',
        unit: 'ms',
        series: (['p50', 'p90', 'p99'] as const).map((p) => ({ label: p, values: s.stages.map((st) => st.runTime[p]) })),
      },
      table: {
        header: ['stage', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
        numeric: [false, true, true, true, true],
        rows: s.stages.map((st, i) => [groups[i]!, num(st.runTime.p50), num(st.runTime.p90), num(st.runTime.p99), num(st.runTime.max)]),
      },
    },
  ];
  if (s.tuning.length > 0) {
    sections.push({
      id: 'tuning',
      title: 'Tuning',
      table: {
        header: ['at ms', 'stage', 'from', 'to', 'why'],
        numeric: [true, false, true, true, false],
        rows: s.tuning.map((c) => [num(c.atMs), `${c.stage}. ${c.name}`, String(c.from), String(c.to), c.reason]),
      },
    });
  }
  return sections;
}

/** One self-contained HTML page of a pipeline's stats or summary. */
export function pipelineHtml(stats: PipelineStats | PipelineSummary, options: { title?: string } = {}): string {
  const summary = 'bottleneck' in stats ? stats : undefined;
  return renderPage({
    title: options.title ?? 'boundwise pipeline',
    meta: [`${stats.state}: ${stats.pulled} items pulled, ${stats.yielded} yielded, ${(stats.elapsedMs / 1000).toFixed(2)} s; ${stats.stages.length} stages.`],
    headline: [
      summary ? `Bottleneck: ${summary.bottleneck.text}` : `Stages: ${stats.stages.map((st) => `${st.name} on ${st.model}`).join(', ')}.`,
      ...(summary && summary.errors.length > 0 ? [`${summary.errors.length} item(s) failed and were collected.`] : []),
    ],
    sections: pipelineSections(stats),
    footer: ['Written by boundwise pipelineHtml(); the charts are drawn by uPlot, inlined.'],
  });
}
