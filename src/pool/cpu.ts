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
 * (The file is opened at each read: a descriptor kept open per thread would
 * outlive the thread, since descriptors belong to the process.)
 *
 * Elsewhere: process.threadCpuUsage() (Node ≥ 23.9), else process.cpuUsage()
 * (right for child processes, high for threads), and no run-queue figure.
 */
import { readFileSync } from 'node:fs';

export interface ThreadTimes {
  cpu: number;
  runQueue: number;
}

type Reader = () => ThreadTimes;

function schedstat(): Reader | undefined {
  const path = '/proc/thread-self/schedstat';
  const read = (): ThreadTimes => {
    process.cpuUsage(); // bring this thread's runtime up to date (see above)
    const text = readFileSync(path, 'latin1');
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

function pick(): Reader {
  const fromProc = schedstat();
  if (fromProc) return fromProc;
  const p = process as unknown as { threadCpuUsage?: () => { user: number; system: number } };
  const usage = typeof p.threadCpuUsage === 'function' ? () => p.threadCpuUsage!() : () => process.cpuUsage();
  return () => {
    const u = usage();
    return { cpu: (u.user + u.system) / 1000, runQueue: 0 };
  };
}

export const threadTimes: Reader = pick();

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
