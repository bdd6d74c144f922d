/**
 * The HTML report of `boundwise classify`: the verdict and the recommendation
 * above the program's timeline — cores used, the busiest threads' CPU, time
 * runnable but waiting for a core, and the waiting stretches — then the figures.
 * Built from the same JSON `--json` prints, so the page and the JSON agree.
 */
import { renderJson, type ClassifyReport } from '../classify/report.js';
import { THRESHOLDS } from '../classify/verdict.js';
import { num, renderPage, type Section, type Series } from './page.js';

/** The shape renderJson() prints. */
interface ClassifyJson {
  command?: string[];
  pid: number;
  mode: string;
  intervalMs: number;
  verdict: { summary: string; reasons: string[]; warnings: string[]; coresAverage: number; phases: { waiting: number; calculating: number } };
  recommendation: string[];
  figures: { wallMs: number; cpuMs: number; runDelayMs: number; peakMemoryBytes: number; peakThreads: number; peakProcesses: number; machineCores: number; voluntarySwitches: number; involuntarySwitches: number };
  series: Array<{ startMs: number; endMs: number; cores: number; wantedCores: number; runDelayMs: number; busiestThreadsMs: number[]; threads: number }>;
}

/** Threads drawn one by one; the rest are in the total. */
const THREAD_LINES = 3;
/** Rows of the timeline's table at most: longer runs merge neighbouring intervals. */
const TABLE_ROWS = 40;

export function classifySections(j: ClassifyJson): Section[] {
  const s = j.series;
  const len = (i: (typeof s)[number]) => Math.max(1e-9, i.endMs - i.startMs);
  const threads: Series[] = Array.from({ length: Math.min(THREAD_LINES, Math.max(0, ...s.map((i) => i.busiestThreadsMs.length))) }, (_, k) => ({
    label: k === 0 ? 'busiest thread' : `thread ${k + 1}`,
    values: s.map((i) => round((i.busiestThreadsMs[k] ?? 0) / len(i))),
    steps: true,
    color: k + 1,
  }));
  const top = Math.max(1, ...s.map((i) => i.wantedCores));
  const merge = Math.max(1, Math.ceil(s.length / TABLE_ROWS));
  const rows: string[][] = [];
  for (let k = 0; k < s.length; k += merge) {
    const part = s.slice(k, k + merge);
    const span = part.at(-1)!.endMs - part[0]!.startMs;
    const cpu = part.reduce((a, i) => a + i.cores * len(i), 0);
    const delay = part.reduce((a, i) => a + i.runDelayMs, 0);
    const waiting = part.filter((i) => i.wantedCores < THRESHOLDS.busyWantedCores).length;
    rows.push([num(part[0]!.startMs / 1000, 2), num(part.at(-1)!.endMs / 1000, 2), num(span > 0 ? cpu / span : 0, 2), num(delay), `${waiting}/${part.length}`]);
  }
  return [
    {
      id: 'timeline',
      title: 'Timeline',
      text: [
        `Sampled every ${j.intervalMs} ms from /proc: cores the whole process tree used, the busiest threads' CPU (in cores), time its threads were runnable but waiting for a core (run-queue delay, in cores), and the waiting stretches (shaded: the tree wanted less than ${THRESHOLDS.busyWantedCores} core).`,
      ],
      chart: {
        type: 'lines',
        id: 'chart-timeline',
        title: 'Cores used over time',
        x: s.map((i) => round(i.endMs / 1000)),
        xLabel: 's since start',
        yLabel: 'cores',
        yMin: Math.min(j.figures.machineCores, 2),
        series: [
          { label: 'waiting', values: s.map((i) => (i.wantedCores < THRESHOLDS.busyWantedCores ? top : null)), band: true },
          { label: 'CPU, all threads', values: s.map((i) => i.cores), steps: true, color: 0 },
          ...threads,
          { label: 'run-queue delay', values: s.map((i) => round(i.runDelayMs / len(i))), steps: true, color: 3 + THREAD_LINES },
        ],
      },
      table: {
        header: ['from s', 'to s', 'cores used', 'run-queue delay ms', 'waiting intervals'],
        numeric: [true, true, true, true, true],
        rows,
      },
    },
    {
      id: 'figures',
      title: 'Figures (whole process tree)',
      ...(merge > 1 && { text: [`The timeline's table merges ${merge} intervals a row.`] }),
      table: {
        header: ['figure', 'value'],
        numeric: [false, true],
        rows: [
          ['wall ms', num(j.figures.wallMs)],
          ['CPU ms', num(j.figures.cpuMs)],
          ['cores used, average', num(j.verdict.coresAverage, 2)],
          ['run-queue delay ms', num(j.figures.runDelayMs)],
          ['waiting share %', num(j.verdict.phases.waiting * 100)],
          ['calculating share %', num(j.verdict.phases.calculating * 100)],
          ['peak memory MB', num(j.figures.peakMemoryBytes / 1e6)],
          ['peak threads', String(j.figures.peakThreads)],
          ['peak processes', String(j.figures.peakProcesses)],
          ['machine cores', String(j.figures.machineCores)],
        ],
      },
    },
  ];
}

export function classifyHtml(report: ClassifyReport): string {
  const j = JSON.parse(renderJson(report)) as ClassifyJson;
  const target = j.mode === 'attach' ? `pid ${j.pid}` : (j.command ?? []).join(' ');
  return renderPage({
    title: `boundwise classify — ${target}`,
    meta: [`${j.mode === 'attach' ? 'Watched' : 'Ran'} ${target} (pid ${j.pid}), sampled every ${j.intervalMs} ms; ${j.figures.machineCores} cores.`],
    headline: [`Verdict: ${j.verdict.summary}`, ...j.verdict.reasons, ...j.verdict.warnings.map((w) => `Warning: ${w}`), ...j.recommendation.map((r) => `Recommendation: ${r}`)],
    sections: classifySections(j),
    footer: ['Written by boundwise classify; the charts are drawn by uPlot, inlined.'],
  });
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
