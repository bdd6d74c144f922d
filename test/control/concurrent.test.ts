/**
 * concurrentTasksPerWorker: a worker runs several async tasks at once. Real threads and
 * processes; the tasks wait at an HTTP gate, so "running at once" is seen, not timed.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { threads } from '../../src/threads/index.js';
import { processes } from '../../src/processes/index.js';
import { tasks } from '../../src/task.js';
import { InvalidOptionError, OptionRangeError, WorkerCrashedError } from '../../src/errors.js';
import type { WorkerExit } from '../../src/control.js';
import type { ExecutorStats } from '../../src/executor.js';
import { Gate } from '../helpers/gate.js';

const t = tasks<typeof import('../fixtures/tasks.js')>(new URL('../fixtures/tasks.ts', import.meta.url));

function accounted(s: ExecutorStats): void {
  assert.equal(s.submitted, s.completed + s.failed + s.cancelled + s.queued + s.running, JSON.stringify(s));
}

const pools = [
  ['threads', (o: { concurrentTasksPerWorker: number; cancelGrace?: number }) => threads({ max: 1, ...o })],
  ['processes', (o: { concurrentTasksPerWorker: number; cancelGrace?: number }) => processes({ max: 1, killTimeout: 500, ...o })],
] as const;

describe('concurrentTasksPerWorker', () => {
  let gate: Gate;
  before(async () => {
    gate = await Gate.start();
  });
  after(async () => {
    await gate.close();
  });
  let seq = 0;
  const name = (base: string) => `${base}-${++seq}`;

  for (const [kind, make] of pools) {
    test(`${kind}: one worker runs N tasks at once; the next waits for a free place`, async () => {
      await using pool = make({ concurrentTasksPerWorker: 3 });
      const names = [1, 2, 3].map(() => name('together'));
      const held = names.map((n) => pool.run(t.hold, { gate: gate.url, name: n }));
      for (const n of names) await gate.arrived(n); // all three are waiting at the gate at once
      const fourth = name('fourth');
      const queued = pool.run(t.hold, { gate: gate.url, name: fourth });
      assert.equal(pool.stats().workers, 1);
      assert.equal(pool.pending, 3);
      assert.equal(pool.size, 1, 'the fourth waits: the worker holds 3');
      assert.equal(pool.concurrencyLimit(), 3);
      gate.open(names[0] as string);
      await gate.arrived(fourth); // it took the place the first left
      for (const n of names) gate.open(n);
      gate.open(fourth);
      assert.deepEqual(await Promise.all([...held, queued]), [...names, fourth].map((n) => `${n}:open`));
      assert.deepEqual(pool.stats().workerIds, [1], 'all on the one worker');
      accounted(pool.stats());
    });

    test(`${kind}: a crash fails every task the worker was running, only those; queued work runs on a new worker`, async () => {
      await using pool = make({ concurrentTasksPerWorker: 3 });
      const exits: WorkerExit[] = [];
      pool.on('workerExit', (e) => exits.push(e));
      const names = [1, 2].map(() => name('crash-peer'));
      const held = names.map((n) => pool.run(t.hold, { gate: gate.url, name: n }));
      for (const n of names) await gate.arrived(n);
      const crash = pool.run(t.exitsOn, { n: 1, crashAt: 1 });
      const queued = pool.run(t.echo, 'after'); // no place left: it waits, and must not fail
      assert.equal(pool.size, 1);
      const outcomes = await Promise.allSettled([...held, crash]);
      for (const o of outcomes) {
        assert.equal(o.status, 'rejected');
        assert.ok((o as PromiseRejectedResult).reason instanceof WorkerCrashedError, String((o as PromiseRejectedResult).reason));
      }
      assert.equal(await queued, 'after');
      assert.deepEqual(exits.map((e) => e.reason), ['crash']);
      const s = pool.stats();
      assert.equal(s.crashed, 3);
      assert.equal(s.completed, 1);
      accounted(s);
    });

    test(`${kind}: a timeout or a signal cancels one task; the others on the worker go on`, async () => {
      await using pool = make({ concurrentTasksPerWorker: 3 });
      const exits: WorkerExit[] = [];
      pool.on('workerExit', (e) => exits.push(e));
      const peer = name('cancel-peer');
      const held = pool.run(t.hold, { gate: gate.url, name: peer });
      await gate.arrived(peer);
      const timed = name('times-out');
      const timeout = assert.rejects(
        pool.run(t.waitsForAbort, { gate: gate.url, name: timed }, { timeout: 50 }),
        (e: unknown) => (e as Error).name === 'TimeoutError',
      );
      const aborted = name('aborted');
      const controller = new AbortController();
      const signalled = pool.run(t.waitsForAbort, { gate: gate.url, name: aborted }, { signal: controller.signal });
      await gate.arrived(aborted);
      controller.abort(new Error('stop it'));
      await assert.rejects(signalled, /stop it/);
      await timeout;
      await gate.arrived(`${timed}-aborted`);
      await gate.arrived(`${aborted}-aborted`);
      gate.open(peer);
      assert.equal(await held, `${peer}:open`);
      assert.deepEqual(exits, [], 'the worker was not stopped: the cancelled tasks ended');
      assert.equal(pool.stats().cancelled, 2);
      accounted(pool.stats());
    });

    test(`${kind}: a cancelled task that ignores its signal stops the worker after cancelGrace; the others run again`, async () => {
      await using pool = make({ concurrentTasksPerWorker: 2, cancelGrace: 20 });
      const exits: WorkerExit[] = [];
      pool.on('workerExit', (e) => exits.push(e));
      const spinner = name('spinner');
      const controller = new AbortController();
      // The innocent one hits the gate first, then waits there for a gate that never opens.
      const innocentName = name('innocent-wait');
      const innocent = pool.run(t.hold, { gate: gate.url, name: innocentName });
      await gate.arrived(innocentName);
      const spinning = pool.run(t.spinsForever, { gate: gate.url, name: spinner }, { signal: controller.signal });
      await gate.arrived(spinner);
      controller.abort(new Error('cancelled'));
      await assert.rejects(spinning, /cancelled/);
      while (exits.length < 1) await new Promise((r) => setImmediate(r));
      assert.equal(exits[0]?.reason, 'cancel');
      await gate.arrived(innocentName, 2); // it ran again on the new worker
      gate.open(innocentName);
      assert.equal(await innocent, `${innocentName}:open`);
      accounted(pool.stats());
    });
  }

  test('the option is validated (an integer >= 1), naming it', () => {
    for (const make of [threads, processes]) {
      assert.throws(() => make({ concurrentTasksPerWorker: 0 }), (e: unknown) => e instanceof OptionRangeError && /concurrentTasksPerWorker/.test(e.message));
      assert.throws(() => make({ concurrentTasksPerWorker: 2.5 }), OptionRangeError);
      assert.throws(() => make({ concurrentTasksPerWorker: '2' as unknown as number }), InvalidOptionError);
    }
  });
});
