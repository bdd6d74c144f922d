/**
 * Resident memory of another process, for `maxMemoryMb` recycling. Linux only:
 * /proc/<pid>/status reports VmRSS in kB, which needs no page-size guess (statm
 * counts pages, and pages are 4 KiB on x86 but 16 or 64 KiB on some arm64).
 * Elsewhere it answers undefined and the pool does not recycle on memory.
 */
import { readFileSync } from 'node:fs';

export function parseVmRssMb(status: string): number | undefined {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m ? Number(m[1]) / 1024 : undefined;
}

export function rssMb(pid: number | undefined): number | undefined {
  if (pid === undefined || process.platform !== 'linux') return undefined;
  try {
    return parseVmRssMb(readFileSync(`/proc/${pid}/status`, 'latin1'));
  } catch {
    return undefined; // already gone: its exit handler takes care of it
  }
}
