/**
 * Batching (several tasks per message when the queue is deep) must not weaken
 * any semantics. Each test builds a real batch: one task holds the only worker
 * while the others queue up; when it is let go, the queue leaves as one batch
 * (checked through stats().batches). Runs against threads() and processes().
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { threads } from '../../src/threads/index.js';
import { processes } from '../../src/processes/index.js';
import { tasks } from '../../src/task.js';
import { WorkerCrashedError } from '../../src/errors.js';
import { Gate } from '../helpers/gate.js';
import { rejection } from '../helpers/rejection.js';

const t = tasks<typeof import('../fixtures/tasks.js')>(new URL('../fixtures/tasks.ts', import.meta.url));


const kinds = {
  threads: () => threads({ max: 1, cancelGrace: 500 }),
  processes: () => processes({ max: 1, cancelGrace: 500 }),
};

for (const [kind, make] of Object.entries(kinds)) {
  describe(`${kind}(): semantics inside a batch`, () => {
    let gate: Gate;
    before(async () => {
      gate = await Gate.start();
    });
    after(() => gate.close());
    let seq = 0;
    const name = (base: string) => `${kind}-${base}-${++seq}`;

    /** Hold the only worker until `release()`; meanwhile the caller queues tasks. */
    async function hold(pool: ReturnType<typeof make>) {
      const h = name('hold');
      // A different task than the queued ones, so the holder never joins their batch.
      const done = pool.run(t.hold, { gate: gate.url, name: h });
      await gate.arrived(h);
      return { done, release: () => gate.open(h) };
    }

    test('results keep their order and every task completes', async () => {
      await using pool = make();
      const holder = await hold(pool);
      const order: number[] = [];
      const all = Array.from({ length: 40 }, (_, i) => pool.run(t.double, i).then((v) => order.push(v)));
      holder.release();
      await holder.done;
      await Promise.all(all);
      assert.deepEqual(order, Array.from({ length: 40 }, (_, i) => i * 2));
      assert.ok(pool.stats().batches >= 1, 'the queue left in batches');
    });

    test('a queued task inside a batch is cancelled at once and never runs', async () => {
      await using pool = make();
      const holder = await hold(pool);
      const names = Array.from({ length: 6 }, () => name('b'));
      const controllers = names.map(() => new AbortController());
      const runs = names.map((n, k) => pool.run(t.held, { gate: gate.url, name: n }, { signal: controllers[k]!.signal }));
      holder.release();
      await holder.done;
      await gate.arrived(names[0]!); // the batch is running its first task
      assert.equal(pool.stats().batches, 1);
      controllers[3]!.abort(new Error('not this one'));
      assert.equal((await rejection(runs[3]!)).message, 'not this one');
      for (const n of names) gate.open(n);
      const results = await Promise.allSettled(runs);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
      );
      assert.equal(gate.count(names[3]!), 0, 'the cancelled task never started');
    });

    test('a running task inside a batch sees its signal abort; the rest of the batch goes on', async () => {
      await using pool = make();
      const holder = await hold(pool);
      const names = Array.from({ length: 4 }, () => name('r'));
      const ac = new AbortController();
      const runs = names.map((n, k) => pool.run(t.held, { gate: gate.url, name: n }, k === 1 ? { signal: ac.signal } : {}));
      holder.release();
      await holder.done;
      gate.open(names[0]!);
      await gate.arrived(names[1]!);
      ac.abort(new Error('stop the second'));
      assert.equal((await rejection(runs[1]!)).message, 'stop the second');
      gate.open(names[2]!);
      gate.open(names[3]!);
      const results = await Promise.allSettled(runs);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      assert.equal(pool.stats().batches, 1);
    });

    test('a crash inside a batch fails only the task that crashed', async () => {
      await using pool = make();
      const holder = await hold(pool);
      const runs = Array.from({ length: 10 }, (_, n) => pool.run(t.exitsOn, { n, crashAt: 6 }));
      holder.release();
      await holder.done;
      const results = await Promise.allSettled(runs);
      results.forEach((r, n) => {
        if (n === 6) {
          assert.equal(r.status, 'rejected');
          assert.ok((r as PromiseRejectedResult).reason instanceof WorkerCrashedError);
          assert.equal((r as PromiseRejectedResult).reason.exitCode, 5);
        } else assert.deepEqual(r, { status: 'fulfilled', value: n });
      });
      assert.ok(pool.stats().batches >= 1);
      assert.equal(pool.stats().crashed, 1, 'one crash is reported, for the one task');
      assert.equal(await pool.run(t.double, 4), 8);
    });

    test('a timed task among batched ones keeps its own timeout, counted from its start', async () => {
      await using pool = make();
      const holder = await hold(pool);
      const n = name('timed');
      const before = Array.from({ length: 5 }, (_, i) => pool.run(t.double, i));
      const timed = pool.run(t.waitsForAbort, { gate: gate.url, name: n }, { timeout: 150 });
      const afterTimed = Array.from({ length: 5 }, (_, i) => pool.run(t.double, i + 5));
      // Held far longer than the timeout: if it counted from queueing it would already have fired.
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(gate.count(n), 0, 'the timed task has not started yet');
      holder.release();
      await holder.done;
      assert.deepEqual(await Promise.all(before), [0, 2, 4, 6, 8]);
      assert.equal((await rejection(timed)).name, 'TimeoutError');
      await gate.arrived(`${n}-aborted`);
      assert.deepEqual(await Promise.all(afterTimed), [10, 12, 14, 16, 18]);
    });

    test('close({ cancel: true }) with a batch in flight: every task settles, nothing is left', async () => {
      const pool = make();
      const holder = await hold(pool);
      const names = Array.from({ length: 5 }, () => name('c'));
      const runs = names.map((n) => pool.run(t.held, { gate: gate.url, name: n }));
      holder.release();
      await holder.done;
      await gate.arrived(names[0]!);
      const settled = Promise.allSettled(runs);
      await pool.close({ cancel: true });
      const results = await settled;
      for (const r of results) {
        assert.equal(r.status, 'rejected');
        assert.equal((r as PromiseRejectedResult).reason.name, 'AbortError');
      }
      assert.equal(pool.stats().workers, 0);
    });
  });
}
