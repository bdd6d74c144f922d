/**
 * Queue control and events, part of the executor contract: every executor
 * (loop, threads, processes, auto) passes the same cases. Events and gates,
 * never timing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tasks } from '../../src/task.js';
import { QueueClearedError } from '../../src/errors.js';
import type { Gate } from '../helpers/gate.js';
import type { ContractFactory } from './spec.js';
import { rejection } from '../helpers/rejection.js';

const t = tasks<typeof import('../fixtures/tasks.js')>(new URL('../fixtures/tasks.ts', import.meta.url));

/**
 * Resolves once the executor counts `n` tasks as running. A local executor knows
 * before the task's code runs; cluster() hears of a start through its queue's
 * event stream, which can reach the caller after the task has already called the gate.
 */
export async function knowsRunning(executor: object, n = 1): Promise<void> {
  // Every executor is a QueueControlled (control.ts); the contract's Executor type does not say so.
  const pool = executor as { pending: number; once(event: 'active', listener: () => void): unknown };
  while (pool.pending < n) await new Promise<void>((resolve) => pool.once('active', resolve));
}

export function defineQueueControl(f: ContractFactory, gate: () => Gate, name: (base: string) => string): void {
  const holds: string[] = [];
  /**
   * The factory's executor, whose disposal opens every gate the test held first:
   * a failed assertion then fails its test instead of leaving close() waiting forever.
   */
  function make(opts: Parameters<ContractFactory['create']>[0]): ReturnType<ContractFactory['create']> {
    const pool = f.create(opts);
    return Object.assign(pool, {
      [Symbol.asyncDispose]: async () => {
        for (const h of holds.splice(0)) gate().open(h);
        await pool.close();
      },
    });
  }

  /** One task holds the only slot until the test opens its gate. */
  async function holdOne(pool: ReturnType<ContractFactory['create']>) {
    const h = name('hold');
    holds.push(h);
    const holder = pool.run(t.held, { gate: gate().url, name: h });
    await gate().arrived(h);
    await knowsRunning(pool);
    return { holder, release: () => gate().open(h) };
  }

  test('queue control: size, pending and isSaturated are live counters', async () => {
    await using pool = make({ slots: 1 });
    assert.equal(pool.size, 0);
    assert.equal(pool.pending, 0);
    assert.equal(pool.isSaturated, false);
    const { holder, release } = await holdOne(pool);
    const queued = [pool.run(t.echo, 1), pool.run(t.echo, 2)];
    assert.equal(pool.pending, 1);
    assert.equal(pool.size, 2);
    assert.equal(pool.isSaturated, true);
    release();
    await holder;
    assert.deepEqual(await Promise.all(queued), [1, 2]);
    await pool.onIdle();
    assert.equal(pool.size + pool.pending, 0);
  });

  test('queue control: pause() during a batch stops starts, running work finishes, resume() goes on', async () => {
    await using pool = make({ slots: 1 });
    const { holder, release } = await holdOne(pool);
    const names = [1, 2, 3, 4, 5].map(() => name('paused'));
    const queued = names.map((n) => pool.run(t.record, { gate: gate().url, name: n }));
    pool.pause();
    assert.equal(pool.isPaused, true);
    release();
    await holder; // the running task finished while paused
    assert.equal(pool.pending, 0, 'nothing started while paused');
    assert.equal(pool.size, 5);
    const late = pool.run(t.echo, 'late');
    assert.equal(pool.size, 6, 'a run while paused queues');
    for (const n of names) assert.equal(gate().count(n), 0);
    pool.resume();
    assert.equal(pool.isPaused, false);
    assert.deepEqual(await Promise.all(queued), names);
    assert.equal(await late, 'late');
  });

  test('queue control: autoStart: false starts paused; start() begins; close() drains a paused executor', async () => {
    const pool = make({ slots: 2, extra: { autoStart: false } });
    assert.equal(pool.isPaused, true);
    const a = pool.run(t.add, { a: 1, b: 2 });
    const b = pool.run(t.add, { a: 2, b: 2 });
    assert.equal(pool.size, 2);
    assert.equal(pool.pending, 0);
    pool.start();
    assert.deepEqual(await Promise.all([a, b]), [3, 4]);
    pool.pause();
    const c = pool.run(t.echo, 'drained');
    await pool.close();
    assert.equal(await c, 'drained');
  });

  // Found by the race test (test/race): a pause() after close() stopped the drain, so close()
  // never resolved and the process ran out of work with the queued calls still pending.
  test('queue control: pause() after close() does not stop the drain; close() resolves and the queue runs', async () => {
    await using pool = make({ slots: 1 });
    const { holder, release } = await holdOne(pool);
    const queued = [pool.run(t.echo, 'a'), pool.run(t.echo, 'b')];
    const closed = pool.close();
    pool.pause();
    assert.equal(pool.isPaused, false, 'a closing executor cannot be paused');
    release();
    await holder;
    assert.deepEqual(await Promise.all(queued), ['a', 'b']);
    await closed;
  });

  test('queue control: clear() rejects each queued task with QueueClearedError; running ones finish', async () => {
    await using pool = make({ slots: 1 });
    const { holder, release } = await holdOne(pool);
    const names = [1, 2, 3].map(() => name('cleared'));
    const queued = names.map((n) => pool.run(t.record, { gate: gate().url, name: n }));
    assert.equal(pool.clear(), 3);
    assert.equal(pool.size, 0);
    for (const e of await Promise.all(queued.map(rejection))) {
      assert.ok(e instanceof QueueClearedError);
      assert.equal(e.code, 'ERR_BOUNDWISE_QUEUE_CLEARED');
    }
    release();
    assert.match(await holder, /:open$/);
    for (const n of names) assert.equal(gate().count(n), 0, 'a cleared task never runs');
    assert.equal(await pool.run(t.echo, 'after'), 'after');
    assert.equal(pool.clear(), 0);
  });

  test('queue control: clear() while a map runs: the map fails at the first dropped result', async () => {
    await using pool = make({ slots: 1 });
    const names = [1, 2, 3, 4].map(() => name('map'));
    holds.push(...names);
    const it = pool.map(t.held, names.map((n) => ({ gate: gate().url, name: n })), { concurrency: 4 })[Symbol.asyncIterator]();
    const first = it.next();
    await gate().arrived(names[0] as string);
    await knowsRunning(pool);
    // The map pulls its inputs as it goes; wait until the other three wait behind the first.
    while (pool.size < 3) await new Promise((r) => setImmediate(r));
    await f.synced?.(pool);
    assert.equal(pool.clear(), 3);
    gate().open(names[0] as string);
    assert.deepEqual(await first, { done: false, value: `${names[0]}:open` });
    const e = await rejection(it.next());
    assert.ok(e instanceof QueueClearedError);
    for (const n of names.slice(1)) assert.equal(gate().count(n), 0);
  });

  test('queue control: onEmpty(), onSizeLessThan(n) and onIdle() resolve as the queue drains', async () => {
    await using pool = make({ slots: 1 });
    await pool.onIdle(); // nothing to wait for
    await pool.onEmpty();
    const { holder, release } = await holdOne(pool);
    const h2 = name('hold');
    holds.push(h2);
    const second = pool.run(t.held, { gate: gate().url, name: h2 });
    const third = pool.run(t.echo, 3);
    const seen: string[] = [];
    const less2 = pool.onSizeLessThan(2).then(() => seen.push('size<2'));
    const empty = pool.onEmpty().then(() => seen.push('empty'));
    const idle = pool.onIdle().then(() => seen.push('idle'));
    await pool.onSizeLessThan(3); // already true
    release();
    await holder;
    await gate().arrived(h2);
    await less2;
    assert.deepEqual(seen, ['size<2'], 'one task still waits behind the running one');
    gate().open(h2);
    await Promise.all([second, third, empty, idle]);
    assert.deepEqual(seen, ['size<2', 'empty', 'idle']);
  });

  test('events: add, active, completed, error, next, empty, idle', async () => {
    await using pool = make({ slots: 1 });
    const log: string[] = [];
    const values: unknown[] = [];
    const errors: unknown[] = [];
    for (const ev of ['add', 'active', 'next', 'empty', 'idle'] as const) pool.on(ev, () => log.push(ev));
    pool.on('completed', (v) => (log.push('completed'), values.push(v)));
    pool.on('error', (e) => (log.push('error'), errors.push(e)));
    const { holder, release } = await holdOne(pool);
    const runs = [pool.run(t.add, { a: 1, b: 1 }), pool.run(t.fails, 'bad'), pool.run(t.add, { a: 2, b: 2 })];
    release();
    await holder;
    await Promise.allSettled(runs);
    await pool.onIdle();
    const count = (ev: string) => log.filter((e) => e === ev).length;
    assert.equal(count('add'), 4, 'the holder and the three runs');
    assert.equal(count('active'), 4);
    assert.equal(count('completed'), 3, 'the holder and the two adds');
    assert.equal(count('error'), 1);
    assert.equal(count('next'), 4);
    assert.ok(count('empty') >= 1);
    assert.equal(log.at(-1), 'idle');
    assert.ok(values.includes(2) && values.includes(4));
    assert.equal((errors[0] as Error).message, 'bad');
    // Listeners gone: the executor is quiet again (and still works).
    pool.removeAllListeners();
    assert.equal(await pool.run(t.echo, 'quiet'), 'quiet');
  });

  test('setPriority(id, n) moves a queued run; false for an id that is not waiting', async () => {
    await using pool = make({ slots: 1 });
    const { holder, release } = await holdOne(pool);
    const order: string[] = [];
    const mk = (label: string) => pool.run(t.echo, label, { id: label }).then((v) => void order.push(String(v)));
    const all = [mk('a'), mk('b'), mk('c')];
    assert.equal(pool.setPriority('c', 5), true);
    assert.equal(pool.setPriority('nope', 1), false);
    assert.throws(() => pool.setPriority('a', 1.5), /priority/);
    release();
    await holder;
    await Promise.all(all);
    assert.deepEqual(order, ['c', 'a', 'b']);
    assert.equal(pool.setPriority('a', 1), false, 'it already ran');
  });

  test('default timeout and priority for every task, overridable per run', async () => {
    await using pool = make({ slots: 1, extra: { timeout: 100, priority: 1 } });
    const a = name('default-timeout');
    const e = await rejection(pool.run(t.waitsForAbort, { gate: gate().url, name: a }));
    assert.equal(e.name, 'TimeoutError', 'the executor-wide timeout applies');
    const h = name('no-timeout');
    holds.push(h);
    const long = pool.run(t.held, { gate: gate().url, name: h }, { timeout: Infinity });
    await gate().arrived(h);
    const order: string[] = [];
    const low = pool.run(t.echo, 'explicit-0', { priority: 0 }).then((v) => void order.push(String(v)));
    const dflt = pool.run(t.echo, 'default-1').then((v) => void order.push(String(v)));
    gate().open(h);
    assert.match(await long, /:open$/, 'a run can lift the default timeout');
    await Promise.all([low, dflt]);
    assert.deepEqual(order, ['default-1', 'explicit-0']);
  });
}

export function defineMessages(f: ContractFactory, gate: () => Gate, name: (base: string) => string): void {
  test('messages: context.emit() arrives at onMessage in order, before the result; an uncloneable one throws in the task', async () => {
    await using pool = f.create({ slots: 1 });
    const got: unknown[] = [];
    const result = await pool.run(t.emits, 3, { onMessage: (m) => got.push(m) });
    got.push('result');
    if (f.remote) {
      assert.match(result, /^TaskOutputError: .*message\.cb/, 'names the path of the bad field');
      assert.deepEqual(got, [{ step: 1 }, { step: 2 }, { step: 3 }, { step: 'last' }, 'result']);
    } else {
      // On the loop nothing is cloned: the message is handed over as it is.
      assert.equal(result, 'none');
      assert.equal(got.length, 6);
      assert.equal(got.at(-1), 'result');
    }
  });

  test('messages after a cancel are dropped', async () => {
    await using pool = f.create({ slots: 1 });
    const got: unknown[] = [];
    let heard!: () => void;
    const before = new Promise<void>((resolve) => (heard = resolve));
    const ac = new AbortController();
    const n = name('emit-abort');
    const run = pool.run(t.emitsAfterAbort, { gate: gate().url, name: n }, {
      signal: ac.signal,
      onMessage: (m) => {
        got.push(m);
        heard();
      },
    });
    await gate().arrived(n);
    // Cancelled once 'before' is in: cluster()'s messages come through Redis, and can arrive after
    // the task's request to the gate (then, after the cancel, they are rightly dropped).
    await before;
    ac.abort(new Error('stop'));
    await rejection(run);
    await gate().arrived(`${n}-emitted`);
    assert.deepEqual(got, ['before']);
  });
}
