/**
 * cluster() against raw BullMQ (Queue + Worker + QueueEvents) on the same
 * redis-server, in one run; workers are separate processes either way:
 *   (a) no-op round trip: one job at a time, submit → result (median ms per job)
 *   (b) 10,000 no-op jobs, 1,000 in flight → jobs/s (target: boundwise overhead ≤ 1.15× raw)
 * Each twice: cluster({ priorities: false }) against raw BullMQ's plain wait list,
 * and cluster() (every job prioritized, so `priority` is honoured) against raw
 * BullMQ adding every job with a priority.
 *   (c) CPU-bound jobs (fib) on 1 vs 2 `boundwise worker` processes → speed-up
 * Skips, saying so, when redis-server is not installed.
 *
 *   npm run bench -- cluster          RUNS=5 npx tsx bench/cluster.ts (after npm run build)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents } from 'bullmq';
import { cluster } from '../dist/cluster/index.js';
import { tasks } from './lib/boundwise.js';
import { redisAvailable, startRedis } from '../test/helpers/redis.js';
import { compare } from './lib/measure.js';
import { printTable, printTarget } from './lib/report.js';

const quick = process.argv.includes('--quick');
const RUNS = Number(process.env.RUNS ?? (quick ? 1 : 3));
const JOBS = quick ? 2_000 : 10_000;
const IN_FLIGHT = 1_000;
const ROUND_TRIPS = quick ? 100 : 300;
const CPU_JOBS = quick ? 12 : 32;
const FIB = 27;

if (!redisAvailable) {
  console.log('cluster bench skipped: redis-server is not installed (apt-get install -y redis-server)');
  process.exit(0);
}

const workersDir = fileURLToPath(new URL('./workers/', import.meta.url));
const bin = fileURLToPath(new URL('../bin/boundwise.js', import.meta.url));
const t = tasks<{ noop(): void; fib(n: number): number }>(new URL('./workers/cluster-tasks.mjs', import.meta.url));

async function spawnReady(args: string[], readyOn: 'stdout' | 'stderr'): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stream = readyOn === 'stdout' ? child.stdout! : child.stderr!;
  let text = '';
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (d: Buffer) => {
      text += d;
      if (/ready/.test(text)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before ready: ${text}`)));
  });
  return child;
}

const boundwiseWorker = (url: string, queue: string, executor: string, concurrency: number) =>
  spawnReady([bin, 'worker', '--redis', url, '--queue', queue, '--executor', executor, '--concurrency', String(concurrency), '--root', workersDir, '--json'], 'stderr');
const rawWorker = (port: number, queue: string, concurrency: number) =>
  spawnReady([fileURLToPath(new URL('./workers/bullmq-raw-worker.mjs', import.meta.url)), String(port), queue, String(concurrency)], 'stdout');

async function stop(children: ChildProcess[]): Promise<void> {
  await Promise.all(children.map(async (c) => {
    if (c.exitCode !== null) return;
    const exited = once(c, 'exit');
    c.kill('SIGTERM');
    await exited;
  }));
}

/** Raw BullMQ with the same semantics as cluster().map(): each job's result awaited, a bounded number in flight. */
function rawClient(port: number, queue: string, prioritized: boolean) {
  const connection = { host: '127.0.0.1', port };
  const q = new Queue(queue, { connection });
  const events = new QueueEvents(queue, { connection });
  const waiting = new Map<string, () => void>();
  events.on('completed', ({ jobId }) => {
    waiting.get(jobId)?.();
    waiting.delete(jobId);
  });
  let seq = 0;
  const one = async () => {
    const id = `raw-${++seq}`;
    const done = new Promise<void>((resolve) => waiting.set(id, resolve));
    await q.add('noop', {}, { jobId: id, removeOnComplete: { age: 3600, count: 100_000 }, ...(prioritized && { priority: 1_000_001 }) });
    await done;
  };
  return {
    ready: () => Promise.all([q.waitUntilReady(), events.waitUntilReady()]),
    one,
    async many(n: number, inFlight: number) {
      let next = 0;
      await Promise.all(Array.from({ length: inFlight }, async () => {
        while (next++ < n) await one();
      }));
    },
    close: async () => {
      await events.close();
      await q.close();
    },
  };
}

const redis = await startRedis();
const children: ChildProcess[] = [];
try {
  console.log(`cluster() vs raw BullMQ on one redis-server; medians of ${RUNS} rounds; load average at start ${loadavg()[0]!.toFixed(2)} (shared machine)`);
  children.push(
    await boundwiseWorker(redis.url, 'bw', 'loop', 64),
    await boundwiseWorker(redis.url, 'bwp', 'loop', 64),
    await rawWorker(redis.port, 'raw', 64),
    await rawWorker(redis.port, 'rawp', 64),
  );
  const fifo = cluster({ connection: redis.url, queue: 'bw', root: workersDir, priorities: false });
  const c = cluster({ connection: redis.url, queue: 'bwp', root: workersDir });
  const raw = rawClient(redis.port, 'raw', false);
  const rawp = rawClient(redis.port, 'rawp', true);
  await Promise.all([raw.ready(), rawp.ready(), c.run(t.noop), fifo.run(t.noop)]);

  const trips = await compare(
    {
      'cluster({ priorities: false })': async () => {
        for (let i = 0; i < ROUND_TRIPS; i++) await fifo.run(t.noop);
      },
      'raw BullMQ': async () => {
        for (let i = 0; i < ROUND_TRIPS; i++) await raw.one();
      },
      'cluster()': async () => {
        for (let i = 0; i < ROUND_TRIPS; i++) await c.run(t.noop);
      },
      'raw BullMQ, prioritized': async () => {
        for (let i = 0; i < ROUND_TRIPS; i++) await rawp.one();
      },
    },
    RUNS,
  );
  const perJob = (name: string) => trips[name]!.ms / ROUND_TRIPS;
  printTable(`(a) no-op round trip, one job at a time (${ROUND_TRIPS} jobs)`, Object.keys(trips).map((name) => ({ name, value: perJob(name), unit: 'ms/job' })), 'raw BullMQ', false);
  const tripOverhead = perJob('cluster({ priorities: false })') / perJob('raw BullMQ');
  const tripOverheadP = perJob('cluster()') / perJob('raw BullMQ, prioritized');
  console.log(`  overhead: ${tripOverhead.toFixed(2)}× raw BullMQ (FIFO); ${tripOverheadP.toFixed(2)}× raw BullMQ (prioritized)`);
  printTarget('round-trip overhead ≤ 1.15× raw BullMQ (FIFO)', tripOverhead, 1.15, false);

  const inputs = () => Array.from({ length: JOBS }, () => undefined);
  const through = await compare(
    {
      'cluster({ priorities: false })': async () => {
        for await (const _ of fifo.map(t.noop, inputs(), { concurrency: IN_FLIGHT, ordered: false })) void _;
      },
      'raw BullMQ': () => raw.many(JOBS, IN_FLIGHT),
      'cluster()': async () => {
        for await (const _ of c.map(t.noop, inputs(), { concurrency: IN_FLIGHT, ordered: false })) void _;
      },
      'raw BullMQ, prioritized': () => rawp.many(JOBS, IN_FLIGHT),
    },
    RUNS,
  );
  const rate = (name: string) => (JOBS / through[name]!.ms) * 1000;
  printTable(`(b) ${JOBS.toLocaleString('en')} no-op jobs, ${IN_FLIGHT} in flight`, Object.keys(through).map((name) => ({ name, value: rate(name), unit: 'jobs/s' })), 'raw BullMQ', true);
  const overhead = through['cluster({ priorities: false })']!.ms / through['raw BullMQ']!.ms;
  const overheadP = through['cluster()']!.ms / through['raw BullMQ, prioritized']!.ms;
  console.log(`  overhead (time for the same jobs): ${overhead.toFixed(2)}× raw BullMQ (FIFO); ${overheadP.toFixed(2)}× raw BullMQ (prioritized)`);
  printTarget('throughput overhead ≤ 1.15× raw BullMQ (FIFO)', overhead, 1.15, false);
  await Promise.all([c.close(), fifo.close(), raw.close(), rawp.close()]);
  await stop(children.splice(0));

  // (c) CPU-bound scaling: the same jobs on one worker process, then on two.
  const cpu: Record<string, number> = {};
  for (const n of [1, 2]) {
    const queue = `cpu-${n}`;
    for (let i = 0; i < n; i++) children.push(await boundwiseWorker(redis.url, queue, 'loop', 1));
    await using cc = cluster({ connection: redis.url, queue, root: workersDir });
    await cc.run(t.fib, 10);
    const r = await compare({ run: async () => {
      for await (const _ of cc.map(t.fib, Array.from({ length: CPU_JOBS }, () => FIB), { concurrency: 2 * n })) void _;
    } }, RUNS, 0);
    cpu[n] = (CPU_JOBS / r.run!.ms) * 1000;
    await stop(children.splice(0));
  }
  printTable(`(c) ${CPU_JOBS} fib(${FIB}) jobs, executor loop, concurrency 1 per worker`, [
    { name: '1 worker process', value: cpu[1]!, unit: 'jobs/s' },
    { name: '2 worker processes', value: cpu[2]!, unit: 'jobs/s' },
  ], '1 worker process', true);
  console.log(`  load average now ${loadavg()[0]!.toFixed(2)}: two processes can only scale as far as two free cores allow`);
} finally {
  await stop(children);
  await redis.close();
}
