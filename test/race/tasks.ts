/**
 * Tasks for the race test (test/race): short, and each with one known set of outcomes, so the
 * scenario can tell a right answer from a wrong one whatever the interleaving.
 */
import { isMainThread } from 'node:worker_threads';
import type { TaskContext } from '../../src/task.js';

export class RaceError extends Error {
  readonly code = 'E_RACE';
  constructor(message: string) {
    super(message);
    this.name = 'RaceError';
  }
}

export function echo<T>(value: T): T {
  return value;
}

/** Sleeps `ms`, and stops at once when its signal aborts (rejecting with the reason). */
export async function sleep(ms: number, { signal }: TaskContext): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return ms;
}

/** Sleeps `ms` and ignores its signal: a pool stops it only by stopping its worker (cancelGrace). */
export async function stubborn(ms: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return ms;
}

/** CPU for `ms` of wall time, deaf to its signal (the event loop is held). */
export function spin(ms: number): number {
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) n++;
  return n >= 0 ? ms : -1;
}

export function fails(message: string): never {
  throw new RaceError(message);
}

/**
 * Ends its worker (thread or child process). In the scenario's own process (loop(), or a task
 * auto() runs inline) it throws instead: ending the test's process is not the point.
 */
export function crash({ hostPid }: { hostPid: number }): never {
  if (isMainThread && process.pid === hostPid) throw new RaceError('crash refused in the host process');
  process.exit(3);
}

/** One input of a map(): does what `op` says, and returns its index. */
export interface Step {
  i: number;
  op: 'echo' | 'sleep' | 'spin' | 'fail' | 'crash';
  ms: number;
  hostPid: number;
}

export async function step(s: Step, context: TaskContext): Promise<number> {
  if (s.op === 'sleep') await sleep(s.ms, context);
  else if (s.op === 'spin') spin(s.ms);
  else if (s.op === 'fail') fails(`step ${s.i} fails`);
  else if (s.op === 'crash') crash(s);
  return s.i;
}
