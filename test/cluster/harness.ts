/**
 * Real parts for cluster tests: a redis-server (test/helpers/redis.ts) and
 * `boundwise worker` processes started from the source under tsx, with their
 * stderr JSON lines collected so tests wait for events, not for time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { dieWithParent } from '../helpers/redis.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const bin = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  lines: Array<Record<string, unknown>>;
  stderr: () => string;
  /** Resolves with the first JSON line matching. */
  event(type: string, match?: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface WorkerArgs {
  redis: string;
  queue: string;
  executor?: string;
  concurrency?: number;
  root?: string;
  extra?: string[];
  env?: Record<string, string>;
  /** Wait for the "ready" line (default true). */
  ready?: boolean;
  /** --cancel-grace: ms a cancelled task may take to obey before its thread or process is killed. Default 200. */
  cancelGrace?: number;
}

export async function startWorker(a: WorkerArgs): Promise<WorkerProcess> {
  const args = [
    '--import', 'tsx', bin, 'worker',
    '--redis', a.redis,
    '--queue', a.queue,
    '--executor', a.executor ?? 'threads',
    '--concurrency', String(a.concurrency ?? 1),
    '--root', a.root ?? repoRoot,
    '--cancel-grace', String(a.cancelGrace ?? 200),
    '--health-interval', '300',
    '--json',
    ...(a.extra ?? []),
  ];
  const [command, argv] = dieWithParent(process.execPath, args, 'SIGKILL');
  const child = spawn(command, argv, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...a.env } });
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<{ type: string; match?: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }> = [];
  let text = '';
  let buf = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    text += d;
    buf += d;
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    for (const p of parts) {
      let l: Record<string, unknown>;
      try {
        l = JSON.parse(p) as Record<string, unknown>;
      } catch {
        continue;
      }
      lines.push(l);
      for (const w of [...waiters]) {
        if (w.type === l.type && (!w.match || w.match(l))) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(l);
        }
      }
    }
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const wp: WorkerProcess = {
    child,
    pid: child.pid!,
    lines,
    stderr: () => text,
    event(type, match) {
      const found = lines.find((l) => l.type === type && (!match || match(l)));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        waiters.push({ type, ...(match && { match }), resolve });
        void exited.then(({ code, signal }) => reject(new Error(`worker exited (${code ?? signal}) before "${type}"; stderr:\n${text}`)));
      });
    },
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  if (a.ready !== false) {
    // A safety net, not a timing assertion: a worker that never gets ready fails the test with its stderr.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`worker ${child.pid} was not ready after 60 s; stderr:\n${text}`));
      }, 60_000);
    });
    try {
      await Promise.race([wp.event('ready'), late]);
    } finally {
      clearTimeout(timer);
    }
  }
  return wp;
}

/**
 * Diagnostics only, never an assertion: while a test is still running after
 * every `ms`, print what it is waiting on (the workers' last events, the
 * client's stats), so a stall on a loaded machine explains itself.
 */
export function explainStall(label: string, info: () => string, workers: WorkerProcess[], ms = 30_000): { [Symbol.dispose](): void } {
  const timer = setInterval(() => {
    const tails = workers.map((w) => `worker ${w.pid}: ${w.stderr().split('\n').filter((l) => l && !l.includes('"health"')).slice(-4).join(' | ')}`);
    process.stderr.write(`[still waiting: ${label}] ${info()}\n${tails.join('\n')}\n`);
  }, ms);
  timer.unref();
  return { [Symbol.dispose]: () => clearInterval(timer) };
}
