/**
 * CPU time of the calling thread, and how long it waited for a CPU, in ms.
 *
 * On Linux, /proc/thread-self/schedstat gives both for the calling thread: time
 * on a CPU and time runnable but waiting on the run queue (nanoseconds). The
 * second lets auto() tell "calculating, but the machine is busy" from
 * "waiting": a spinning thread that is preempted waits on the run queue, a
 * sleeping one does not.
 *
 * The kernel brings a running thread's CPU time up to date only at scheduler
 * events (a tick, a switch), so read mid-run it lags by up to a tick (4 ms at
 * 250 Hz) — a 1 ms task could read as 0. process.cpuUsage() makes the kernel
 * account the calling thread's pending time first (getrusage(RUSAGE_SELF)
 * updates the current task's runtime), so it is called just before each read.
 * Opening, reading and closing the file costs ~30 µs (readFileSync on procfs);
 * a read on a descriptor kept open costs ~2 µs. /proc/thread-self names the
 * thread that opened it, so each thread keeps its own (keepOpen()): a pool
 * thread's is closed by Node when the thread exits, as every descriptor a
 * worker thread opened with fs.open; the main thread's lives with the process.
 *
 * Elsewhere: process.threadCpuUsage() (Node ≥ 23.9), else process.cpuUsage()
 * (right for child processes, high for threads), and no run-queue figure.
 */
import { closeSync, openSync, readSync } from 'node:fs';

export interface ThreadTimes {
  cpu: number;
  runQueue: number;
}

type Reader = () => ThreadTimes;

const SCHEDSTAT = '/proc/thread-self/schedstat';
/** This thread's schedstat, kept open (see keepOpen). */
let kept: number | undefined;
const buffer = Buffer.alloc(96);

/** Keep this thread's schedstat open from now on (see above); a no-op where it is not read. */
export function keepOpen(): void {
  if (kept !== undefined || fromProc() === undefined) return;
  try {
    kept = openSync(SCHEDSTAT, 'r');
  } catch {
    // keep reading the slow way
  }
}

function readSchedstat(): string {
  // Not kept open: opened, read and closed here (~20 µs; readFileSync's first call took 0.8 ms,
  // its own code cold, in every auto() made in a fresh process).
  const fd = kept ?? openSync(SCHEDSTAT, 'r');
  try {
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.toString('latin1', 0, n);
  } finally {
    if (fd !== kept) closeSync(fd);
  }
}

function schedstat(): Reader | undefined {
  const read = (): ThreadTimes => {
    process.cpuUsage(); // bring this thread's runtime up to date (see above)
    const text = readSchedstat();
    const space = text.indexOf(' ');
    return { cpu: Number(text.slice(0, space)) / 1e6, runQueue: Number(text.slice(space + 1, text.indexOf(' ', space + 1))) / 1e6 };
  };
  try {
    read();
  } catch {
    return undefined; // not Linux, or no schedstat
  }
  return read;
}

// Probed on first use, not when this module loads: a pool child loads it on its way to 'ready'.
let probed = false;
let proc: Reader | undefined;
function fromProc(): Reader | undefined {
  if (!probed) {
    probed = true;
    proc = schedstat();
  }
  return proc;
}

function pick(): Reader {
  const schedstatReader = fromProc();
  if (schedstatReader) return schedstatReader;
  const p = process as unknown as { threadCpuUsage?: () => { user: number; system: number } };
  const usage = typeof p.threadCpuUsage === 'function' ? () => p.threadCpuUsage!() : () => process.cpuUsage();
  return () => {
    const u = usage();
    return { cpu: (u.user + u.system) / 1000, runQueue: 0 };
  };
}

let reader: Reader | undefined;
export const threadTimes: Reader = () => (reader ??= pick())();

let tare: number | undefined;
/**
 * The CPU a pair of readings costs by itself (ms): the smallest of a few
 * back-to-back pairs. A measurement subtracts it, so a task of microseconds
 * does not read as the syscalls' cost (a loaded machine makes them slower).
 */
export function readingCost(): number {
  if (tare === undefined) {
    let best = Infinity;
    for (let i = 0; i < 5; i++) {
      const a = threadTimes().cpu;
      best = Math.min(best, threadTimes().cpu - a);
    }
    tare = Math.max(0, best);
  }
  return tare;
}
