/**
 * The executor contract, written once. Every executor's test file calls
 * `defineContract(factoryUrl)` and must pass all of it; capability flags
 * (remote, stopsRunaway) only select which assertions apply, never weaken them.
 */
import { describe, test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { tasks, taskRef } from '../../src/task.js';
import {
  ExecutorClosedError,
  QueueFullError,
  TaskNotFoundError,
  TaskInputError,
  InvalidOptionError,
  OptionRangeError,
} from '../../src/errors.js';
import { Gate } from '../helpers/gate.js';
import type { Executor, ExecutorStats, RunOptions } from '../../src/executor.js';
import { group } from '../../src/loop/group.js';
import { moveOnAfter, withTimeout } from '../../src/loop/deadline.js';
import type { ContractFactory } from './spec.js';
import { rejection } from '../helpers/rejection.js';
import { defineEdgeCases } from './edges.js';
import { defineMessages, defineQueueControl, knowsRunning } from './control.js';

const fixtures = new URL('../fixtures/tasks.ts', import.meta.url);
const t = tasks<typeof import('../fixtures/tasks.js')>(fixtures);


export function defineContract(factoryUrl: URL): void {
  defineEdgeCases(factoryUrl);
  describe(`executor contract: ${factoryUrl.pathname.split('/').pop()}`, async () => {
    const f = (await import(factoryUrl.href)) as ContractFactory;
    let gate: Gate;
    before(async () => {
      gate = await Gate.start();
    });
    after(async () => {
      await gate.close();
    });
    let seq = 0;
    const name = (base: string) => `${base}-${++seq}`;
    // Every executor a test makes is closed after it with { cancel: true }, pass or fail: a failed
    // assertion must not leave a held task that a draining close() would wait for forever, nor a
    // pool that keeps this file's process alive.
    const made = new Set<Executor>();
    const make = (opts: Parameters<ContractFactory['create']>[0]): Executor => {
      const pool = f.create(opts);
      made.add(pool);
      return pool;
    };
    afterEach(async () => {
      const pools = [...made];
      made.clear();
      await Promise.all(pools.map((p) => p.close({ cancel: true })));
    });

    test('run returns the output of sync and async tasks', async () => {
      const pool = make({ slots: 2 });
      assert.equal(await pool.run(t.add, { a: 2, b: 3 }), 5);
      assert.equal(await pool.run(t.double, 21), 42);
      assert.deepEqual(await pool.run(t.echo, { nested: [1, 'two', { three: 3 }] }), { nested: [1, 'two', { three: 3 }] });
    });

    test('structured data survives the trip: Map, Set, Date, BigInt, typed arrays', async () => {
      const pool = make({ slots: 1 });
      assert.equal(await pool.run(t.describeInput, new Map([[1, 2]])), 'Map(1)');
      assert.equal(await pool.run(t.describeInput, new Set([1, 2, 3])), 'Set(3)');
      assert.equal(await pool.run(t.describeInput, new Date(0)), 'Date(1970-01-01T00:00:00.000Z)');
      assert.equal(await pool.run(t.describeInput, 12345678901234567890n), 'BigInt(12345678901234567890)');
      assert.equal(await pool.run(t.describeInput, new Uint8Array(7)), 'Uint8Array(7)');
      const m = await pool.run(t.echo, new Map([['k', new Set([1n])]]));
      assert.ok(m instanceof Map && m.get('k') instanceof Set && m.get('k')?.has(1n));
    });

    test('errors arrive with their class name, message, code and fields', async () => {
      const pool = make({ slots: 1 });
      const e = await rejection(pool.run(t.fails, 'no such sku'));
      assert.equal(e.name, 'ValidationError');
      assert.equal(e.message, 'no such sku');
      assert.equal(e.code, 'E_VALIDATION');
      assert.equal(e.field, 'sku');
      assert.ok(e instanceof Error);
      if (f.remote) {
        assert.ok(e.cause instanceof Error, 'the worker stack arrives as cause');
        assert.match(String(e.cause.stack), /fails/);
      }
      const te = await rejection(pool.run(t.failsWithTypeError, undefined));
      assert.ok(te instanceof TypeError, 'built-in error classes come back as themselves');
      assert.equal(te.message, 'not a number');
      assert.equal(await pool.run(t.add, { a: 1, b: 1 }), 2, 'the executor still works after task errors');
    });

    test('a task that does not exist: TaskNotFoundError naming it and listing the exports', async () => {
      const pool = make({ slots: 1 });
      const e = await rejection(pool.run(taskRef(fixtures, 'nope'), 1));
      assert.equal(e.name, 'TaskNotFoundError');
      assert.equal(e.code, 'ERR_BOUNDWISE_TASK_NOT_FOUND');
      assert.match(e.message, /"nope"/);
      assert.match(e.message, /echo/);
      if (!f.remote) assert.ok(e instanceof TaskNotFoundError);
      assert.equal(await pool.run(t.echo, 'still fine'), 'still fine');
    });

    test('an already-aborted signal rejects with its reason and runs nothing', async () => {
      const pool = make({ slots: 1 });
      const reason = new Error('changed my mind');
      const n = name('pre-aborted');
      const e = await rejection(pool.run(t.record, { gate: gate.url, name: n }, { signal: AbortSignal.abort(reason) }));
      assert.equal(e, reason);
      await pool.run(t.echo, 1);
      assert.equal(gate.count(n), 0);
    });

    test('a queued task is removed at once when its signal aborts; the others complete', async () => {
      const pool = make({ slots: 1 });
      const h = name('hold');
      const holder = pool.run(t.held, { gate: gate.url, name: h });
      await gate.arrived(h);
      const ac = new AbortController();
      const q = name('queued');
      const queued = pool.run(t.record, { gate: gate.url, name: q }, { signal: ac.signal });
      const after = pool.run(t.add, { a: 1, b: 2 });
      ac.abort(new Error('not needed'));
      const e = await rejection(queued);
      assert.equal(e.message, 'not needed');
      assert.equal(pool.stats().queued, 1, 'only the other queued task is left');
      gate.open(h);
      assert.equal(await holder, `${h}:open`);
      assert.equal(await after, 3);
      assert.equal(gate.count(q), 0, 'the cancelled task never ran');
      assert.equal(pool.stats().cancelled, 1);
    });

    test('a running task sees its signal abort and the run rejects with the reason', async () => {
      const pool = make({ slots: 1 });
      const n = name('abort-running');
      const ac = new AbortController();
      const p = pool.run(t.waitsForAbort, { gate: gate.url, name: n }, { signal: ac.signal });
      await gate.arrived(n);
      const reason = new Error('stop now');
      ac.abort(reason);
      const e = await rejection(p);
      assert.equal(e.message, 'stop now');
      await gate.arrived(`${n}-aborted`);
      assert.equal(await pool.run(t.echo, 'next'), 'next');
    });

    test('timeout: a running task gets a TimeoutError and sees its signal abort', async () => {
      const pool = make({ slots: 1 });
      const n = name('times-out');
      const e = await rejection(pool.run(t.waitsForAbort, { gate: gate.url, name: n }, { timeout: 50 }));
      assert.equal(e.name, 'TimeoutError');
      await gate.arrived(`${n}-aborted`);
    });

    test('timeout counts from the start of running, not from queueing', async () => {
      const pool = make({ slots: 1 });
      const h = name('hold');
      const holder = pool.run(t.held, { gate: gate.url, name: h });
      await gate.arrived(h);
      const queued = pool.run(t.add, { a: 40, b: 2 }, { timeout: 1_500 });
      // Hold the only slot for well past the queued task's timeout, then let it run (the timeout is
      // generous so that a loaded machine still runs `add` well within it once it starts).
      await new Promise((r) => setTimeout(r, 2_000));
      gate.open(h);
      await holder;
      assert.equal(await queued, 42);
    });

    test('runaway CPU that ignores its signal is stopped, and the executor goes on', { skip: !f.stopsRunaway }, async () => {
      const pool = make({ slots: 1, cancelGrace: 200 });
      const n = name('spin');
      const ac = new AbortController();
      const p = pool.run(t.spinsForever, { gate: gate.url, name: n }, { signal: ac.signal });
      await gate.arrived(n);
      ac.abort(new Error('enough'));
      assert.equal((await rejection(p)).message, 'enough');
      assert.equal(await pool.run(t.add, { a: 2, b: 2 }), 4, 'a fresh worker took over');
    });

    test('priority: higher first, FIFO within a priority', async () => {
      const pool = make({ slots: 1 });
      const h = name('hold');
      const holder = pool.run(t.held, { gate: gate.url, name: h });
      await gate.arrived(h);
      const order: string[] = [];
      const mk = (label: string, priority: number) =>
        pool.run(t.echo, label, { priority }).then((v) => {
          order.push(String(v));
        });
      const all = [mk('low-1', -1), mk('mid-1', 0), mk('high-1', 5), mk('mid-2', 0), mk('high-2', 5), mk('low-2', -1)];
      gate.open(h);
      await holder;
      await Promise.all(all);
      assert.deepEqual(order, ['high-1', 'high-2', 'mid-1', 'mid-2', 'low-1', 'low-2']);
    });

    test('maxQueue: QueueFullError when full, and every accepted task completes', async () => {
      const pool = make({ slots: 1, maxQueue: 2 });
      const h = name('hold');
      const holder = pool.run(t.held, { gate: gate.url, name: h });
      await gate.arrived(h);
      const a = pool.run(t.echo, 'a');
      const b = pool.run(t.echo, 'b');
      const e = await rejection(pool.run(t.echo, 'c'));
      assert.ok(e instanceof QueueFullError);
      assert.equal(e.code, 'ERR_BOUNDWISE_QUEUE_FULL');
      assert.match(e.message, /maxQueue: 2/);
      gate.open(h);
      assert.deepEqual(await Promise.all([holder, a, b]), [`${h}:open`, 'a', 'b']);
    });

    test('input that cannot be cloned: TaskInputError naming the path; nothing else is lost', { skip: !f.remote }, async () => {
      const pool = make({ slots: 1 });
      const ok = pool.run(t.double, 4);
      const e = await rejection(pool.run(t.echo, { items: [1, 2, 3, { cb: () => 1 }] }));
      assert.ok(e instanceof TaskInputError);
      assert.equal(e.code, 'ERR_BOUNDWISE_TASK_INPUT');
      assert.match(e.message, /^input\.items\[3\]\.cb: functions cannot be cloned/);
      assert.equal(await ok, 8);
      assert.equal(await pool.run(t.echo, 'after'), 'after');
    });

    test('output that cannot be cloned back: TaskOutputError', { skip: !f.remote }, async () => {
      const pool = make({ slots: 1 });
      const e = await rejection(pool.run(t.returnsFunction, undefined));
      assert.equal(e.code, 'ERR_BOUNDWISE_TASK_OUTPUT');
      assert.match(e.message, /returnsFunction/);
      assert.equal(await pool.run(t.echo, 'after'), 'after');
    });

    test('map: input order by default, completion order with ordered: false', async () => {
      const pool = make({ slots: 2 });
      const out: number[] = [];
      for await (const v of pool.map(t.double, [1, 2, 3, 4, 5, 6, 7, 8])) out.push(v);
      assert.deepEqual(out, [2, 4, 6, 8, 10, 12, 14, 16]);
      const unordered: number[] = [];
      for await (const v of pool.map(t.double, [1, 2, 3, 4], { ordered: false })) unordered.push(v);
      assert.deepEqual(unordered.sort((a, b) => a - b), [2, 4, 6, 8]);
    });

    test('map: chunkSize sends several inputs per message with the same results', async () => {
      const pool = make({ slots: 2 });
      const inputs = Array.from({ length: 50 }, (_, i) => i);
      const out: number[] = [];
      for await (const v of pool.map(t.double, inputs, { chunkSize: 8 })) out.push(v);
      assert.deepEqual(out, inputs.map((i) => i * 2));
    });

    test('map: pulls an endless input lazily (memory stays bounded)', async () => {
      const pool = make({ slots: 2 });
      let pulled = 0;
      function* endless() {
        for (let i = 0; ; i++) {
          pulled++;
          yield i;
        }
      }
      let seen = 0;
      for await (const v of pool.map(t.double, endless(), { concurrency: 4 })) {
        assert.equal(v, seen * 2);
        if (++seen === 100) break;
      }
      assert.ok(pulled <= 100 + 4 + 1, `pulled ${pulled} inputs for 100 results at concurrency 4`);
    });

    test('map: async iterable input, and an error surfaces when its result is reached', async () => {
      const pool = make({ slots: 2 });
      async function* gen() {
        for (const i of [10, 11, 12, 14, 15]) yield i;
      }
      const ok: number[] = [];
      for await (const v of pool.map(t.failsAt, gen())) ok.push(v);
      assert.deepEqual(ok, [10, 11, 12, 14, 15]);
      const before: number[] = [];
      const e = await rejection(
        (async () => {
          for await (const v of pool.map(t.failsAt, [11, 12, 13, 14, 15])) before.push(v);
        })(),
      );
      assert.ok(e instanceof RangeError);
      assert.equal(e.message, 'unlucky 13');
      assert.deepEqual(before, [11, 12]);
      assert.equal(await pool.run(t.echo, 'after'), 'after');
    });

    test('stats: an immutable snapshot of counts, queue and percentiles', async () => {
      const pool = make({ slots: 2 });
      await Promise.all([1, 2, 3].map((n) => pool.run(t.double, n)));
      await rejection(pool.run(t.fails, 'x'));
      const s = pool.stats();
      assert.equal(s.kind, pool.kind);
      assert.equal(s.completed, 3);
      assert.equal(s.failed, 1);
      assert.equal(s.queued, 0);
      assert.equal(s.running, 0);
      assert.equal(s.runTime.count, 4);
      assert.ok(s.runTime.p50 >= 0 && s.runTime.p99 >= s.runTime.p50);
      assert.ok(s.utilization >= 0 && s.utilization <= 1);
      await pool.run(t.double, 4);
      assert.equal(s.completed, 3, 'an earlier snapshot does not change');
      assert.ok(Object.isFrozen(s));
    });

    test('stats: submitted = completed + failed + cancelled + queued + running at every snapshot', async () => {
      const pool = make({ slots: 1 });
      const snapshots: ExecutorStats[] = [];
      const check = (when: string) => {
        const s = pool.stats();
        snapshots.push(s);
        const sum = s.completed + s.failed + s.cancelled + s.queued + s.running;
        assert.equal(s.submitted, sum, `${when}: ${JSON.stringify(s)}`);
        return s;
      };
      check('fresh');
      const h = name('hold');
      const holder = pool.run(t.held, { gate: gate.url, name: h });
      check('submitted');
      await gate.arrived(h);
      await knowsRunning(pool);
      assert.equal(check('running').running, 1);
      const ac = new AbortController();
      const queued = pool.run(t.echo, 'q', { signal: ac.signal });
      const later = pool.run(t.echo, 'later', { timeout: 60_000 });
      assert.equal(check('queued').queued, 2);
      ac.abort(new Error('not needed'));
      await rejection(queued);
      assert.equal(check('queued task aborted').cancelled, 1);
      const pre = check('before a pre-aborted run');
      await rejection(pool.run(t.echo, 1, { signal: AbortSignal.abort(new Error('already')) }));
      const post = check('pre-aborted');
      assert.deepEqual([post.submitted - pre.submitted, post.cancelled - pre.cancelled], [1, 1], 'an already-aborted signal: submitted and cancelled');
      gate.open(h);
      await holder;
      assert.equal(await later, 'later');
      check('drained');
      const n = name('abort-running');
      const ac2 = new AbortController();
      const aborted = pool.run(t.waitsForAbort, { gate: gate.url, name: n }, { signal: ac2.signal });
      await gate.arrived(n);
      check('running, about to abort');
      ac2.abort(new Error('stop'));
      await rejection(aborted);
      const afterAbort = check('running task aborted (its code may still be finishing)');
      assert.equal(afterAbort.running, 0, 'a cancelled task no longer counts as running');
      await gate.arrived(`${n}-aborted`);
      const beforeTimeout = check('before a timeout');
      const m = name('times-out');
      const e = await rejection(pool.run(t.waitsForAbort, { gate: gate.url, name: m }, { timeout: 50 }));
      assert.equal(e.name, 'TimeoutError');
      const afterTimeout = check('timed out');
      assert.equal(afterTimeout.cancelled - beforeTimeout.cancelled, 1, 'a timeout counts as cancelled, on every executor');
      assert.equal(afterTimeout.failed, beforeTimeout.failed);
      await gate.arrived(`${m}-aborted`);
      await rejection(pool.run(t.fails, 'x'));
      await rejection(pool.run(t.echo, 1, { timeout: -1 }));
      const end = check('failed, and a bad option (not counted)');
      assert.equal(end.failed, 1);
      assert.equal(end.cancelled, 4);
      assert.equal(end.completed, 2);
      // A closing executor's cancellations count too.
      const h2 = name('hold');
      const running = pool.run(t.held, { gate: gate.url, name: h2 });
      await gate.arrived(h2);
      const waiting = pool.run(t.echo, 'never');
      check('before close({ cancel })');
      await Promise.all([rejection(running), rejection(waiting), pool.close({ cancel: true })]);
      const closed = check('closed with cancel');
      assert.equal(closed.cancelled, 6);
      assert.ok(snapshots.every((s) => Object.isFrozen(s)));
    });

    test('huge durations (over 2^31-1 ms) are kept, not fired after 1 ms: run timeout, close timeout, withTimeout, group', async () => {
      const warnings: Error[] = [];
      const onWarning = (w: Error) => warnings.push(w);
      process.on('warning', onWarning);
      try {
        const pool = make({ slots: 1 });
        const huge = 3e9; // 35 days: Node's timers clamp it to 1 ms
        // Each wait below gives a clamped timer (1 ms) ample room to fire first; none may.
        const pause = () => new Promise((r) => setTimeout(r, 30));
        const h = name('hold');
        const timed = pool.run(t.held, { gate: gate.url, name: h }, { timeout: huge });
        await gate.arrived(h);
        await pause();
        gate.open(h);
        assert.equal(await timed, `${h}:open`, 'run({ timeout: 3e9 }) did not time out');
        const w = name('hold');
        const scoped = withTimeout(huge, () => pool.run(t.held, { gate: gate.url, name: w }));
        await gate.arrived(w);
        await pause();
        gate.open(w);
        assert.equal(await scoped, `${w}:open`, 'withTimeout(3e9) did not time out');
        const g = name('hold');
        const grouped = group(
          (tg) => {
            tg.spawn(() => pool.run(t.held, { gate: gate.url, name: g }));
          },
          { timeout: huge },
        );
        await gate.arrived(g);
        await pause();
        gate.open(g);
        await grouped;
        const m = name('hold');
        const moved = moveOnAfter(huge, () => pool.run(t.held, { gate: gate.url, name: m }));
        await gate.arrived(m);
        await pause();
        gate.open(m);
        assert.equal(await moved, `${m}:open`, 'moveOnAfter(3e9) did not move on');
        const c = name('hold');
        const last = pool.run(t.held, { gate: gate.url, name: c });
        await gate.arrived(c);
        const closing = pool.close({ timeout: huge });
        await pause();
        gate.open(c);
        assert.equal(await last, `${c}:open`, 'close({ timeout: 3e9 }) did not cancel it');
        await closing;
        assert.equal(pool.stats().cancelled, 0);
      } finally {
        process.off('warning', onWarning);
      }
      assert.deepEqual(
        warnings.filter((w) => w.name === 'TimeoutOverflowWarning').map((w) => w.message),
        [],
        'no timer was given more than Node can hold',
      );
    });

    test('close() drains queued tasks; then run rejects with ExecutorClosedError', async () => {
      const pool = make({ slots: 1 });
      const pending = [1, 2, 3, 4].map((n) => pool.run(t.double, n));
      await pool.close();
      assert.deepEqual(await Promise.all(pending), [2, 4, 6, 8]);
      const e = await rejection(pool.run(t.double, 1));
      assert.ok(e instanceof ExecutorClosedError);
      assert.equal(e.code, 'ERR_BOUNDWISE_CLOSED');
      await pool.close(); // idempotent
    });

    test('close({ cancel: true }) cancels queued and running tasks', async () => {
      const pool = make({ slots: 1 });
      const n = name('running');
      const running = pool.run(t.waitsForAbort, { gate: gate.url, name: n });
      await gate.arrived(n);
      const queued = pool.run(t.echo, 'never');
      const [e1, e2] = await Promise.all([rejection(running), rejection(queued), pool.close({ cancel: true })]);
      assert.equal(e1.name, 'AbortError');
      assert.equal(e2.name, 'AbortError');
      assert.equal(pool.stats().cancelled, 2);
    });

    test('await using closes the executor', async () => {
      let escaped: ReturnType<typeof f.create> | undefined;
      {
        await using pool = f.create({ slots: 1 });
        escaped = pool;
        made.add(pool); // closed after the test even if `await using` is never reached
        assert.equal(await pool.run(t.echo, 1), 1);
      }
      assert.ok((await rejection(escaped.run(t.echo, 1))) instanceof ExecutorClosedError);
    });

    test('bad options fail at construction, naming the option and value', () => {
      for (const { options, option, error } of f.badOptions) {
        assert.throws(
          () => made.add(f.createRaw(options)), // accepted by mistake: still closed after the test
          (e: any) => {
            assert.equal(e.name, error);
            assert.ok(error === 'InvalidOptionError' ? e instanceof InvalidOptionError : e instanceof OptionRangeError);
            const base = error === 'InvalidOptionError' ? TypeError : RangeError;
            assert.ok(e instanceof base);
            assert.equal((e as unknown as { option: string }).option, option);
            assert.ok(e.message.includes(`"${option}"`), e.message);
            return true;
          },
          `options ${JSON.stringify(options)}`,
        );
      }
    });

    test('bad run options are rejected, naming the option', async () => {
      const pool = make({ slots: 1 });
      const e = await rejection(pool.run(t.echo, 1, { timeout: -5 }));
      assert.ok(e instanceof OptionRangeError);
      assert.match(e.message, /"timeout"/);
      const e2 = await rejection(pool.run(t.echo, 1, { signal: 'soon' as unknown as AbortSignal }));
      assert.ok(e2 instanceof InvalidOptionError);
      const e3 = await rejection(pool.run(t.echo, 1, { transfer: 42 as unknown as [] }));
      assert.ok(e3 instanceof InvalidOptionError, `transfer: 42 is a bad option, not bad input (${e3?.name})`);
      assert.equal(e3.option, 'transfer');
      assert.match(e3.message, /"transfer".*got 42/);
      const e4 = await rejection(pool.run(t.echo, 1, { timeout: NaN }));
      assert.match(e4.message, /got NaN/, 'NaN is shown as NaN, not null');
      const e5 = await rejection(pool.run(t.echo, 1, { timeout: -Infinity }));
      assert.match(e5.message, /got -Infinity/);
      const e6 = await rejection(pool.run(t.echo, 1, new Map() as unknown as RunOptions));
      assert.ok(e6 instanceof InvalidOptionError, 'a Map is not an options object');
      assert.equal(pool.stats().submitted, 0, 'calls rejected for bad options are not counted');
    });

    test('after close() nothing is left: the process exits by itself', async () => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(new URL('./exit-check.ts', import.meta.url)), factoryUrl.href],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      // A safety net, not a timing assertion: a leak keeps the child alive forever.
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
      clearTimeout(killer);
      assert.equal(signal, null, 'the child had to be killed: something kept it alive after close()');
      assert.equal(code, 0);
      assert.deepEqual(JSON.parse(out), { results: [2, 4, 6, 8], mapped: [10, 12, 14] });
    });

    defineQueueControl(f, () => gate, name);
    defineMessages(f, () => gate, name);
  });
}
