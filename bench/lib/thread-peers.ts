/**
 * The thread pools a user would pick instead of boundwise, each set up the same
 * way (2 threads, fixed, the same no-op task module), behind one small shape.
 */
import { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { Tinypool } from 'tinypool';
import workerpool from 'workerpool';
import { FixedThreadPool } from 'poolifier';
import { threads, tasks } from './boundwise.js';
import { boundedClose, echoClient, type Contender } from './dispatch.js';

export type { Contender };

const here = (p: string) => new URL(`../workers/${p}`, import.meta.url);
const THREADS = 2;

type NoopModule = { noop(x: unknown): unknown; fib(n: number): number };

export function boundwise(): Contender {
  const pool = threads({ min: THREADS, max: THREADS });
  const t = tasks<NoopModule>(here('noop-task.mjs'));
  return { name: 'boundwise', run: (x) => pool.run(t.noop, x), close: () => pool.close() };
}

export function piscina(): Contender {
  const pool = new Piscina({ filename: here('noop-task.mjs').href, minThreads: THREADS, maxThreads: THREADS });
  return { name: 'piscina', run: (x) => pool.run(x), close: () => pool.destroy() };
}

export function tinypool(): Contender {
  const pool = new Tinypool({ filename: here('noop-task.mjs').href, minThreads: THREADS, maxThreads: THREADS });
  return { name: 'tinypool', run: (x) => pool.run(x), close: () => pool.destroy() };
}

export function workerpoolPeer(): Contender {
  const pool = workerpool.pool(here('workerpool-worker.mjs').pathname, { minWorkers: THREADS, maxWorkers: THREADS, workerType: 'thread' });
  return {
    name: 'workerpool',
    run: (x) => pool.exec('noop', [x]) as unknown as Promise<unknown>,
    close: async () => {
      await pool.terminate();
    },
  };
}

export function poolifier(): Contender {
  const pool = new FixedThreadPool(THREADS, here('poolifier-worker.mjs').pathname, { enableTasksQueue: true });
  const force = () => Promise.all(pool.workerNodes.map((node) => node.worker.terminate()));
  return { name: 'poolifier', run: (x) => pool.execute(x), close: () => boundedClose('poolifier', () => pool.destroy(), force) };
}

/** The floor: two bare workers, round-robin, one message per task, a map of resolvers. */
export function rawWorker(): Contender {
  const workers = Array.from({ length: THREADS }, () => new Worker(here('raw-worker.mjs')));
  return echoClient(
    'raw Worker',
    workers,
    (w, m) => w.postMessage(m),
    (w, on) => w.on('message', on),
    async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  );
}

export const allPeers = [boundwise, piscina, tinypool, workerpoolPeer, poolifier, rawWorker];
