/**
 * What a user sees when things break, with real parts: a real redis-server,
 * real `boundwise worker` processes killed, stopped and restarted.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tasks } from '../../src/task.js';
import { cluster } from '../../src/cluster/index.js';
import { ClusterUnavailableError, WorkerCrashedError } from '../../src/errors.js';
import type { RemoteOrigin } from '../../src/cluster/wire.js';
import { Gate } from '../helpers/gate.js';
import { rejection } from '../helpers/rejection.js';
import { redisSkip, startRedis, type TestRedis } from '../helpers/redis.js';
import { explainStall, repoRoot, startWorker, type WorkerProcess } from './harness.js';

const t = tasks<typeof import('./fixtures/tasks.js')>(new URL('./fixtures/tasks.ts', import.meta.url));
const root = repoRoot;
type Executor = ReturnType<typeof cluster>;
const pendingOf = (c: Executor) => {
  const s = c.stats();
  return `submitted ${s.submitted} completed ${s.completed} failed ${s.failed} queued ${s.queued} running ${s.running} connected ${s.connected}`;
};

describe('cluster faults', { skip: redisSkip }, () => {
  let redis: TestRedis;
  let gate: Gate;
  const started: WorkerProcess[] = [];
  let seq = 0;
  const queue = () => `faults-${++seq}`;
  const worker = async (a: Parameters<typeof startWorker>[0]) => {
    const w = await startWorker(a);
    started.push(w);
    return w;
  };

  before(async () => {
    redis = await startRedis({ persist: true });
    gate = await Gate.start();
  });
  after(async () => {
    await Promise.all(started.map((w) => w.stop('SIGKILL')));
    await gate.close();
    await redis.close();
  });

  test('a worker SIGKILLed mid-job: the job runs again on the other worker; none lost', async () => {
    const q = queue();
    const opts = { redis: redis.url, queue: q, extra: ['--lock-duration', '1500'] };
    const [w1, w2] = await Promise.all([worker(opts), worker(opts)]);
    await using c = cluster({ connection: redis.url, queue: q, root });
    using _stall = explainStall('cluster call', () => pendingOf(c), started);
    const n = `killed-${q}`;
    const held = c.run(t.heldAt, { gate: gate.url, name: n });
    const victim = await Promise.race([
      gate.arrived(`${n}@${w1.pid}`).then(() => w1),
      gate.arrived(`${n}@${w2.pid}`).then(() => w2),
    ]);
    const survivor = victim === w1 ? w2 : w1;
    const others = [1, 2, 3, 4, 5].map((i) => c.run(t.triple, i));
    assert.equal((await victim.stop('SIGKILL')).signal, 'SIGKILL');
    gate.open(n);
    assert.equal(await held, survivor.pid, 'the job completed on the surviving worker');
    assert.deepEqual(await Promise.all(others), [3, 6, 9, 12, 15]);
    assert.equal(gate.count(`${n}@${victim.pid}`), 1);
    assert.equal(gate.count(`${n}@${survivor.pid}`), 1, 'at-least-once: it ran a second time, once, elsewhere');
    assert.equal(c.stats().completed, 6);
    await survivor.stop();
  });

  test('Redis restarted mid-run with persistence on: every call settles, none lost', async () => {
    const q = queue();
    const w = await worker({ redis: redis.url, queue: q, concurrency: 4 });
    await using c = cluster({ connection: redis.url, queue: q, root });
    using _stall = explainStall('cluster call', () => pendingOf(c), started);
    const inputs = Array.from({ length: 200 }, (_, i) => i);
    const out: number[] = [];
    let restarted = false;
    for await (const v of c.map(t.triple, inputs, { concurrency: 32 })) {
      out.push(v);
      if (out.length === 40 && !restarted) {
        restarted = true;
        await redis.stopServer();
        await redis.start();
      }
    }
    assert.ok(restarted);
    assert.deepEqual(out, inputs.map((i) => i * 3));
    const s = c.stats();
    assert.equal(s.completed, 200);
    assert.equal(s.failed, 0);
    await w.stop();
  });

  test('a task that crashes its process every time fails after `attempts` with WorkerCrashedError', async () => {
    const q = queue();
    const w = await worker({ redis: redis.url, queue: q, executor: 'processes' });
    await using c = cluster({ connection: redis.url, queue: q, root, attempts: 2 });
    using _stall = explainStall('cluster call', () => pendingOf(c), started);
    const n = `crash-${q}`;
    const e = await rejection(c.run(t.crashes, { gate: gate.url, name: n }));
    assert.ok(e instanceof WorkerCrashedError, `got ${e.name}: ${e.message}`);
    assert.equal(e.code, 'ERR_BOUNDWISE_WORKER_CRASHED');
    assert.equal(e.exitCode, 3);
    const remote = (e as unknown as { remote: RemoteOrigin }).remote;
    assert.equal(remote.attempts, 2);
    assert.equal(remote.pid, w.pid);
    assert.equal(gate.count(n), 2, 'it ran exactly `attempts` times');
    assert.equal(c.stats().crashed, 1);
    assert.equal(await c.run(t.triple, 2), 6, 'the worker goes on');
    await w.stop();
  });

  test('SIGTERM to a worker with active jobs: it takes no more, they finish, it exits 0; none lost', async () => {
    const q = queue();
    const w1 = await worker({ redis: redis.url, queue: q, concurrency: 2 });
    await using c = cluster({ connection: redis.url, queue: q, root });
    using _stall = explainStall('cluster call', () => pendingOf(c), started);
    const a = `term-a-${q}`;
    const b = `term-b-${q}`;
    const ja = c.run(t.heldAt, { gate: gate.url, name: a });
    const jb = c.run(t.heldAt, { gate: gate.url, name: b });
    await Promise.all([gate.arrived(`${a}@${w1.pid}`), gate.arrived(`${b}@${w1.pid}`)]);
    w1.child.kill('SIGTERM');
    await w1.event('stopping');
    const later = c.run(t.pid, undefined);
    gate.open(a);
    gate.open(b);
    assert.deepEqual(await Promise.all([ja, jb]), [w1.pid, w1.pid]);
    assert.equal((await w1.exited).code, 0);
    const w2 = await worker({ redis: redis.url, queue: q });
    assert.equal(await later, w2.pid, 'the job sent after SIGTERM waited for another worker');
    await w2.stop();
  });

  test('SIGTERM past --grace: active jobs are handed back and finish on another worker', async () => {
    const q = queue();
    const w1 = await worker({ redis: redis.url, queue: q, extra: ['--grace', '200'] });
    await using c = cluster({ connection: redis.url, queue: q, root });
    using _stall = explainStall('cluster call', () => pendingOf(c), started);
    const n = `handback-${q}`;
    const job = c.run(t.heldAt, { gate: gate.url, name: n });
    await gate.arrived(`${n}@${w1.pid}`);
    w1.child.kill('SIGTERM');
    await w1.event('handed-back');
    assert.equal((await w1.exited).code, 0);
    const w2 = await worker({ redis: redis.url, queue: q });
    gate.open(n);
    assert.equal(await job, w2.pid);
    await w2.stop();
  });

  test('Redis unreachable: ClusterUnavailableError with the URL (password hidden) within connectTimeout', async () => {
    const dead = await startRedis();
    const url = `redis://:hunter2@127.0.0.1:${dead.port}`;
    await dead.close();
    const c = cluster({ connection: url, queue: 'nowhere', root, connectTimeout: 300 });
    using _stall = explainStall('cluster call', () => pendingOf(c), started);
    const e = await rejection(c.run(t.pid, undefined));
    assert.ok(e instanceof ClusterUnavailableError, `${e.name}: ${e.message}`);
    assert.equal(e.code, 'ERR_BOUNDWISE_CLUSTER_UNAVAILABLE');
    assert.equal(e.url, `redis://:***@127.0.0.1:${dead.port}`);
    assert.ok(!e.message.includes('hunter2'));
    assert.ok(e.cause instanceof Error, 'the connection error is the cause');
    assert.ok(!JSON.stringify(c.stats()).includes('hunter2'));
    await c.close();
  });

  // A safety net, not a timing assertion: were it ever to hang again, the test fails with the stage it was in.
  test('Redis away longer than unavailableTimeout: pending calls fail with ClusterUnavailableError', { timeout: 180_000 }, async () => {
    let stage = 'starting redis';
    const own = await startRedis();
    const q = queue();
    stage = 'starting the worker';
    const w = await worker({ redis: own.url, queue: q });
    const c = cluster({ connection: own.url, queue: q, root, unavailableTimeout: 500 });
    using _stall = explainStall('Redis away', () => `stage: ${stage}; ${pendingOf(c)}`, started, 10_000);
    const n = `away-${q}`;
    stage = 'waiting for the job to start';
    const job = c.run(t.heldAt, { gate: gate.url, name: n });
    await gate.arrived(`${n}@${w.pid}`);
    stage = 'stopping redis';
    await own.stopServer();
    stage = 'waiting for the call to fail';
    const e = await rejection(job);
    assert.ok(e instanceof ClusterUnavailableError, `${e.name}: ${e.message}`);
    assert.match(e.message, /did not answer for 500 ms/);
    gate.open(n);
    stage = 'starting redis again';
    await own.start();
    stage = 'closing the executor';
    await c.close();
    stage = 'killing the worker';
    await w.stop('SIGKILL'); // this Redis kept nothing: the worker's job lock is gone
    stage = 'stopping redis';
    await own.close();
    stage = 'done';
  });
});
