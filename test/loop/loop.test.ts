import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { getEventListeners } from 'node:events';
import { loop } from '../../src/loop/index.js';
import { runInScope } from '../../src/scope.js';
import { ExecutorClosedError, InvalidOptionError } from '../../src/errors.js';
import type { TaskContext } from '../../src/task.js';
import { ManualClock, flush } from './manual-clock.js';
import { rejection } from '../helpers/rejection.js';


/** A task that waits until the test lets it go (or its signal aborts, if `obey`). */
function latch() {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const started: TaskContext[] = [];
  const task = async (_: unknown, ctx: TaskContext) => {
    started.push(ctx);
    await gate;
    return 'released';
  };
  const obeying = async (ctx: TaskContext) => {
    started.push(ctx);
    await new Promise<void>((resolve, reject) => {
      void gate.then(resolve);
      ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
    });
    return 'released';
  };
  return { task, obeying, started, release };
}

test('runs plain closures, sync and async, with their input and a context', async () => {
  await using io = loop();
  assert.equal(await io.run((n: number) => n + 1, 1), 2);
  assert.equal(await io.run(async ({ a }: { a: string }) => a.toUpperCase(), { a: 'x' }), 'X');
  assert.equal(await io.run(() => 'no input'), 'no input');
  const seen = await io.run((ctx: TaskContext) => ctx.signal instanceof AbortSignal && !ctx.signal.aborted);
  assert.equal(seen, true);
  const e = await rejection(io.run(() => {
    throw new SyntaxError('sync throw');
  }));
  assert.ok(e instanceof SyntaxError);
  assert.equal((await rejection(io.run('nope' as never))).constructor, InvalidOptionError);
});

test('concurrency bounds how many run at once; the rest start in priority order', async () => {
  await using io = loop({ concurrency: 2 });
  const l = latch();
  const all = [1, 2, 3, 4, 5].map((n) => io.run(l.task, n));
  await flush();
  assert.equal(l.started.length, 2);
  assert.equal(io.stats().running, 2);
  assert.equal(io.stats().queued, 3);
  l.release();
  assert.deepEqual(await Promise.all(all), ['released', 'released', 'released', 'released', 'released']);
  assert.equal(io.stats().completed, 5);
});

test('AsyncLocalStorage context is preserved from run() to the task, queued or not', async () => {
  await using io = loop({ concurrency: 1 });
  const als = new AsyncLocalStorage<string>();
  const l = latch();
  const holder = als.run('holder', () => io.run(l.task, 0));
  const seen = ['a', 'b', 'c'].map((name) => als.run(name, () => io.run(async () => {
    await new Promise((r) => setImmediate(r));
    return als.getStore();
  })));
  l.release();
  await holder;
  assert.deepEqual(await Promise.all(seen), ['a', 'b', 'c']);
});

test('abort listeners are removed when a task leaves the queue or ends', async () => {
  await using io = loop({ concurrency: 1 });
  const ac = new AbortController();
  const l = latch();
  const running = io.run(l.task, 0, { signal: ac.signal });
  const queued = [1, 2, 3].map((n) => io.run((x: number) => x, n, { signal: ac.signal }));
  assert.equal(getEventListeners(ac.signal, 'abort').length, 4, 'one listener per waiting or running task');
  const other = new AbortController();
  const cancelled = io.run((x: number) => x, 9, { signal: other.signal });
  other.abort(new Error('drop it'));
  await rejection(cancelled);
  assert.equal(getEventListeners(other.signal, 'abort').length, 0, 'removed when it left the queue');
  l.release();
  await running;
  await Promise.all(queued);
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0, 'removed when the tasks ended');
  const t = new AbortController();
  await rejection(io.run(() => new Promise(() => {}), 0, { signal: t.signal, timeout: 5 }));
  assert.equal(getEventListeners(t.signal, 'abort').length, 0, 'removed when it timed out');
});

test('a running task that is aborted: run() rejects at once, the slot frees when the task settles', async () => {
  await using io = loop({ concurrency: 1 });
  const l = latch();
  const ac = new AbortController();
  const p = io.run(l.task, 0, { signal: ac.signal }); // ignores its signal on purpose
  await flush();
  ac.abort(new Error('stop'));
  assert.equal((await rejection(p)).message, 'stop');
  assert.ok(l.started[0]?.signal.aborted, 'the task saw its signal abort');
  assert.equal(io.stats().running, 0, 'counted as cancelled, no longer as running');
  assert.equal(io.stats().cancelled, 1);
  const next = io.run(() => 'next');
  assert.equal(io.stats().queued, 1, 'JavaScript cannot be stopped: it still holds its slot');
  l.release();
  assert.equal(await next, 'next');
  assert.equal(io.stats().running, 0);
});

test('timeout: TimeoutError naming the task and the milliseconds; counted as cancelled', async () => {
  await using io = loop();
  const clock = new ManualClock();
  await using timed = loop({ clock });
  const l = latch();
  const p = timed.run(l.obeying, undefined, { timeout: 250 });
  await flush();
  clock.advance(249);
  await flush();
  assert.equal(l.started[0]?.signal.aborted, false);
  clock.advance(1);
  const e = await rejection(p);
  assert.equal(e.name, 'TimeoutError');
  assert.match(e.message, /obeying/);
  assert.match(e.message, /250 ms/);
  assert.equal(timed.stats().cancelled, 1, 'a timeout is a cancellation, on every executor');
  assert.equal(timed.stats().failed, 0);
  assert.equal(clock.pending, 0, 'no timer left behind');
  l.release();
  // With the real clock too (no timing asserted: only that it rejects with a TimeoutError).
  assert.equal((await rejection(io.run(() => new Promise(() => {}), 0, { timeout: 1 }))).name, 'TimeoutError');
});

test('the ambient scope (deadline or group) reaches the task as its signal', async () => {
  await using io = loop();
  const ac = new AbortController();
  const scope = { signal: ac.signal, deadline: Infinity };
  const l = latch();
  const p = runInScope(scope, () => io.run(l.obeying));
  await flush();
  ac.abort(new Error('scope cancelled'));
  assert.equal((await rejection(p)).message, 'scope cancelled');
  assert.equal(l.started[0]?.signal.reason.message, 'scope cancelled');
  // An already-aborted scope: rejects with its reason and runs nothing.
  let ran = false;
  const e = await rejection(runInScope(scope, () => io.run(() => (ran = true))));
  assert.equal(e.message, 'scope cancelled');
  assert.equal(ran, false);
});

test('close({ cancel: true }) aborts the signal of running tasks that never passed one', async () => {
  const io = loop({ concurrency: 1 });
  const l = latch();
  const running = io.run(l.obeying);
  const queued = io.run(() => 'never');
  await flush();
  await io.close({ cancel: true });
  assert.equal((await rejection(running)).name, 'AbortError');
  assert.equal((await rejection(queued)).name, 'AbortError');
  assert.ok(l.started[0]?.signal.aborted);
  assert.equal(io.stats().cancelled, 2);
  assert.ok((await rejection(io.run(() => 1))) instanceof ExecutorClosedError);
  l.release();
});

test('close({ timeout }) drains until the timeout, then cancels what is left', async () => {
  const clock = new ManualClock();
  const io = loop({ concurrency: 1, clock });
  const l = latch();
  const quick = io.run(() => 'quick');
  const slow = io.run(l.obeying);
  const closing = io.close({ timeout: 1_000 });
  assert.equal(await quick, 'quick');
  clock.advance(1_000);
  assert.equal((await rejection(slow)).name, 'AbortError');
  await closing;
  assert.equal(clock.pending, 0);
});

test('rate limit: at most `limit` starts per `interval`; the head waits, and the wait is in stats', async () => {
  const clock = new ManualClock();
  const io = loop({ concurrency: 10, rate: { limit: 2, interval: 1_000 }, clock });
  const started: number[] = [];
  const all = [0, 1, 2, 3, 4].map((n) => io.run(() => started.push(n)));
  await flush();
  assert.deepEqual(started, [0, 1]);
  assert.equal(io.stats().queued, 3);
  clock.advance(999);
  await flush();
  assert.deepEqual(started, [0, 1], 'still inside the first interval');
  clock.advance(1);
  await flush();
  assert.deepEqual(started, [0, 1, 2, 3]);
  clock.advance(1_000);
  await Promise.all(all);
  assert.deepEqual(started, [0, 1, 2, 3, 4]);
  const s = io.stats();
  assert.equal(s.rateWait.count, 5);
  assert.equal(s.rateWait.max, 1_000, 'the third task waited one interval at the head of the line');
  await io.close();
  assert.equal(clock.pending, 0, 'no rate timer left behind');
});

test('rate limit: close({ cancel: true }) clears the rate timer; an aborted head gives way', async () => {
  const clock = new ManualClock();
  const io = loop({ rate: { limit: 1, interval: 60_000 }, clock });
  await io.run(() => 'first');
  const ac = new AbortController();
  const head = io.run(() => 'head', undefined, { signal: ac.signal });
  const next = io.run(() => 'next');
  assert.equal(clock.pending, 1);
  ac.abort(new Error('skip'));
  assert.equal((await rejection(head)).message, 'skip');
  assert.equal(io.stats().queued, 1);
  assert.equal(clock.pending, 1, 'the next task now waits for the rate limit');
  await io.close({ cancel: true });
  assert.equal((await rejection(next)).name, 'AbortError');
  assert.equal(clock.pending, 0);
});

test('rate limit honours priority: a priority-10 task submitted while a priority-0 task waits for the window starts first', async () => {
  const clock = new ManualClock();
  const io = loop({ concurrency: 10, rate: { limit: 1, interval: 1_000 }, clock });
  const started: string[] = [];
  const run = (label: string, priority: number) => io.run(() => started.push(label), undefined, { priority });
  const first = run('first', 0);
  await flush();
  const low = run('low', 0); // waits at the head of the line for the next window
  await flush();
  const high = run('high', 10);
  assert.deepEqual(started, ['first']);
  assert.equal(io.stats().queued, 2);
  clock.advance(1_000);
  await flush();
  assert.deepEqual(started, ['first', 'high'], 'the higher priority takes the opened window');
  clock.advance(1_000);
  await Promise.all([first, low, high]);
  assert.deepEqual(started, ['first', 'high', 'low']);
  assert.equal(io.stats().rateWait.max, 1_000);
  await io.close();
  assert.equal(clock.pending, 0);
});

test('a task reference loads its module once and runs in-process', async () => {
  const { tasks } = await import('../../src/task.js');
  const t = tasks<typeof import('../fixtures/tasks.js')>(new URL('../fixtures/tasks.ts', import.meta.url));
  await using io = loop();
  assert.deepEqual(await Promise.all([io.run(t.add, { a: 1, b: 2 }), io.run(t.add, { a: 3, b: 4 })]), [3, 7]);
  const m = new Map([[1, 2]]);
  assert.equal(await io.run(t.echo, m), m, 'no cloning on the event loop');
});

test('runNow() (auto()\'s lane) runs a call at once and counts it as run() would, or declines without running it', async () => {
  const io = loop({ concurrency: 1 });
  const settled: unknown[] = [];
  const ok = (v: unknown) => settled.push(['ok', v]);
  const no = (e: unknown) => settled.push(['error', (e as Error).message]);
  const CURRENT = Symbol.for('boundwise.currentTask');
  let named: unknown;
  assert.ok(io.runNow((n: number) => ((named = (globalThis as Record<symbol, unknown>)[CURRENT]), n * 2), 21, ok, no, 'm.ts#double') >= 0);
  assert.equal(named, 'm.ts#double', 'watch() can name the task while it runs');
  assert.ok(io.runNow(() => {
    throw new Error('thrown');
  }, undefined, ok, no, 'm.ts#thrower') >= 0);
  assert.deepEqual(settled, [['ok', 42], ['error', 'thrown']]);
  let s = io.stats();
  assert.deepEqual([s.submitted, s.completed, s.failed, s.running], [2, 1, 1, 0]);

  // One that returns a promise is held as a running entry: it takes the slot, and close() waits for it.
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  assert.ok(io.runNow(async () => (await gate, 'later'), undefined, ok, no, 'm.ts#later') >= 0);
  assert.equal(io.stats().running, 1);
  // No free slot, a queue, a pause, a close: it declines, and runs nothing.
  let ran = 0;
  const count = () => ran++;
  assert.equal(io.runNow(count, undefined, ok, no, 'x'), -1);
  const queued = io.run(count);
  release();
  await queued;
  io.pause();
  assert.equal(io.runNow(count, undefined, ok, no, 'x'), -1);
  io.resume();
  const closing = io.close();
  assert.equal(io.runNow(count, undefined, ok, no, 'x'), -1);
  await closing;
  assert.equal(ran, 1, 'only the queued run() ran');
  assert.deepEqual(settled, [['ok', 42], ['error', 'thrown'], ['ok', 'later']]);
  s = io.stats();
  assert.deepEqual([s.submitted, s.completed, s.failed, s.running], [4, 3, 1, 0]);
});
