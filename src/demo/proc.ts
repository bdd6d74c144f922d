/**
 * Linux /proc readings the demo needs and Node does not expose: the child
 * processes of this process, their resident memory, and the CPU time of
 * children that have exited and been reaped (cutime + cstime). Elsewhere every
 * function answers "unknown" (empty / undefined) and the demo says the CPU time
 * is this process's only.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU fields; 100 on every mainstream Linux. */
const CLK_TCK = 100;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces). */
function statFields(pid: number | 'self'): string[] | undefined {
  const text = read(`/proc/${pid}/stat`);
  if (text === undefined) return undefined;
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

export const procAvailable = statFields('self') !== undefined;

/** CPU ms of this process's children that have exited and were waited for. */
export function reapedChildrenCpuMs(): number | undefined {
  const f = statFields('self');
  // After the name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
  if (!f) return undefined;
  return ((Number(f[13]) + Number(f[14])) * 1000) / CLK_TCK;
}

/** CPU ms a live process has used so far (utime + stime), or 0 if it is gone. */
export function cpuMsOf(pid: number): number {
  const f = statFields(pid);
  return f ? ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK : 0;
}

/**
 * CPU ms of every child of this process so far: the reaped ones plus the live
 * ones. A difference of two readings is the children's CPU between them, also
 * for children that lived before, during and after (a warmed-up pool).
 */
export function childrenCpuMs(): number | undefined {
  const reaped = reapedChildrenCpuMs();
  if (reaped === undefined) return undefined;
  let live = 0;
  for (const pid of childPids()) live += cpuMsOf(pid);
  return reaped + live;
}

/**
 * ms the calling thread has spent runnable but waiting for a core (schedstat's
 * second field), or undefined without /proc. On a crowded machine this is the
 * part of a run's wall time the work wanted the CPU and did not get it.
 */
export function threadRunDelayMs(): number | undefined {
  const text = read('/proc/thread-self/schedstat');
  const waited = text === undefined ? NaN : Number(text.split(' ')[1]);
  return Number.isFinite(waited) ? waited / 1e6 : undefined;
}

/** The calling thread's context switches so far: voluntary (it slept) and involuntary (it was preempted). */
export function threadSwitches(): { voluntary: number; involuntary: number } | undefined {
  const status = read('/proc/thread-self/status');
  const v = status && /^voluntary_ctxt_switches:\s+(\d+)/m.exec(status);
  const i = status && /^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status);
  return v && i ? { voluntary: Number(v[1]), involuntary: Number(i[1]) } : undefined;
}

/** Pids whose parent is `parent` (one scan of /proc). */
export function childPids(parent = process.pid): number[] {
  if (!procAvailable) return [];
  const out: number[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const name of names) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const f = statFields(Number(name));
    if (f && Number(f[1]) === parent) out.push(Number(name));
  }
  return out;
}

/** Resident memory of a process in MB, or 0 if it is gone. */
export function rssMb(pid: number): number {
  const status = read(`/proc/${pid}/status`);
  const m = status && /^VmRSS:\s+(\d+) kB/m.exec(status);
  return m ? Number(m[1]) / 1024 : 0;
}
