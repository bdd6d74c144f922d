/**
 * The verdict policy: figures in, verdict and reasons out. Pure — no /proc, no
 * clock — so it is tested table-driven without spawning anything.
 *
 * Each sampling interval is busy when the tree *wanted* at least half a core:
 * CPU time plus run-queue delay (time runnable but waiting for a core), per wall
 * second. "Wanted" keeps a calculating program busy on a crowded machine, where
 * it gets far less than it asks for. But a sleeping program queues for a core at
 * every wake-up on a crowded machine too, so the delay counts only in proportion
 * to involuntary switches (preemptions: the thread wanted to go on) among those and
 * the busy threads' voluntary ones; delay after a wake-up from sleep is not demand.
 * Every other interval is waiting. Then:
 *
 * Phases are measured twice — as shares of the wall time, and as they would last on
 * free cores (without the time queued for one) — and reconciled (reconcileShares), so
 * a start-up stretched by a crowded machine does not turn a waiting program into a
 * mixed one, nor does one ambiguous interval a starved calculating program.
 *
 *   busy < 25% of the time                          → waiting
 *   busy 25–75% of the time                         → mixed (with both shares)
 *   otherwise, over the busy intervals:
 *     uses ≥ 1.5 cores                               → calculating in parallel on N
 *     ≥ 1.5 threads of one process share the work, none
 *     doing over 80 %, and threads give up the CPU
 *     ≥ 200 times per CPU-s                         → lock-bound (GIL or one lock)
 *     wants ≥ 1.3 cores, ≥ 1.5 threads sharing, none
 *     doing over 80 % (crowded machine: it got less
 *     than it asked)                                 → calculating in parallel on N (≤ the machine's cores)
 *     else                                           → calculating on one core
 *
 * "Threads sharing the work" is the participation ratio (Σt)²/Σt² of the busiest
 * threads' CPU times: 1 for one busy thread beside idle helpers, 4 for four equal
 * ones — independent of how much CPU the machine let them have.
 */
import type { BusyKind, Interval, Measurement, Verdict, WaitsIn, WorkIn } from './types.js';
import { formatMs } from '../format/duration.js';

export const THRESHOLDS = {
  /** An interval is busy when it wants at least this many cores. */
  busyWantedCores: 0.5,
  /** Below this share of busy time the program waits. */
  waitingMaxBusyShare: 0.25,
  /** At or above this share of busy time the program calculates; in between it is mixed. */
  calculatingMinBusyShare: 0.75,
  /** Cores used while busy from which the work runs in parallel. */
  parallelCores: 1.5,
  /** Threads or processes sharing the work from which the work counts as spread over them
   *  (workIn, the crowded-machine rule, lock-bound: see spreadOverThreads)… (1.5, not more: on
   *  a quiet machine with many cores the GIL can ping-pong mostly between two of four threads,
   *  70/30, a ratio of ~1.7) */
  sharingWorkers: 1.5,
  /** …with no thread doing more than this share of it: a one-core program with helper
   *  threads (npm: 82–89 % on its main thread) is one thread's work. */
  maxTopShare: 0.8,
  /** On a crowded machine: parallel when the work is spread over threads and wants this many
   *  cores (no single thread can want more than one). */
  crowdedParallelWanted: 1.3,
  /** Lock-bound: the work spread over threads of one process, and at least this many voluntary
   *  switches per CPU-second: threads handing a lock over (CPython's GIL: 600–1,100 measured
   *  here; compute-bound worker threads: < 100). */
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
  /** The same within the busiest process (a lock is shared there), and across processes. */
  sharingThreadsInProcess: number;
  sharingProcesses: number;
  topShare: number;
  voluntaryPerCpuSecond: number;
}

const cpuOf = (i: Interval) => i.cpuMs;
const lengthOf = (i: Interval) => i.endMs - i.startMs;
/**
 * The run-queue delay that counts as demand: the share that followed preemptions, among
 * the preemptions and the voluntary switches of the threads doing the work (helper threads
 * that wake now and then must not discount the delay of spinning workers).
 */
const preemptedDelayOf = (i: Interval) => {
  const switches = i.involuntarySwitches + i.busyThreadsVoluntarySwitches;
  return switches > 0 ? (i.runDelayMs * i.involuntarySwitches) / switches : i.runDelayMs;
};
/** CPU plus the run-queue delay that counts as demand, per wall second (see above). */
const demandOf = (i: Interval) => (cpuOf(i) + preemptedDelayOf(i)) / lengthOf(i);
/**
 * How long the interval would have lasted on free cores: without the time spent queued
 * for a core. With d cores wanted, d threads queue side by side, so the queueing shortens
 * the interval by delay / d (a lone thread: by all of it; sleeping is not shortened).
 */
const freeLengthOf = (i: Interval) => Math.max(0, lengthOf(i) - preemptedDelayOf(i) / Math.max(1, demandOf(i)));
export const isBusy = (i: Interval) => lengthOf(i) > 0 && demandOf(i) >= THRESHOLDS.busyWantedCores;

/** Participation ratio (Σt)²/Σt² of CPU times, weighted by their total (summed over intervals by the caller). */
function participation(ms: readonly number[]): { weighted: number; total: number } {
  const total = ms.reduce((a, x) => a + x, 0);
  const squares = ms.reduce((a, x) => a + x * x, 0);
  return { weighted: squares > 0 ? ((total * total) / squares) * total : 0, total };
}

function busyFigures(busy: Interval[]): BusyFigures {
  let inProcess = { weighted: 0, total: 0 };
  let across = { weighted: 0, total: 0 };
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
    voluntary += i.busyThreadsVoluntarySwitches;
    const p = participation(i.busiestProcessThreadsMs ?? i.topThreadsMs);
    inProcess = { weighted: inProcess.weighted + p.weighted, total: inProcess.total + p.total };
    const q = participation(i.topProcessesMs ?? [cpuOf(i)]);
    across = { weighted: across.weighted + q.weighted, total: across.total + q.total };
  }
  return {
    wallMs,
    cpuMs,
    delayMs,
    cores: wallMs > 0 ? cpuMs / wallMs : 0,
    wanted: wallMs > 0 ? (cpuMs + delayMs) / wallMs : 0,
    // Per interval (threads taking turns within it), averaged weighting by CPU.
    sharingThreads: threadMs > 0 ? sharingWeighted / threadMs : 0,
    sharingThreadsInProcess: inProcess.total > 0 ? inProcess.weighted / inProcess.total : 0,
    sharingProcesses: across.total > 0 ? across.weighted / across.total : 1,
    topShare: threadMs > 0 ? topMs / threadMs : 1,
    voluntaryPerCpuSecond: cpuMs > 0 ? voluntary / (cpuMs / 1000) : 0,
  };
}

/** `sharing` threads shared the work, and none did most of it (see THRESHOLDS.sharingWorkers). */
function spreadOverThreads(sharing: number, topShare: number): boolean {
  return sharing >= THRESHOLDS.sharingWorkers && topShare <= THRESHOLDS.maxTopShare;
}

/** Where the busy work ran (see WorkIn). */
export function workIn(b: Pick<BusyFigures, 'sharingThreads' | 'sharingProcesses' | 'topShare'>): WorkIn {
  if (b.sharingProcesses >= THRESHOLDS.sharingWorkers) return 'processes';
  // One thread doing most of it, with helpers beside it, is work in one thread.
  return spreadOverThreads(b.sharingThreads, b.topShare) ? 'threads' : 'one-thread';
}

/**
 * How the program waits (see WaitsIn), from where its threads were asleep in the intervals
 * that were not busy (all of them, if every one was): in an event loop in at least half of
 * those that say, else blocked in several threads at once (the median count), else in one.
 * Undefined when the kernel never said where a thread slept.
 */
export function waitsIn(intervals: Interval[]): { waitsIn: WaitsIn; reason: string } | undefined {
  const quiet = intervals.filter((i) => !isBusy(i));
  const said = (quiet.length > 0 ? quiet : intervals).filter((i) => i.waiting !== undefined && i.waiting.eventLoop + i.waiting.blocking > 0);
  if (said.length === 0) return undefined;
  const onLoop = said.filter((i) => (i.waiting?.eventLoop ?? 0) > 0).length / said.length;
  if (onLoop >= 0.5) return { waitsIn: 'event-loop', reason: `it waits in an event loop (epoll, poll or select) in ${pct(onLoop)} of the samples` };
  const blocked = said.map((i) => i.waiting?.blocking ?? 0).sort((a, b) => a - b)[said.length >> 1] ?? 0;
  return blocked >= 2
    ? { waitsIn: 'threads', reason: `it waits blocked in ${blocked} threads at once (median of the samples)` }
    : { waitsIn: 'one-thread', reason: 'it waits blocked in one thread at a time' };
}

function judgeBusy(b: BusyFigures, machineCores: number): { kind: BusyKind; reasons: string[]; parallelCores?: number } {
  const processesLine = b.sharingProcesses >= THRESHOLDS.sharingWorkers ? ` across about ${fmt(b.sharingProcesses, 1)} processes` : '';
  const threadsLine = `about ${fmt(b.sharingThreads, 1)} threads shared the work${processesLine}; the busiest did ${pct(b.topShare)} of it`;
  // Never more cores than the machine has (the count may come from the cores the program *wanted*).
  const parallel = (cores: number, why: string) => ({
    kind: 'calculating-parallel' as const,
    parallelCores: Math.min(Math.max(2, machineCores), Math.max(2, Math.round(cores))),
    reasons: [why, threadsLine],
  });
  if (b.cores >= THRESHOLDS.parallelCores) {
    return parallel(b.cores, `while busy it used ${fmt(b.cores)} cores (≥ ${THRESHOLDS.parallelCores} means parallel)`);
  }
  // A lock is shared by the threads of one process: several processes taking turns at about
  // one core (a chatty pool fed one item at a time) are not lock-bound.
  // One thread doing most of the work beside helpers that sleep and wake (npm: 82–89 % on its
  // main thread) hands nothing over: that is one core's work, not a lock.
  if (spreadOverThreads(b.sharingThreadsInProcess, b.topShare) && b.voluntaryPerCpuSecond >= THRESHOLDS.lockMinSwitchesPerCpuSecond) {
    return {
      kind: 'lock-bound',
      reasons: [
        `about ${fmt(b.sharingThreads, 1)} threads shared the work, yet only ${fmt(b.cores)} cores were used while busy: they take turns`,
        `threads gave up the CPU voluntarily ${Math.round(b.voluntaryPerCpuSecond)} times per CPU-second (≥ ${THRESHOLDS.lockMinSwitchesPerCpuSecond}): handing a lock over — Python's GIL behaves exactly so`,
      ],
    };
  }
  if (b.wanted >= THRESHOLDS.crowdedParallelWanted && spreadOverThreads(b.sharingThreads, b.topShare)) {
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

/**
 * A crowded machine stretches busy phases (the wall-time share overstates them), while
 * the free-core share can overstate a brief wait that sits among heavily queued busy
 * intervals. Lean to waiting when either view puts busy under 25%, to calculating when
 * either puts it at 75% or more; when they contradict each other, take the middle.
 */
export function reconcileShares(raw: number, free: number): number {
  const low = Math.min(raw, free);
  const high = Math.max(raw, free);
  const waitingSide = low < THRESHOLDS.waitingMaxBusyShare;
  const calculatingSide = high >= THRESHOLDS.calculatingMinBusyShare;
  if (waitingSide && !calculatingSide) return low;
  if (calculatingSide && !waitingSide) return high;
  return (raw + free) / 2;
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
  const busyWallMs = busy.reduce((a, i) => a + lengthOf(i), 0);
  const busyFreeMs = busy.reduce((a, i) => a + freeLengthOf(i), 0);
  const waitingFreeMs = intervals.filter((i) => !isBusy(i)).reduce((a, i) => a + freeLengthOf(i), 0);
  const rawBusyShare = wallMs > 0 ? busyWallMs / wallMs : 0;
  const freeBusyShare = busyFreeMs + waitingFreeMs > 0 ? busyFreeMs / (busyFreeMs + waitingFreeMs) : 0;
  const busyShare = reconcileShares(rawBusyShare, freeBusyShare);
  const waitingShare = 1 - busyShare;
  const b = busyFigures(busy);

  const reasons = [
    `${fmt(coresAverage)} cores used on average over ${formatMs(m.totals.wallMs)} (CPU ${formatMs(cpuMs)}: user ${formatMs(m.totals.userMs)}, system ${formatMs(m.totals.systemMs)})`,
    `busy ${pct(busyShare)} of the time (wanting ≥ ${THRESHOLDS.busyWantedCores} cores), waiting ${pct(waitingShare)}` +
        (Math.abs(rawBusyShare - freeBusyShare) >= 0.05
        ? ` — on this crowded machine busy ${pct(rawBusyShare)} of the wall time, ${pct(freeBusyShare)} as it would be on free cores`
        : ''),
  ];
  const warnings: string[] = [];
  const delayPerCpu = cpuMs > 0 ? m.totals.runDelayMs / cpuMs : 0;
  const delayPerWall = m.totals.wallMs > 0 ? m.totals.runDelayMs / m.totals.wallMs : 0;
  const oversubscribed =
    delayPerCpu >= THRESHOLDS.oversubscribedDelayPerCpu && delayPerWall >= THRESHOLDS.oversubscribedDelayPerWall;
  if (oversubscribed) {
    warnings.push(
      `the machine was oversubscribed: threads waited ${formatMs(m.totals.runDelayMs)} for a core (${pct(delayPerCpu)} of their CPU time); cores used may understate what the program would get on a quiet machine`,
    );
  }
  if (delayPerCpu >= 3) {
    warnings.push(`threads waited ${fmt(delayPerCpu, 1)}× as long for a core as they ran: on a machine this crowded the verdict is uncertain; measure again when it is quieter`);
  }
  if (intervals.length < 3) {
    warnings.push(`only ${intervals.length} sampling interval(s): run longer or lower --interval for a firmer verdict`);
  }
  const phases = { waiting: waitingShare, calculating: busyShare };
  const base = { coresAverage, coresBusy: b.cores, phases, oversubscribed, warnings };

  const waits = waitsIn(intervals);
  if (busyShare < THRESHOLDS.waitingMaxBusyShare) {
    const { voluntarySwitches: vol, involuntarySwitches: invol } = m.totals;
    reasons.push(
      `threads slept most of the time: ${vol} voluntary context switches (waits for I/O, timers, locks) vs ${invol} involuntary`,
    );
    if (waits) reasons.push(waits.reason);
    return { ...base, kind: 'waiting', summary: 'waiting', ...(waits && { waitsIn: waits.waitsIn }), reasons };
  }
  const busyVerdict = judgeBusy(b, m.machineCores);
  const where = workIn(b);
  if (busyShare < THRESHOLDS.calculatingMinBusyShare) {
    reasons.push(`in its busy phase: ${BUSY_SUMMARY[busyVerdict.kind](busyVerdict.parallelCores)}`, ...busyVerdict.reasons);
    if (waits) reasons.push(`while waiting, ${waits.reason}`);
    return {
      ...base,
      ...(waits && { waitsIn: waits.waitsIn }),
      kind: 'mixed',
      summary: `mixed: waiting ${pct(waitingShare)} of the time, calculating ${pct(busyShare)} (${BUSY_SUMMARY[busyVerdict.kind](busyVerdict.parallelCores)})`,
      busyKind: busyVerdict.kind,
      workIn: where,
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
    workIn: where,
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

