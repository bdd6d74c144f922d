/**
 * CPU time of the calling thread, and how long it waited for a CPU, in ms.
 *
 * On Linux, /proc/thread-self/schedstat gives both for the calling thread: time
 * on a CPU and time runnable but waiting on the run queue (nanoseconds). The
 * second lets auto() tell "calculating, but the machine is busy" from
 * "waiting": a spinning thread that is preempted waits on the run queue, a
 * sleeping one does not. Elsewhere: process.threadCpuUsage() (Node ≥ 23.9),
 * else process.cpuUsage() (right for child processes, high for threads), and no
 * run-queue figure.
 */
import { readFileSync } from 'node:fs';

export interface ThreadTimes {
  cpu: number;
  runQueue: number;
}

type Reader = () => ThreadTimes;

function pick(): Reader {
  try {
    readFileSync('/proc/thread-self/schedstat', 'latin1');
    return () => {
      const [onCpu = '0', waiting = '0'] = readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ');
      return { cpu: Number(onCpu) / 1e6, runQueue: Number(waiting) / 1e6 };
    };
  } catch {
    // not Linux, or no schedstat
  }
  const p = process as unknown as { threadCpuUsage?: () => { user: number; system: number } };
  const usage = typeof p.threadCpuUsage === 'function' ? () => p.threadCpuUsage!() : () => process.cpuUsage();
  return () => {
    const u = usage();
    return { cpu: (u.user + u.system) / 1000, runQueue: 0 };
  };
}

export const threadTimes: Reader = pick();
