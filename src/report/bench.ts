/**
 * The HTML report of a bench run: throughput and latency per model as bars
 * with the spread over rounds, the event-loop delay over time per model, memory
 * per model — each chart with its plain table — under the verdict.
 */
import type { BenchResult, ModelResult } from '../bench/types.js';
import { num, renderPage, type Section } from './page.js';
import { resampleDelays } from './timeline.js';

type Ran = ModelResult & { summary: NonNullable<ModelResult['summary']> };

export function benchSections(r: BenchResult): Section[] {
  const ran = r.models.filter((m): m is Ran => m.summary !== undefined);
  const groups = ran.map((m) => m.label);
  const rounds = `${r.rounds} round${r.rounds === 1 ? '' : 's'}`;
  const timelines = ran.map((m) => (m.rounds.find((x) => x.round === m.summary.medianRound) ?? m.rounds[0]!).loopDelay.timeline);
  const resampled = resampleDelays(timelines);
  const seconds = (resampled.x.at(-1) ?? 0) > 2000;
  return [
    {
      id: 'throughput',
      title: 'Throughput',
      text: [`Inputs per second, median of ${rounds}; the whisker spans the slowest and the fastest round.`],
      chart: {
        type: 'bars',
        id: 'chart-throughput',
        title: 'Throughput per model (inputs/s)',
        groups,
        yLabel: 'inputs/s',
        unit: '/s',
        series: [{ label: `throughput (median of ${rounds})`, values: ran.map((m) => m.summary.throughput.median), lo: ran.map((m) => m.summary.throughput.min), hi: ran.map((m) => m.summary.throughput.max) }],
      },
      table: {
        header: ['model', 'throughput /s', 'slowest round /s', 'fastest round /s', 'speed-up ×', 'wall ms', 'CPU ms'],
        numeric: [false, true, true, true, true, true, true],
        rows: ran.map((m) => [m.label, num(m.summary.throughput.median), num(m.summary.throughput.min), num(m.summary.throughput.max), num(m.summary.speedup, 2), num(m.summary.wallMs.median), num(m.summary.cpuMs.median)]),
      },
    },
    {
      id: 'latency',
      title: 'Latency',
      text: [`Time from submitting an input to its result, ${r.concurrency} in flight (the baseline one at a time): medians over ${rounds}, whiskers the spread.`],
      chart: {
        type: 'bars',
        id: 'chart-latency',
        title: 'Latency per model (ms)',
        groups,
        yLabel: 'ms',
        unit: 'ms',
        series: (['latencyP50Ms', 'latencyP95Ms', 'latencyP99Ms'] as const).map((key, j) => ({
          label: ['p50', 'p95', 'p99'][j]!,
          values: ran.map((m) => m.summary[key].median),
          lo: ran.map((m) => m.summary[key].min),
          hi: ran.map((m) => m.summary[key].max),
        })),
      },
      table: {
        header: ['model', 'p50 ms', 'p95 ms', 'p99 ms'],
        numeric: [false, true, true, true],
        rows: ran.map((m) => [m.label, num(m.summary.latencyP50Ms.median), num(m.summary.latencyP95Ms.median), num(m.summary.latencyP99Ms.median)]),
      },
    },
    {
      id: 'loop-delay',
      title: 'Event-loop delay over time',
      text: [
        "How late the main thread's event loop was while each model ran (its median round). Every other request, timer and socket of the process waits this long; a rising line is the loop held by work.",
      ],
      chart: {
        type: 'lines',
        id: 'chart-loop-delay',
        title: 'Main thread event-loop delay (ms)',
        x: resampled.x.map((t) => (seconds ? t / 1000 : t)),
        xLabel: seconds ? 's since the run began' : 'ms since the run began',
        yLabel: 'delay ms',
        unit: 'ms',
        yMin: 20,
        series: ran.map((m, j) => ({ label: m.label, values: resampled.series[j]!, color: j })),
      },
      table: {
        header: ['model', 'delay p50 ms', 'delay p99 ms', 'delay max ms'],
        numeric: [false, true, true, true],
        rows: ran.map((m) => {
          const median = m.rounds.find((x) => x.round === m.summary.medianRound) ?? m.rounds[0]!;
          return [m.label, num(median.loopDelay.p50Ms), num(m.summary.loopDelayP99Ms.median), num(m.summary.loopDelayMaxMs.median)];
        }),
      },
    },
    {
      id: 'memory',
      title: 'Memory',
      text: ['Peak resident memory of this process and its child processes during the run, and what the run added to what it began with (medians, whiskers the spread).'],
      chart: {
        type: 'bars',
        id: 'chart-memory',
        title: 'Memory per model (MB)',
        groups,
        yLabel: 'MB',
        unit: 'MB',
        series: [
          { label: 'peak RSS', values: ran.map((m) => m.summary.peakRssMb.median), lo: ran.map((m) => m.summary.peakRssMb.min), hi: ran.map((m) => m.summary.peakRssMb.max) },
          { label: 'added by the run', values: ran.map((m) => m.summary.addedRssMb.median), lo: ran.map((m) => m.summary.addedRssMb.min), hi: ran.map((m) => m.summary.addedRssMb.max) },
        ],
      },
      table: {
        header: ['model', 'peak RSS MB', 'added MB', 'rule of thumb'],
        numeric: [false, true, true, false],
        rows: ran.map((m) => [m.label, num(m.summary.peakRssMb.median), num(m.summary.addedRssMb.median), m.rule ? `${m.rule.says}: ${m.rule.right ? 'right' : 'wrong'}` : '—']),
      },
    },
  ];
}

/** One self-contained HTML page of a bench result: the verdict over throughput, latency, event-loop delay and memory charts, each with its table. */
export function benchHtml(r: BenchResult): string {
  const failed = r.models.filter((m) => m.error);
  return renderPage({
    title: `boundwise bench — ${r.task}`,
    meta: [
      `${r.n} inputs per run, ${r.concurrency} in flight on each executor, ${r.rounds} round${r.rounds === 1 ? '' : 's'} (models in alternating order), warm-up ${r.warmup} per fresh executor.`,
      `Node ${r.node}, ${r.cpus} cores, load average ${r.loadAverage.toFixed(1)} at the start; ${(r.totalMs / 1000).toFixed(1)} s in all.`,
    ],
    headline: [...r.verdict.lines, ...failed.map((m) => `${m.label} failed: ${m.error!.name}: ${m.error!.message}`)],
    sections: benchSections(r),
    footer: ['CPU: every thread of this process plus its child processes (from /proc). Written by boundwise bench; the charts are drawn by uPlot, inlined.'],
  });
}
