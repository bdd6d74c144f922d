/**
 * The report, for people (text with a chart) and for programs (JSON).
 */
import { coresChart } from './chart.js';
import type { DetectedLanguage } from './language.js';
import type { Measurement, Recommendation, Verdict } from './types.js';
import { formatBytes } from '../format/bytes.js';
import { formatMs } from '../format/duration.js';
import { fmt } from './verdict.js';

export interface ClassifyReport {
  mode: 'spawn' | 'attach';
  command?: string[];
  pid: number;
  /** How the program ended (spawn mode), or whether it exited while watched (attach mode). */
  exit?: { code: number | null; signal: string | null };
  intervalMs: number;
  language: DetectedLanguage;
  measurement: Measurement;
  verdict: Verdict;
  recommendation: Recommendation;
}

const LANGUAGE_NAME = { python: 'Python', node: 'Node.js', other: 'any language' } as const;

function describeTarget(r: ClassifyReport): string {
  if (r.mode === 'attach') {
    const ended = r.exit ? ', exited while watched' : '';
    return `pid ${r.pid} (watched${ended})`;
  }
  const how = r.exit?.signal ? `killed by ${r.exit.signal}` : `exited with code ${r.exit?.code ?? '?'}`;
  return `${(r.command ?? []).join(' ')}  (pid ${r.pid}, ${how})`;
}

/**
 * The intervals scaled down, when they add up to more CPU than the tree's final
 * total, so that the peak and the chart agree with "CPU time". Samples read
 * /proc's CPU in clock ticks (10 ms): one tick landing in a 100 ms interval of
 * `sleep 2` reads as 0.1 cores while the exit accounting says 0 ms in all.
 * Never scaled up: CPU the intervals missed (a child reaped at the end) has no place in time.
 */
export function agreeingIntervals<T extends { cpuMs: number }>(intervals: readonly T[], totalCpuMs: number): T[] {
  const sampled = intervals.reduce((sum, i) => sum + i.cpuMs, 0);
  if (sampled <= totalCpuMs || sampled === 0) return [...intervals];
  const factor = totalCpuMs / sampled;
  return intervals.map((i) => ({ ...i, cpuMs: i.cpuMs * factor }));
}

export function renderHuman(r: ClassifyReport): string {
  const { totals, machineCores, intervals } = r.measurement;
  const v = r.verdict;
  const cpuMs = totals.userMs + totals.systemMs;
  const shown = agreeingIntervals(intervals, cpuMs);
  const peakCores = Math.max(0, ...shown.map((i) => (i.endMs > i.startMs ? i.cpuMs / (i.endMs - i.startMs) : 0)));
  const row = (name: string, value: string) => `  ${name.padEnd(20)}${value}`;
  const lines = [
    `boundwise classify: ${describeTarget(r)}`,
    '',
    `verdict: ${v.summary}`,
    ...v.reasons.map((reason) => `  • ${reason}`),
    ...v.warnings.map((warning) => `warning: ${warning}`),
    '',
    `cores used over time (sampled every ${formatMs(r.intervalMs)})`,
    ...coresChart(shown, machineCores).map((line) => `  ${line}`),
    '',
    'figures (whole process tree)',
    row('wall time', formatMs(totals.wallMs)),
    row('CPU time', `${formatMs(cpuMs)} (user ${formatMs(totals.userMs)}, system ${formatMs(totals.systemMs)})`),
    row('cores used', `${fmt(v.coresAverage)} average, ${fmt(peakCores)} peak interval (machine has ${machineCores})`),
    row('run-queue delay', `${formatMs(totals.runDelayMs)} runnable but waiting for a core`),
    row('context switches', `${totals.voluntarySwitches} voluntary, ${totals.involuntarySwitches} involuntary`),
    row(
      'I/O',
      `${formatBytes(totals.readBytes)} read, ${formatBytes(totals.writtenBytes)} written (storage ${formatBytes(totals.storageReadBytes)} / ${formatBytes(totals.storageWrittenBytes)})` +
        (totals.ioComplete ? '' : ' — some /proc/<pid>/io unreadable'),
    ),
    row('threads, processes', `peak ${totals.peakThreads} threads, ${totals.peakProcesses} process(es)`),
    row('peak memory', formatBytes(totals.peakMemoryBytes)),
    '',
    `recommendation (${LANGUAGE_NAME[r.recommendation.language]}, detected from ${r.language.source})`,
    ...r.recommendation.lines.map((line) => `  • ${line}`),
  ];
  return `${lines.join('\n')}\n`;
}

export function renderJson(r: ClassifyReport): string {
  const { totals, machineCores, intervals } = r.measurement;
  const json = {
    mode: r.mode,
    command: r.command,
    pid: r.pid,
    exit: r.exit,
    intervalMs: r.intervalMs,
    language: r.language.language,
    languageSource: r.language.source,
    verdict: r.verdict,
    recommendation: r.recommendation.lines,
    figures: { ...totals, cpuMs: totals.userMs + totals.systemMs, machineCores },
    series: intervals.map((i) => {
      const length = i.endMs - i.startMs;
      const cpu = i.cpuMs;
      return {
        startMs: round(i.startMs),
        endMs: round(i.endMs),
        cores: length > 0 ? round(cpu / length, 3) : 0,
        wantedCores: length > 0 ? round((cpu + i.runDelayMs) / length, 3) : 0,
        runDelayMs: round(i.runDelayMs),
        voluntarySwitches: i.voluntarySwitches,
        involuntarySwitches: i.involuntarySwitches,
        busyThreadsVoluntarySwitches: i.busyThreadsVoluntarySwitches,
        busiestThreadsMs: i.topThreadsMs.map((ms) => round(ms)),
        threads: i.threads,
        processes: i.processes,
      };
    }),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
