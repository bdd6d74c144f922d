/** Worker identity in the task context, stats().workerIds, processes({ argv }), fractional max. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { threadId } from 'node:worker_threads';
import { threads } from '../../src/threads/index.js';
import { processes } from '../../src/processes/index.js';
import { loop } from '../../src/loop/index.js';
import { tasks } from '../../src/task.js';
import { OptionRangeError } from '../../src/errors.js';

const t = tasks<typeof import('../fixtures/tasks.js')>(new URL('../fixtures/tasks.ts', import.meta.url));

test('threads: context.workerId and threadId name the worker; stats().workerIds lists the live ones', async () => {
  await using pool = threads({ max: 1 });
  const me = await pool.run(t.whoAmI, undefined);
  assert.equal(me.workerId, 1);
  assert.notEqual(me.threadId, threadId, 'a worker thread, not the main one');
  assert.equal(me.pid, process.pid);
  assert.deepEqual(pool.stats().workerIds, [1]);
  pool.recycleWorkers();
  const next = await pool.run(t.whoAmI, undefined);
  assert.equal(next.workerId, 2, 'a recycled worker is replaced by a new number');
  assert.deepEqual(pool.stats().workerIds, [2]);
});

test('processes: context.pid is the child, workerId its number; argv reaches process.argv', async () => {
  await using pool = processes({ max: 1, argv: ['--mode', 'fast'], killTimeout: 500 });
  const me = await pool.run(t.whoAmI, undefined);
  assert.equal(me.workerId, 1);
  assert.notEqual(me.pid, process.pid);
  assert.equal(me.threadId, 0);
  assert.deepEqual(me.argv, ['--mode', 'fast']);
  assert.deepEqual(pool.stats().workerIds, [1]);
  assert.throws(() => processes({ argv: '--mode' as unknown as string[] }), /argv/);
});

test('loop: the context says workerId 0 and the main thread', async () => {
  await using io = loop();
  const me = await io.run(t.whoAmI, undefined);
  assert.equal(me.workerId, 0);
  assert.equal(me.threadId, threadId);
  assert.equal(me.pid, process.pid);
});

test('fractional max is a share of the cores, rounded down, at least 1', async () => {
  const cores = availableParallelism();
  const half = threads({ max: 0.5 });
  const tiny = threads({ max: 0.01 });
  assert.equal(half.concurrencyLimit(), Math.max(1, Math.floor(cores / 2)));
  assert.equal(tiny.concurrencyLimit(), 1);
  await half.close();
  await tiny.close();
  assert.throws(() => threads({ max: 1.5 }), OptionRangeError, 'above 1 it is a count, so it must be whole');
});
