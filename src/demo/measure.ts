/**
 * Measure one run: wall time, CPU time (all threads of this process, plus its
 * child processes where /proc tells), and peak resident memory sampled while it
 * runs. Children that exit during the run count through the kernel's reaped
 * total (exact); with `children`, live children are read from /proc at both
 * ends as well, so a pool started before the run and closed after it counts
 * only what it did in between (bench warms its pools up first).
 */
import { childPids, childrenCpuMs, procAvailable, reapedChildrenCpuMs, rssMb } from './proc.js';

export interface Measured<T> {
  value: T;
  wallMs: number;
  cpuMs: number;
  cpuScope: 'process' | 'process+children';
  peakRssMb: number;
  /** Peak minus the resident memory when the run began: what this run added. */
  addedRssMb: number;
}

export interface MeasureOptions {
  /** Also sample the memory of child processes (a /proc scan per sample) and count live children's CPU. */
  children?: boolean;
  /** ms between memory samples. Default 50. */
  intervalMs?: number;
}

export async function measure<T>(fn: () => Promise<T>, options: MeasureOptions = {}): Promise<Measured<T>> {
  let peak = 0;
  const sample = () => {
    let mb = process.memoryUsage.rss() / 2 ** 20;
    if (options.children) for (const pid of childPids()) mb += rssMb(pid);
    peak = Math.max(peak, mb);
  };
  // A blocked event loop also blocks this timer: the final sample still sees the end state.
  const timer = setInterval(sample, options.intervalMs ?? 50);
  sample();
  const startRss = peak;
  const childCpu = options.children ? childrenCpuMs : reapedChildrenCpuMs;
  const reaped0 = childCpu();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const value = await fn();
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const reaped1 = childCpu();
    sample();
    const children = reaped0 !== undefined && reaped1 !== undefined ? reaped1 - reaped0 : 0;
    return {
      value,
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000 + children,
      cpuScope: procAvailable ? 'process+children' : 'process',
      peakRssMb: peak,
      addedRssMb: Math.max(0, peak - startRss),
    };
  } finally {
    clearInterval(timer);
  }
}
