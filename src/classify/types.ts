/**
 * The shapes passed between the sampler (which reads /proc), the pure verdict
 * policy and the report. Times are milliseconds, sizes bytes.
 */

/** What happened to the whole process tree during one sampling interval. */
export interface Interval {
  /** Start and end, ms since the watch began. */
  startMs: number;
  endMs: number;
  /** CPU time used by the whole tree in the interval, reaped children included, from
   *  utime/stime: exact over the run but in 10 ms ticks, so coarse for one interval. */
  userMs: number;
  systemMs: number;
  /** The best per-interval CPU figure: the threads' own run time (schedstat, ns-precise),
   *  or the tick figure when that is clearly larger (children that came and went unseen). */
  cpuMs: number;
  /** Time threads were runnable but waiting for a core (schedstat). */
  runDelayMs: number;
  voluntarySwitches: number;
  involuntarySwitches: number;
  /** Voluntary switches of the threads that did the work (ran ≥ ¼ as long as the busiest):
   *  threads handing a lock back and forth switch often; spinning workers hardly at all. */
  busyThreadsVoluntarySwitches: number;
  /** CPU ms of the busiest threads in the interval, descending (at most 8). */
  topThreadsMs: number[];
  /** CPU ms of the busiest processes of the tree (all their threads), descending (at most 8).
   *  Absent: one process. */
  topProcessesMs?: number[];
  /** CPU ms of the threads of the interval's busiest process, descending (at most 8): a lock is
   *  shared by threads of one process, never across processes. Absent: topThreadsMs. */
  busiestProcessThreadsMs?: number[];
  /** Threads and processes alive at the end of the interval. */
  threads: number;
  processes: number;
  /**
   * Threads seen asleep at the end of the interval, by where they waited (/proc/…/wchan):
   * in an event loop (epoll, poll, select), or in a blocking call — counted only for threads
   * that have slept at least once since the watch began (a pool's idle threads never have).
   * Absent where the kernel does not say.
   */
  waiting?: { eventLoop: number; blocking: number };
}

/** Totals over the whole watch. */
export interface Totals {
  wallMs: number;
  userMs: number;
  systemMs: number;
  runDelayMs: number;
  voluntarySwitches: number;
  involuntarySwitches: number;
  /** Bytes passed through read()/write()-like calls (rchar/wchar), pipes and sockets included. */
  readBytes: number;
  writtenBytes: number;
  /** Bytes that reached the storage layer (read_bytes/write_bytes). */
  storageReadBytes: number;
  storageWrittenBytes: number;
  /** False when /proc/<pid>/io was unreadable for some process (EACCES). */
  ioComplete: boolean;
  peakThreads: number;
  peakProcesses: number;
  /** The larger of the largest summed RSS seen and the largest per-process VmHWM. */
  peakMemoryBytes: number;
}

/** Everything the sampler measured; the input of the verdict. */
export interface Measurement {
  totals: Totals;
  intervals: Interval[];
  /** Cores the machine offers (os.availableParallelism()). */
  machineCores: number;
  /** Executable paths seen in the tree (for language detection). */
  executables: string[];
}

export type VerdictKind =
  | 'waiting'
  | 'calculating-one-core'
  | 'calculating-parallel'
  | 'lock-bound'
  | 'mixed';

export type BusyKind = 'calculating-one-core' | 'calculating-parallel' | 'lock-bound';

export type WorkIn = 'one-thread' | 'threads' | 'processes';

/** How a waiting program waits: in an event loop, blocked in several threads at once, or in one thread. */
export type WaitsIn = 'event-loop' | 'threads' | 'one-thread';

export interface Verdict {
  kind: VerdictKind;
  /** One line: "calculating in parallel on 2 cores". */
  summary: string;
  /** Cores used on average over the whole run. */
  coresAverage: number;
  /** Cores used on average while busy (0 when never busy). */
  coresBusy: number;
  /** For calculating-parallel (and mixed with a parallel busy phase): cores used, rounded. */
  parallelCores?: number;
  /** Share of the wall time spent waiting and calculating (they add up to 1). */
  phases: { waiting: number; calculating: number };
  /** What the busy phase looked like, when there was one. */
  busyKind?: BusyKind;
  /** Where the busy work ran: one thread, several threads of one process, or several processes
   *  (so advice never recommends what the program already does). */
  workIn?: WorkIn;
  /** For waiting and mixed verdicts, when the kernel said where threads slept: how the program
   *  waits (so advice never recommends an event loop to one that has one). */
  waitsIn?: WaitsIn;
  oversubscribed: boolean;
  /** The figures that led to the verdict, one per line. */
  reasons: string[];
  warnings: string[];
}

export type Language = 'python' | 'node' | 'other';

export interface Recommendation {
  language: Language;
  lines: string[];
}
