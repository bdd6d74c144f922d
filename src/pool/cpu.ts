/**
 * CPU time of the calling thread, in ms. Node ≥ 23.9 has process.threadCpuUsage();
 * on older Node, Linux exposes the calling thread's on-CPU nanoseconds in
 * /proc/thread-self/schedstat. process.cpuUsage() (the whole process) is the last
 * resort: right for child processes, an over-estimate for threads.
 */
import { readFileSync } from 'node:fs';

type Reader = () => number;

function pick(): Reader {
  const p = process as unknown as { threadCpuUsage?: () => { user: number; system: number } };
  if (typeof p.threadCpuUsage === 'function') {
    return () => {
      const u = p.threadCpuUsage!();
      return (u.user + u.system) / 1000;
    };
  }
  try {
    readFileSync('/proc/thread-self/schedstat', 'latin1');
    return () => {
      const text = readFileSync('/proc/thread-self/schedstat', 'latin1');
      return Number(text.slice(0, text.indexOf(' '))) / 1e6;
    };
  } catch {
    return () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
  }
}

export const threadCpuMs: Reader = pick();
