/**
 * Samples /proc for a whole process tree: the root, every descendant, every thread.
 *
 *   sample() ──► walk root → /proc/<pid>/task/<tid>/children → … (or scan ppids)
 *            ──► per process: stat (own + reaped children's CPU), io, status
 *            ──► per thread:  schedstat (run time, run-queue delay), status (switches)
 *            ──► one Interval: what the tree did since the previous sample
 *
 * Accounting that survives exits. A process's utime+cutime (and its io) already
 * include every child it has reaped. So between two samples the tree's CPU grows by
 * the growth of each live process's (own + reaped children) counters; when a process
 * disappears and its parent is tracked, the parent's cutime has absorbed the child's
 * final total, so the child's last-seen total is subtracted once: the child's CPU is
 * counted exactly once, including the tail it used after our last look and children
 * too short-lived to be seen at all. In spawn mode we are the root's parent, so our
 * own cutime (read from /proc/self/stat) plays that part for the root.
 * Threads carry no such inheritance: a thread that exits keeps its last-seen values.
 */
import { MS_PER_TICK, type ProcReader, type WaitKind, parseIo, parsePids, parseSchedstat, parseStat, parseStatus, parseWchan } from './procfs.js';
import type { Interval, Measurement, Totals } from './types.js';

interface Counters {
  /** Ticks: own + reaped children. */
  user: number;
  system: number;
  rchar: number;
  wchar: number;
  readBytes: number;
  writeBytes: number;
}

const ZERO: Counters = { user: 0, system: 0, rchar: 0, wchar: 0, readBytes: 0, writeBytes: 0 };

interface ThreadValues {
  runNs: number;
  waitNs: number;
  voluntary: number;
  involuntary: number;
  /** Asleep when read: where (wchan); undefined when running or unknown. */
  wait?: WaitKind | undefined;
  /** It has slept between two of our looks (a pool's idle thread never has): set by sample(). */
  slept?: boolean;
}

interface ProcRecord {
  key: string;
  pid: number;
  /** Key of the parent while it is tracked, 'self' for the root we spawned. */
  parentKey: string | undefined;
  last: Counters;
  threads: Map<string, ThreadValues>;
}

interface Observation {
  key: string;
  pid: number;
  ppid: number;
  state: string;
  counters: Counters;
  ioReadable: boolean;
  rssBytes: number;
  hwmBytes: number;
  threads: Map<string, ThreadValues>;
}

export interface SamplerOptions {
  reader: ProcReader;
  /** 'spawn': we started the root (count everything from zero, our cutime covers its exit);
   *  'attach': the root was already running (count from the first sample). */
  mode: 'spawn' | 'attach';
  now: () => number;
  machineCores: number;
  /** Our own pid, to recognise the spawned root's parent. */
  selfPid?: number;
  /** Spawn mode: when the program was started (the origin of the time axis). */
  startMs?: number;
}

function add(a: Counters, b: Counters, sign = 1): Counters {
  return {
    user: a.user + sign * b.user,
    system: a.system + sign * b.system,
    rchar: a.rchar + sign * b.rchar,
    wchar: a.wchar + sign * b.wchar,
    readBytes: a.readBytes + sign * b.readBytes,
    writeBytes: a.writeBytes + sign * b.writeBytes,
  };
}

export class TreeSampler {
  private readonly tracked = new Map<number, ProcRecord>();
  /** Latest executable of each process (a process may exec several times; the last one counts). */
  private readonly executables = new Map<string, string>();
  private readonly intervals: Interval[] = [];
  /** Raw running total (may dip for a moment when a reap is seen before its cutime). */
  private raw: Counters = ZERO;
  /** Monotone running total: what intervals are cut from. */
  private reported: Counters = ZERO;
  private selfCut: { user: number; system: number } | undefined;
  private startMs: number | undefined;
  private lastMs: number | undefined;
  private ioComplete = true;
  private peakThreads = 0;
  private peakProcesses = 0;
  private peakRss = 0;
  private peakHwm = 0;
  private useChildrenFiles: boolean | undefined;
  private rootKey: string | undefined;
  private rootAliveFlag = true;

  constructor(
    readonly rootPid: number,
    private readonly options: SamplerOptions,
  ) {
    if (options.mode === 'spawn') this.selfCut = this.readSelfCut();
    this.startMs = options.startMs;
  }

  /** False once the root has been seen and then found gone. */
  get rootAlive(): boolean {
    return this.rootAliveFlag;
  }

  /** Takes one sample and appends the interval since the previous one. */
  sample(): void {
    const now = this.options.now();
    const first = this.lastMs === undefined;
    const observations = this.observe();
    const baselineIsCurrent = first && this.options.mode === 'attach';

    let delta: Counters = ZERO;
    let runDelayNs = 0;
    const intervalNs = Math.max(0, now - (this.lastMs ?? this.startMs ?? now)) * 1e6;
    let voluntary = 0;
    let involuntary = 0;
    const threadRunNs: number[] = [];
    /** Per live process: its threads' run time in this interval (a lock is shared within one process only). */
    const processRunNs: Array<{ total: number; threads: number[] }> = [];
    const threadVoluntary: number[] = [];
    const waiting = { eventLoop: 0, blocking: 0 };
    let waitKnown = false;
    let threads = 0;
    let rss = 0;

    const byKey = new Map<string, Observation>();
    for (const o of observations) byKey.set(o.key, o);

    // Processes that disappeared since the last sample.
    const gone = [...this.tracked.values()].filter((r) => !byKey.has(r.key));
    const goneKeys = new Set(gone.map((r) => r.key));
    const trackedKeys = new Set([...this.tracked.values()].map((r) => r.key));
    const absorbedByParent = (record: ProcRecord, depth = 0): boolean => {
      if (record.parentKey === undefined || depth > 64) return false;
      if (record.parentKey === 'self') return true;
      if (!trackedKeys.has(record.parentKey)) return false;
      if (!goneKeys.has(record.parentKey)) return true;
      const parent = gone.find((r) => r.key === record.parentKey);
      return parent !== undefined && absorbedByParent(parent, depth + 1);
    };
    for (const record of gone) {
      // Its final total went into the parent's cutime; what we counted of it is inside that.
      if (absorbedByParent(record)) {
        // We add only our cutime, not our io, for the root: subtract only its CPU.
        const cpuOnly = record.parentKey === 'self';
        delta = add(delta, cpuOnly ? { ...ZERO, user: record.last.user, system: record.last.system } : record.last, -1);
      }
      this.tracked.delete(record.pid);
    }

    // Live processes: growth of own + reaped-children counters, and per-thread figures.
    const keyByPid = new Map(observations.map((o) => [o.pid, o.key]));
    for (const o of observations) {
      const tracked = this.tracked.get(o.pid);
      const previous = tracked?.key === o.key ? tracked : undefined;
      const base = previous?.last ?? (baselineIsCurrent ? o.counters : ZERO);
      const counters = o.ioReadable ? o.counters : { ...o.counters, rchar: base.rchar, wchar: base.wchar, readBytes: base.readBytes, writeBytes: base.writeBytes };
      if (!o.ioReadable) this.ioComplete = false;
      delta = add(delta, add(counters, base, -1));

      const firstThread = threadRunNs.length;
      for (const [tid, values] of o.threads) {
        const before = previous?.threads.get(tid) ?? (baselineIsCurrent ? values : undefined);
        const b = before ?? { runNs: 0, waitNs: 0, voluntary: 0, involuntary: 0 };
        const runNs = Math.max(0, values.runNs - b.runNs);
        const waitNs = Math.max(0, values.waitNs - b.waitNs);
        threadRunNs.push(runNs);
        threadVoluntary.push(Math.max(0, values.voluntary - b.voluntary));
        // Slept between two of our looks: it waits on something, not idle since it started.
        // (Kept on the thread's record, so it goes with the thread.)
        values.slept = before?.slept === true || (before !== undefined && values.voluntary > before.voluntary);
        if (values.wait !== undefined) {
          waitKnown = true;
          if (values.wait === 'event-loop') waiting.eventLoop++;
          else if (values.slept) waiting.blocking++;
        }
        // The kernel adds a wait to run_delay only when the wait ends (the thread gets a
        // core), so a thread starved for several intervals shows nothing, then a lump.
        // Keep what fits in this interval beside its run time; the rest happened before.
        const kept = Math.min(waitNs, Math.max(0, intervalNs - runNs));
        runDelayNs += kept;
        if (!baselineIsCurrent) this.spillDelayBack(waitNs - kept);
        voluntary += Math.max(0, values.voluntary - b.voluntary);
        involuntary += Math.max(0, values.involuntary - b.involuntary);
      }
      processRunNs.push({ total: threadRunNs.slice(firstThread).reduce((a, ns) => a + ns, 0), threads: threadRunNs.slice(firstThread) });
      threads += o.threads.size;
      rss += o.rssBytes;
      this.peakHwm = Math.max(this.peakHwm, o.hwmBytes);

      let parentKey: string | undefined = keyByPid.get(o.ppid);
      if (parentKey === undefined && o.pid === this.rootPid && this.options.mode === 'spawn' && o.ppid === (this.options.selfPid ?? process.pid)) {
        parentKey = 'self';
      }
      this.tracked.set(o.pid, { key: o.key, pid: o.pid, parentKey, last: counters, threads: o.threads });
      if (o.pid === this.rootPid) this.rootKey ??= o.key;
    }
    // Gone, or a zombie: it has exited, only its parent has not collected it yet.
    const root = this.rootKey === undefined ? undefined : byKey.get(this.rootKey);
    if (this.rootKey !== undefined && (!root || root.state === 'Z' || root.state === 'X')) this.rootAliveFlag = false;

    // In spawn mode we are the root's parent: our cutime absorbs the root when we reap it.
    if (this.selfCut) {
      const cut = this.readSelfCut();
      if (cut) {
        delta = add(delta, { ...ZERO, user: cut.user - this.selfCut.user, system: cut.system - this.selfCut.system });
        this.selfCut = cut;
      }
    }

    this.raw = add(this.raw, delta);
    const next: Counters = {
      user: Math.max(this.reported.user, this.raw.user),
      system: Math.max(this.reported.system, this.raw.system),
      rchar: Math.max(this.reported.rchar, this.raw.rchar),
      wchar: Math.max(this.reported.wchar, this.raw.wchar),
      readBytes: Math.max(this.reported.readBytes, this.raw.readBytes),
      writeBytes: Math.max(this.reported.writeBytes, this.raw.writeBytes),
    };
    const step = add(next, this.reported, -1);
    this.reported = next;

    this.peakThreads = Math.max(this.peakThreads, threads);
    this.peakProcesses = Math.max(this.peakProcesses, observations.length);
    this.peakRss = Math.max(this.peakRss, rss);

    if (first) this.startMs = this.options.mode === 'spawn' ? (this.startMs ?? now) : now;
    const startMs = this.startMs ?? now;
    const previousMs = this.lastMs ?? startMs;
    this.lastMs = now;
    if (baselineIsCurrent) return;
    if (now - previousMs <= 0 && step.user + step.system === 0) return;
    const busiestNs = Math.max(0, ...threadRunNs);
    const busyThreadsVoluntary = threadRunNs.reduce(
      (sum, ns, k) => (ns > 0 && ns >= busiestNs / 4 ? sum + threadVoluntary[k]! : sum),
      0,
    );
    const threadsRunMs = threadRunNs.reduce((a, ns) => a + ns, 0) / 1e6;
    const ticksMs = (step.user + step.system) * MS_PER_TICK;
    const busiestProcess = processRunNs.reduce<(typeof processRunNs)[number] | undefined>((a, p) => (!a || p.total > a.total ? p : a), undefined);
    threadRunNs.sort((a, b) => b - a);
    const last = this.intervals.at(-1);
    if (observations.length === 0 && last) {
      // The tree is gone (the final sample after exit): the stretch since the last look
      // belongs to the last interval, with the CPU the tree used in it (from cutime).
      last.endMs = now - startMs;
      last.userMs += step.user * MS_PER_TICK;
      last.systemMs += step.system * MS_PER_TICK;
      last.cpuMs += ticksMs;
      return;
    }
    this.intervals.push({
      startMs: previousMs - startMs,
      endMs: now - startMs,
      userMs: step.user * MS_PER_TICK,
      systemMs: step.system * MS_PER_TICK,
      // Ticks may run up to one tick per process ahead of the precise figure; beyond that
      // they hold CPU the live threads do not (children reaped between samples).
      cpuMs: Math.max(threadsRunMs, ticksMs - MS_PER_TICK * Math.max(1, observations.length)),
      runDelayMs: runDelayNs / 1e6,
      voluntarySwitches: voluntary,
      busyThreadsVoluntarySwitches: busyThreadsVoluntary,
      involuntarySwitches: involuntary,
      topThreadsMs: threadRunNs.slice(0, 8).map((ns) => ns / 1e6),
      topProcessesMs: processRunNs.map((p) => p.total / 1e6).sort((a, b) => b - a).slice(0, 8),
      busiestProcessThreadsMs: busiestProcess ? [...busiestProcess.threads].sort((a, b) => b - a).slice(0, 8).map((ns) => ns / 1e6) : [],
      threads,
      processes: observations.length,
      ...(waitKnown && { waiting }),
    });
  }

  /** Spreads run-queue delay over the preceding intervals, newest first, at most one core each. */
  private spillDelayBack(ns: number): void {
    let rest = ns / 1e6;
    for (let k = this.intervals.length - 1; k >= 0 && rest > 0; k--) {
      const interval = this.intervals[k]!;
      const add = Math.min(rest, interval.endMs - interval.startMs);
      interval.runDelayMs += add;
      rest -= add;
    }
  }

  measurement(): Measurement {
    const totals: Totals = {
      wallMs: (this.lastMs ?? 0) - (this.startMs ?? 0),
      userMs: this.reported.user * MS_PER_TICK,
      systemMs: this.reported.system * MS_PER_TICK,
      runDelayMs: sum(this.intervals.map((i) => i.runDelayMs)),
      voluntarySwitches: sum(this.intervals.map((i) => i.voluntarySwitches)),
      involuntarySwitches: sum(this.intervals.map((i) => i.involuntarySwitches)),
      readBytes: this.reported.rchar,
      writtenBytes: this.reported.wchar,
      storageReadBytes: this.reported.readBytes,
      storageWrittenBytes: this.reported.writeBytes,
      ioComplete: this.ioComplete,
      peakThreads: this.peakThreads,
      peakProcesses: this.peakProcesses,
      peakMemoryBytes: Math.max(this.peakRss, this.peakHwm),
    };
    return { totals, intervals: [...this.intervals], machineCores: this.options.machineCores, executables: [...new Set(this.executables.values())] };
  }

  private readSelfCut(): { user: number; system: number } | undefined {
    const text = this.options.reader.read('self', 'stat');
    const stat = text === undefined ? undefined : parseStat(text);
    return stat && { user: stat.cutime, system: stat.cstime };
  }

  /** Reads every live process of the tree. */
  private observe(): Observation[] {
    const reader = this.options.reader;
    // [pid, discovered as a child of the tree (or the root before it was first seen)]
    const queue: Array<[number, boolean]> = [[this.rootPid, this.rootKey === undefined], ...[...this.tracked.keys()].map((pid): [number, boolean] => [pid, false])];
    const visited = new Set<number>();
    const out: Observation[] = [];
    let scanned: Map<number, number[]> | undefined;
    for (let i = 0; i < queue.length; i++) {
      const [pid, discovered] = queue[i]!;
      if (visited.has(pid)) continue;
      const statText = reader.read(pid, 'stat');
      const stat = statText === undefined ? undefined : parseStat(statText);
      if (!stat) continue;
      const key = `${pid}:${stat.startTime}`;
      const known = this.tracked.get(pid) ?? (pid === this.rootPid && this.rootKey !== undefined ? { key: this.rootKey } : undefined);
      // A pid we tracked that now names another process (pid reuse) is not ours,
      // unless the tree's own children list names it (a later queue entry).
      if (!discovered && known && known.key !== key) continue;
      visited.add(pid);

      const status = parseStatus(reader.read(pid, 'status') ?? '');
      const io = parseIo(reader.read(pid, 'io') ?? '');
      const threads = new Map<string, ThreadValues>();
      const children: number[] = [];
      for (const tid of reader.list(pid, 'task') ?? []) {
        const taskStat = parseStat(reader.read(pid, 'task', tid, 'stat') ?? '');
        if (!taskStat) continue;
        const sched = parseSchedstat(reader.read(pid, 'task', tid, 'schedstat') ?? '');
        const taskStatus = parseStatus(reader.read(pid, 'task', tid, 'status') ?? '');
        // Asleep (interruptibly or not): where, for the advice on a waiting program.
        const asleep = taskStat.state === 'S' || taskStat.state === 'D';
        threads.set(`${tid}:${taskStat.startTime}`, {
          // Without schedstat, fall back to tick-granular utime+stime.
          runNs: sched?.runNs ?? (taskStat.utime + taskStat.stime) * MS_PER_TICK * 1e6,
          waitNs: sched?.waitNs ?? 0,
          voluntary: taskStatus.voluntary,
          involuntary: taskStatus.involuntary,
          wait: asleep ? parseWchan(reader.read(pid, 'task', tid, 'wchan')) : undefined,
        });
        if (this.useChildrenFiles !== false) {
          const text = reader.read(pid, 'task', tid, 'children');
          if (text === undefined && this.useChildrenFiles === undefined) this.useChildrenFiles = false;
          else {
            this.useChildrenFiles = true;
            children.push(...parsePids(text ?? ''));
          }
        }
      }
      if (this.useChildrenFiles === false) {
        scanned ??= this.scanPpids();
        children.push(...(scanned.get(pid) ?? []));
      }
      queue.push(...children.map((c): [number, boolean] => [c, true]));

      const exe = reader.link(pid, 'exe');
      if (exe) this.executables.set(key, exe);
      out.push({
        key,
        pid,
        ppid: stat.ppid,
        state: stat.state,
        counters: {
          user: stat.utime + stat.cutime,
          system: stat.stime + stat.cstime,
          rchar: io?.rchar ?? 0,
          wchar: io?.wchar ?? 0,
          readBytes: io?.readBytes ?? 0,
          writeBytes: io?.writeBytes ?? 0,
        },
        ioReadable: io !== undefined,
        rssBytes: status.rssBytes,
        hwmBytes: status.hwmBytes,
        threads,
      });
    }
    return out;
  }

  /** Fallback for kernels without task/<tid>/children: parent → children from every /proc/<pid>/stat. */
  private scanPpids(): Map<number, number[]> {
    const reader = this.options.reader;
    const map = new Map<number, number[]>();
    for (const name of reader.list() ?? []) {
      if (!/^\d+$/.test(name)) continue;
      const stat = parseStat(reader.read(name, 'stat') ?? '');
      if (!stat) continue;
      const list = map.get(stat.ppid) ?? [];
      list.push(stat.pid);
      map.set(stat.ppid, list);
    }
    return map;
  }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
