/**
 * Parsers for the /proc files the sampler reads, plus a reader that turns
 * "the process is gone" (ENOENT/ESRCH) and "not allowed" (EACCES/EPERM) into
 * `undefined` instead of exceptions: processes and threads come and go between
 * two reads, and that is normal, not an error.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * USER_HZ: the unit of utime/stime in /proc/<pid>/stat. It is part of the
 * kernel's user-space ABI and is 100 on every Linux architecture Node runs on;
 * Node cannot call sysconf(_SC_CLK_TCK), so it is a constant here.
 */
export const TICKS_PER_SECOND = 100;
export const MS_PER_TICK = 1000 / TICKS_PER_SECOND;

export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
  numThreads: number;
  /** Start time in ticks since boot: with the pid, identifies a process across pid reuse. */
  startTime: number;
}

/** Parses /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat. */
export function parseStat(text: string): ProcStat | undefined {
  // The command name is in parentheses and may itself contain spaces and ')'.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const rest = text.slice(close + 2).trim().split(/\s+/);
  // rest[0] is field 3 (state) of proc(5); field n is rest[n - 3].
  const field = (n: number) => Number(rest[n - 3]);
  const stat: ProcStat = {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
    numThreads: field(20),
    startTime: field(22),
  };
  return Number.isFinite(stat.startTime) && Number.isFinite(stat.utime) ? stat : undefined;
}

export interface SchedStat {
  /** Time spent on a CPU, ns. */
  runNs: number;
  /** Time spent runnable on a run queue, waiting for a CPU, ns. */
  waitNs: number;
}

export function parseSchedstat(text: string): SchedStat | undefined {
  const [run, wait] = text.trim().split(/\s+/).map(Number);
  if (run === undefined || wait === undefined || !Number.isFinite(run) || !Number.isFinite(wait)) return undefined;
  return { runNs: run, waitNs: wait };
}

export interface ProcStatus {
  voluntary: number;
  involuntary: number;
  /** Peak and current resident set, bytes (0 for kernel threads and zombies). */
  hwmBytes: number;
  rssBytes: number;
}

export function parseStatus(text: string): ProcStatus {
  const value = (key: string): number => {
    const match = new RegExp(`^${key}:\\s*(\\d+)`, 'm').exec(text);
    return match ? Number(match[1]) : 0;
  };
  return {
    voluntary: value('voluntary_ctxt_switches'),
    involuntary: value('nonvoluntary_ctxt_switches'),
    hwmBytes: value('VmHWM') * 1024,
    rssBytes: value('VmRSS') * 1024,
  };
}

export interface ProcIo {
  rchar: number;
  wchar: number;
  readBytes: number;
  writeBytes: number;
}

export function parseIo(text: string): ProcIo | undefined {
  const value = (key: string): number | undefined => {
    const match = new RegExp(`^${key}:\\s*(\\d+)`, 'm').exec(text);
    return match ? Number(match[1]) : undefined;
  };
  const rchar = value('rchar');
  const wchar = value('wchar');
  if (rchar === undefined || wchar === undefined) return undefined;
  return { rchar, wchar, readBytes: value('read_bytes') ?? 0, writeBytes: value('write_bytes') ?? 0 };
}

/**
 * Where a sleeping thread waits, from /proc/<pid>/task/<tid>/wchan (the kernel function it
 * sleeps in): 'event-loop' for epoll, poll and select — a thread that waits for many things at
 * once (asyncio, Node's event loop, an async server) — 'blocking' for any other wait (a
 * sleep, a futex, a read on one file or socket), undefined when the kernel does not say
 * (running, "0", or unreadable). Symbol names vary between kernel versions, so by pattern.
 */
export type WaitKind = 'event-loop' | 'blocking';

export function parseWchan(text: string | undefined): WaitKind | undefined {
  const name = text?.trim();
  if (!name || name === '0') return undefined;
  return /epoll|poll|select/i.test(name) ? 'event-loop' : 'blocking';
}

/** Parses a `children` file: space-separated pids. */
export function parsePids(text: string): number[] {
  return text
    .split(/\s+/)
    .filter((s) => /^\d+$/.test(s))
    .map(Number);
}

const GONE = new Set(['ENOENT', 'ESRCH', 'EACCES', 'EPERM', 'EINVAL', 'ENOTDIR']);

function isGone(error: unknown): boolean {
  return GONE.has((error as NodeJS.ErrnoException | undefined)?.code ?? '');
}

/** Reads files under one /proc root (injectable so tests can point it elsewhere). */
export class ProcReader {
  constructor(readonly root = '/proc') {}

  read(...parts: Array<string | number>): string | undefined {
    try {
      return readFileSync(join(this.root, ...parts.map(String)), 'utf8');
    } catch (error) {
      if (isGone(error)) return undefined;
      throw error;
    }
  }

  list(...parts: Array<string | number>): string[] | undefined {
    try {
      return readdirSync(join(this.root, ...parts.map(String)));
    } catch (error) {
      if (isGone(error)) return undefined;
      throw error;
    }
  }

  link(...parts: Array<string | number>): string | undefined {
    try {
      return readlinkSync(join(this.root, ...parts.map(String)));
    } catch (error) {
      if (isGone(error)) return undefined;
      throw error;
    }
  }

  /** True when this root looks like a Linux procfs. */
  available(): boolean {
    return this.read('self', 'stat') !== undefined && this.read('stat') !== undefined;
  }
}
