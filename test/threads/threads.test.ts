/**
 * What only threads() does, beyond the shared contract: crashes of each kind,
 * a task module that cannot load, workers that cannot start, TypeScript tasks,
 * transfer lists and SharedArrayBuffers, recycling and idle shrinking.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { threads } from '../../src/threads/index.js';
import { tasks } from '../../src/task.js';
import { ExecutorBrokenError, WorkerCrashedError } from '../../src/errors.js';
import { rejection } from '../helpers/rejection.js';
import { readdirSync, readlinkSync } from 'node:fs';

const c = tasks<typeof import('../fixtures/threads/crashy.js')>(new URL('../fixtures/threads/crashy.ts', import.meta.url));
const o = tasks<typeof import('../fixtures/threads/other.js')>(new URL('../fixtures/threads/other.ts', import.meta.url));
const b = tasks<typeof import('../fixtures/threads/broken-module.js')>(new URL('../fixtures/threads/broken-module.ts', import.meta.url));
const f = tasks<typeof import('../fixtures/tasks.js')>(new URL('../fixtures/tasks.ts', import.meta.url));


/** Wait for a condition that events will make true; the bound is a safety net. */
async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(check(), what);
}

describe('threads(): crashes fail one task, not the pool', () => {
  test('process.exit() inside a task', async () => {
    await using pool = threads({ max: 2 });
    const others = [1, 2, 3, 4, 5, 6].map((n) => pool.run(f.double, n));
    const e = await rejection(pool.run(c.exitNow, 3));
    assert.ok(e instanceof WorkerCrashedError);
    assert.equal(e.code, 'ERR_BOUNDWISE_WORKER_CRASHED');
    assert.equal(e.exitCode, 3);
    assert.equal(e.reason, 'exit');
    assert.match(e.message, /thread \d+ exited with code 3 while running crashy\.ts#exitNow/);
    assert.deepEqual(await Promise.all(others), [2, 4, 6, 8, 10, 12]);
    assert.equal(await pool.run(f.add, { a: 1, b: 1 }), 2, 'the pool refilled');
    assert.equal(pool.stats().crashed, 1);
  });

  test('an exception thrown from a timer in the worker', async () => {
    await using pool = threads({ max: 1 });
    const queued = pool.run(f.double, 5);
    const e = await rejection(pool.run(c.throwFromTimer, undefined));
    assert.ok(e instanceof WorkerCrashedError);
    assert.equal(e.reason, 'uncaught');
    assert.ok(e.cause instanceof Error);
    assert.equal((e.cause as Error).message, 'boom from a timer');
    assert.match(e.message, /boom from a timer/);
    assert.equal(await queued, 10);
  });

  test('running out of heap under resourceLimits', async () => {
    await using pool = threads({ max: 1, resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 } });
    const e = await rejection(pool.run(c.allocateForever, undefined));
    assert.ok(e instanceof WorkerCrashedError);
    assert.equal(e.reason, 'out-of-memory');
    assert.match(e.message, /ran out of memory/);
    assert.equal(await pool.run(f.double, 21), 42);
  });
});

describe('threads(): broken setups fail loudly, never loop', () => {
  test('a task module that throws at import: ExecutorBrokenError; other modules still run', async () => {
    await using pool = threads({ max: 1 });
    const e = await rejection(pool.run(b.never, undefined));
    assert.ok(e instanceof ExecutorBrokenError);
    assert.equal(e.code, 'ERR_BOUNDWISE_EXECUTOR_BROKEN');
    assert.match(e.message, /broken-module\.ts failed to load/);
    assert.match(String((e.cause as Error).message), /broken at import/);
    assert.equal(await pool.run(o.greet, 'ada'), 'hello ada');
  });

  test('workers that cannot start: ExecutorBrokenError after a bounded number of attempts', async () => {
    // Every worker runs this preload first, and it throws: no worker ever becomes ready.
    const pool = threads({ max: 2, execArgv: ['--import', 'data:text/javascript,throw new Error("this worker cannot start")'] });
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => pool.run(f.double, n)));
    for (const r of results) {
      assert.equal(r.status, 'rejected');
      assert.ok((r as PromiseRejectedResult).reason instanceof ExecutorBrokenError);
    }
    const first = (results[0] as PromiseRejectedResult).reason;
    assert.match(String(first.message), /workers cannot start \(3 attempts\): .*this worker cannot start/);
    const later = await rejection(pool.run(f.double, 5));
    assert.ok(later instanceof ExecutorBrokenError, 'a broken pool stays broken instead of respawning');
    await pool.close();
    assert.equal(pool.stats().workers, 0);
  });

  test('invalid execArgv for a worker: ExecutorBrokenError at once', async () => {
    const pool = threads({ max: 1, execArgv: ['--max-old-space-size=64'] });
    const e = await rejection(pool.run(f.double, 1));
    assert.ok(e instanceof ExecutorBrokenError);
    await pool.close();
  });
});

describe('threads(): modules, types and memory', () => {
  test('TypeScript task files run in threads when the parent runs under tsx', async () => {
    assert.ok(process.execArgv.join(' ').includes('tsx'), 'this suite runs under tsx');
    await using pool = threads({ max: 1 });
    assert.equal(await pool.run(c.shade, 0.9), 'dark');
  });

  test('several modules in one pool, and workerData', async () => {
    await using pool = threads({ max: 1, workerData: { region: 'eu' } });
    assert.equal(await pool.run(o.greet, 'bob'), 'hello bob');
    assert.equal(await pool.run(f.add, { a: 2, b: 2 }), 4);
    assert.deepEqual((await pool.run(c.whoAmI, undefined)).workerData, { region: 'eu' });
  });

  test('transfer lists move buffers instead of copying; transfer() moves results back', async () => {
    await using pool = threads({ max: 1 });
    const buffer = new ArrayBuffer(1024);
    const back = await pool.run(c.fill, buffer, { transfer: [buffer] });
    assert.equal(buffer.byteLength, 0, 'the input buffer was moved to the worker');
    assert.equal(back.byteLength, 1024);
    assert.equal(new Uint8Array(back)[1023], 7);
  });

  test('SharedArrayBuffer is shared, not copied', async () => {
    await using pool = threads({ max: 2 });
    const shared = new Int32Array(new SharedArrayBuffer(4));
    await Promise.all(Array.from({ length: 20 }, () => pool.run(c.bump, shared)));
    assert.equal(Atomics.load(shared, 0), 20);
  });

  test('maxTasksPerWorker replaces a thread after that many tasks', async () => {
    await using pool = threads({ max: 1, maxTasksPerWorker: 2 });
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) ids.push((await pool.run(c.whoAmI, undefined)).threadId);
    assert.equal(ids[0], ids[1]);
    assert.equal(ids[2], ids[3]);
    assert.notEqual(ids[1], ids[2]);
  });

  test('idle threads above min exit after idleTimeout', async () => {
    await using pool = threads({ min: 1, max: 2, idleTimeout: 50 });
    await Promise.all([1, 2, 3, 4].map((n) => pool.run(f.double, n)));
    await eventually(() => pool.stats().workers === 1, 'shrinks back to min');
    assert.equal(pool.stats().workers, 1);
  });

  test('a closure is refused with a message that says where closures run', async () => {
    await using pool = threads({ max: 1 });
    const e = await rejection(pool.run(((n: number) => n) as never, 1));
    assert.equal(e.code, 'ERR_BOUNDWISE_INVALID_OPTION');
    assert.match(e.message, /loop\(\)/);
  });
});

describe('threads(): poll() reads answers without yielding to the event loop', () => {
  test('an answer that has arrived is handled inside a synchronous loop', async () => {
    await using pool = threads({ max: 1 });
    await pool.run(f.echo, 'warm'); // the thread is up
    const result = pool.run(f.add, { a: 2, b: 3 });
    // Synchronous from here: without poll() the answer would wait for the event loop.
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (let i = 0; i < 10_000 && pool.stats().completed < 2; i++) {
      pool.poll();
      Atomics.wait(pause, 0, 0, 1);
    }
    assert.equal(pool.stats().completed, 2, 'handled before the loop yielded');
    assert.equal(await result, 5);
  });
});

describe('threads(): the CPU clock file each thread keeps open', () => {
  const openFiles = () =>
    readdirSync('/proc/self/fd')
      .map((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`);
        } catch {
          return 'gone';
        }
      })
      .filter((target) => target.includes('/schedstat'));
  test('is closed once the thread is gone: after crashes, recycling and close()', { skip: process.platform !== 'linux' && 'Linux only (/proc)' }, async () => {
    // A first pool starts what any pool needs once per process (libuv's own descriptors).
    const warm = threads({ min: 1, max: 1 });
    await warm.run(f.echo, 'warm');
    await warm.close();
    const before = openFiles();
    const pool = threads({ min: 2, max: 2 });
    for (let i = 0; i < 8; i++) assert.equal(await pool.run(f.add, { a: i, b: 1 }), i + 1);
    await rejection(pool.run(c.exitNow, 3)); // a thread dies with its descriptor open
    pool.recycleWorkers(); // the others are replaced
    for (let i = 0; i < 8; i++) assert.equal(await pool.run(f.add, { a: i, b: 2 }), i + 2);
    await pool.close();
    assert.deepEqual(openFiles(), before, 'schedstat descriptors left open after close()');
  });
});
