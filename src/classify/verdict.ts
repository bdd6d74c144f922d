/**
 * The verdict policy: figures in, verdict and reasons out. Pure — no /proc, no
 * clock — so it is tested table-driven without spawning anything.
 *
 * Each sampling interval is busy when the tree used at least a quarter of a core
 * and *wanted* at least half of one: CPU time plus run-queue delay (time runnable
 * but waiting for a core), per wall second. "Wanted" keeps a calculating program
 * busy on a crowded machine where it gets less than it asks for; requiring some
 * real CPU keeps a sleeping program, whose every wake-up queues for a core on a
 * crowded machine, from looking busy. Every other interval is waiting. Then:
 *
 *   busy < 25% of the time                          → waiting
 *   busy 25–75% of the time                         → mixed (with both shares)
 *   otherwise, over the busy intervals:
 *     uses ≥ 1.5 cores                               → calculating in parallel on N
 *     ≈2+ threads share the work, and threads give
 *     up the CPU ≥ 200 times per CPU-second          → lock-bound (GIL or one lock)
 *     wants ≥ 1.5 cores (crowded machine)            → calculating in parallel on N
 *     else                                           → calculating on one core
 *
 * "Threads sharing the work" is the participation ratio (Σt)²/Σt² of the busiest
 * threads' CPU times: 1 for one busy thread beside idle helpers, 4 for four equal
 * ones — independent of how much CPU the machine let them have.
 */
import type { BusyKind, Interval, Measurement, Verdict } from './types.js';

export const THRESHOLDS = {
  /** An interval is busy when it wants at least this many cores… */
  busyWantedCores: 0.5,
  /** …and really used at least this many. */
  busyUsedCores: 0.25,
  /** Below this share of busy time the program waits. */
  waitingMaxBusyShare: 0.25,
  /** At or above this share of busy time the program calculates; in between it is mixed. */
  calculatingMinBusyShare: 0.75,
  /** Cores used (or, on a crowded machine, wanted) while busy from which the work runs in parallel. */
  parallelCores: 1.5,
  /** Lock-bound needs at least this many threads sharing the work… */
  lockMinSharingThreads: 1.8,
  /** …and at least this many voluntary switches per CPU-second: threads handing a lock
   *  over (CPython's GIL: 600–1,100 measured here; compute-bound worker threads: < 100). */
  lockMinSwitchesPerCpuSecond: 200,
  /** Oversubscribed when threads waited for a core this long relative to their CPU time… */
  oversubscribedDelayPerCpu: 0.3,
  /** …and this many core-seconds per wall second. */
  oversubscribedDelayPerWall: 0.15,
} as const;

interface BusyFigures {
  wallMs: number;
  cpuMs: number;
  delayMs: number;
  cores: number;
  wanted: number;
  /** Participation ratio of the busiest threads' CPU: how many threads share the work. */
  sharingThreads: number;
  topShare: number;
  voluntaryPerCpuSecond: number;
}

const cpuOf = (i: Interval) => i.userMs + i.systemMs;
const lengthOf = (i: Interval) => i.endMs - i.startMs;
const wantedOf = (i: Interval) => (cpuOf(i) + i.runDelayMs) / lengthOf(i);
export const isBusy = (i: Interval) =>
  lengthOf(i) > 0 && wantedOf(i) >= THRESHOLDS.busyWantedCores && cpuOf(i) / lengthOf(i) >= THRESHOLDS.busyUsedCores;

function busyFigures(busy: Interval[]): BusyFigures {
  let wallMs = 0;
  let cpuMs = 0;
  let delayMs = 0;
  let sharingWeighted = 0;
  let topMs = 0;
  let threadMs = 0;
  let voluntary = 0;
  for (const i of busy) {
    const length = lengthOf(i);
    wallMs += length;
    cpuMs += cpuOf(i);
    delayMs += i.runDelayMs;
    const total = i.topThreadsMs.reduce((a, ms) => a + ms, 0);
    const squares = i.topThreadsMs.reduce((a, ms) => a + ms * ms, 0);
    if (squares > 0) sharingWeighted += ((total * total) / squares) * total;
    topMs += i.topThreadsMs[0] ?? 0;
    threadMs += i.topThreadsMs.reduce((a, b) => a + b, 0);
    voluntary += i.voluntarySwitches;
  }
  return {
    wallMs,
    cpuMs,
    delayMs,
    cores: wallMs > 0 ? cpuMs / wallMs : 0,
    wanted: wallMs > 0 ? (cpuMs + delayMs) / wallMs : 0,
    // Per interval (threads taking turns within it), averaged weighting by CPU.
    sharingThreads: threadMs > 0 ? sharingWeighted / threadMs : 0,
    topShare: threadMs > 0 ? topMs / threadMs : 1,
    voluntaryPerCpuSecond: cpuMs > 0 ? voluntary / (cpuMs / 1000) : 0,
  };
}

function judgeBusy(b: BusyFigures): { kind: BusyKind; reasons: string[]; parallelCores?: number } {
  const threadsLine = `about ${fmt(b.sharingThreads, 1)} threads shared the work; the busiest did ${pct(b.topShare)} of it`;
  const parallel = (cores: number, why: string) => ({
    kind: 'calculating-parallel' as const,
    parallelCores: Math.max(2, Math.round(cores)),
    reasons: [why, threadsLine],
  });
  if (b.cores >= THRESHOLDS.parallelCores) {
    return parallel(b.cores, `while busy it used ${fmt(b.cores)} cores (≥ ${THRESHOLDS.parallelCores} means parallel)`);
  }
  if (b.sharingThreads >= THRESHOLDS.lockMinSharingThreads && b.voluntaryPerCpuSecond >= THRESHOLDS.lockMinSwitchesPerCpuSecond) {
    return {
      kind: 'lock-bound',
      reasons: [
        `about ${fmt(b.sharingThreads, 1)} threads shared the work, yet only ${fmt(b.cores)} cores were used while busy: they take turns`,
        `threads gave up the CPU voluntarily ${Math.round(b.voluntaryPerCpuSecond)} times per CPU-second (≥ ${THRESHOLDS.lockMinSwitchesPerCpuSecond}): handing a lock over — Python's GIL behaves exactly so`,
      ],
    };
  }
  if (b.wanted >= THRESHOLDS.parallelCores) {
    return parallel(
      b.wanted,
      `while busy it used only ${fmt(b.cores)} cores but wanted ${fmt(b.wanted)} (CPU time + run-queue delay per second): parallel, held back by a crowded machine`,
    );
  }
  return {
    kind: 'calculating-one-core',
    reasons: [`while busy it used ${fmt(b.cores)} cores (wanted ${fmt(b.wanted)}): one core's worth`, threadsLine],
  };
}

const BUSY_SUMMARY: Record<BusyKind, (cores?: number) => string> = {
  'calculating-one-core': () => 'calculating on one core',
  'calculating-parallel': (cores) => `calculating in parallel on ${cores ?? 2} cores`,
  'lock-bound': () => 'lock-bound: several threads busy, about one core used',
};

export function classify(m: Measurement): Verdict {
  const intervals = m.intervals.filter((i) => lengthOf(i) > 0);
  const wallMs = intervals.reduce((a, i) => a + lengthOf(i), 0);
  const cpuMs = m.totals.userMs + m.totals.systemMs;
  const coresAverage = m.totals.wallMs > 0 ? cpuMs / m.totals.wallMs : 0;
  const busy = intervals.filter(isBusy);
  const busyShare = wallMs > 0 ? busy.reduce((a, i) => a + lengthOf(i), 0) / wallMs : 0;
  const waitingShare = 1 - busyShare;
  const b = busyFigures(busy);

  const reasons = [
    `${fmt(coresAverage)} cores used on average over ${fmtMs(m.totals.wallMs)} (CPU ${fmtMs(cpuMs)}: user ${fmtMs(m.totals.userMs)}, system ${fmtMs(m.totals.systemMs)})`,
    `busy ${pct(busyShare)} of the time (using ≥ ${THRESHOLDS.busyUsedCores} and wanting ≥ ${THRESHOLDS.busyWantedCores} cores), waiting ${pct(waitingShare)}`,
  ];
  const warnings: string[] = [];
  const delayPerCpu = cpuMs > 0 ? m.totals.runDelayMs / cpuMs : 0;
  const delayPerWall = m.totals.wallMs > 0 ? m.totals.runDelayMs / m.totals.wallMs : 0;
  const oversubscribed =
    delayPerCpu >= THRESHOLDS.oversubscribedDelayPerCpu && delayPerWall >= THRESHOLDS.oversubscribedDelayPerWall;
  if (oversubscribed) {
    warnings.push(
      `the machine was oversubscribed: threads waited ${fmtMs(m.totals.runDelayMs)} for a core (${pct(delayPerCpu)} of their CPU time); cores used may understate what the program would get on a quiet machine`,
    );
  }
  if (intervals.length < 3) {
    warnings.push(`only ${intervals.length} sampling interval(s): run longer or lower --interval for a firmer verdict`);
  }
  const phases = { waiting: waitingShare, calculating: busyShare };
  const base = { coresAverage, coresBusy: b.cores, phases, oversubscribed, warnings };

  if (busyShare < THRESHOLDS.waitingMaxBusyShare) {
    const { voluntarySwitches: vol, involuntarySwitches: invol } = m.totals;
    reasons.push(
      `threads slept most of the time: ${vol} voluntary context switches (waits for I/O, timers, locks) vs ${invol} involuntary`,
    );
    return { ...base, kind: 'waiting', summary: 'waiting', reasons };
  }
  const busyVerdict = judgeBusy(b);
  if (busyShare < THRESHOLDS.calculatingMinBusyShare) {
    reasons.push(`in its busy phase: ${BUSY_SUMMARY[busyVerdict.kind](busyVerdict.parallelCores)}`, ...busyVerdict.reasons);
    return {
      ...base,
      kind: 'mixed',
      summary: `mixed: waiting ${pct(waitingShare)} of the time, calculating ${pct(busyShare)} (${BUSY_SUMMARY[busyVerdict.kind](busyVerdict.parallelCores)})`,
      busyKind: busyVerdict.kind,
      ...(busyVerdict.parallelCores !== undefined && { parallelCores: busyVerdict.parallelCores }),
      reasons,
    };
  }
  reasons.push(...busyVerdict.reasons);
  return {
    ...base,
    kind: busyVerdict.kind,
    summary: BUSY_SUMMARY[busyVerdict.kind](busyVerdict.parallelCores),
    busyKind: busyVerdict.kind,
    ...(busyVerdict.parallelCores !== undefined && { parallelCores: busyVerdict.parallelCores }),
    reasons,
  };
}

export function fmt(n: number, digits = 2): string {
  return n.toFixed(digits);
}

export function pct(share: number): string {
  return `${Math.round(share * 100)}%`;
}

export function fmtMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
