import { test } from 'node:test';
import assert from 'node:assert/strict';
import { group, gather, settle, loop } from '../../src/loop/index.js';
import { threads } from '../../src/threads/index.js';
import { tasks } from '../../src/task.js';
import { TaskGroupError, isCancellation } from '../../src/errors.js';
import { Gate } from '../helpers/gate.js';
import { ManualClock, flush } from './manual-clock.js';
import { rejection } from '../helpers/rejection.js';


/** Resolves when the signal aborts, then rejects with its reason, like a well-behaved task. */
function untilAborted(signal: AbortSignal, log?: string[], name?: string): Promise<never> {
  return new Promise((_, reject) => {
    const stop = () => {
      if (log && name) log.push(`${name} stopped`);
      reject(signal.reason);
    };
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
}

test('group: resolves with the body result when every child succeeds', async () => {
  const out = await group(async (g) => {
    const a = g.spawn(async () => 1);
    const b = g.spawn(() => 2);
    return (await a.result) + (await b.result);
  });
  assert.equal(out, 3);
});

test('group: one failure → siblings cancelled, the group waits for them, then one TaskGroupError', async () => {
  const log: string[] = [];
  const boom = new Error('boom');
  const e = await rejection(
    group(async (g) => {
      g.spawn(({ signal }) => untilAborted(signal, log, 'sibling-1'));
      g.spawn(({ signal }) => untilAborted(signal, log, 'sibling-2'));
      g.spawn(async () => {
        await flush(1);
        throw boom;
      });
      await untilAborted(g.signal, log, 'body');
    }),
  );
  assert.ok(e instanceof TaskGroupError);
  assert.ok(e instanceof AggregateError);
  assert.equal(e.code, 'ERR_BOUNDWISE_TASK_GROUP');
  assert.deepEqual(e.errors, [boom], 'even a single failure is wrapped; cancellations are not failures');
  assert.deepEqual(log.sort(), ['body stopped', 'sibling-1 stopped', 'sibling-2 stopped']);
});

test('group: every failure is collected, and the body failing counts too', async () => {
  const e = await rejection(
    group(async (g) => {
      g.spawn(async ({ signal }) => {
        await untilAborted(signal).catch(() => {});
        throw new RangeError('cleanup failed'); // not a cancellation: a second failure
      });
      await flush(1);
      throw new TypeError('body failed');
    }),
  );
  assert.ok(e instanceof TaskGroupError);
  assert.deepEqual(
    e.errors.map((x: Error) => x.constructor.name).sort(),
    ['RangeError', 'TypeError'],
  );
});

test('group: a child timing out on its own (before the group aborted) is a failure', async () => {
  await using io = loop();
  const e = await rejection(group((g) => {
    g.spawn(() => io.run(() => new Promise(() => {}), undefined, { timeout: 1 }));
  }));
  assert.ok(e instanceof TaskGroupError);
  assert.equal(e.errors[0].name, 'TimeoutError');
});

test('group: cancelled from outside → the outer reason, not a TaskGroupError', async () => {
  const ac = new AbortController();
  const log: string[] = [];
  const p = group(
    (g) => {
      g.spawn(({ signal }) => untilAborted(signal, log, 'child'));
    },
    { signal: ac.signal },
  );
  await flush();
  const reason = new Error('user left');
  ac.abort(reason);
  assert.equal(await rejection(p), reason);
  assert.deepEqual(log, ['child stopped']);
});

test('group: timeout → TimeoutError after every child stopped; no timer left', async () => {
  const clock = new ManualClock();
  const log: string[] = [];
  const p = group(
    (g) => {
      g.spawn(({ signal }) => untilAborted(signal, log, 'child'));
    },
    { timeout: 500, clock },
  );
  await flush();
  clock.advance(499);
  await flush();
  assert.deepEqual(log, []);
  clock.advance(1);
  const e = await rejection(p);
  assert.equal(e.name, 'TimeoutError');
  assert.match(e.message, /500 ms/);
  assert.deepEqual(log, ['child stopped']);
  assert.equal(clock.pending, 0);
});

test('group: tasks started on an executor inside a child are cancelled through the ambient scope', async () => {
  await using io = loop();
  let sawAbort = false;
  const e = await rejection(
    group((g) => {
      // No signal passed along: the loop's run() picks up the group's scope.
      g.spawn(() =>
        io.run(async ({ signal }) => {
          await untilAborted(signal).catch((reason: unknown) => {
            sawAbort = isCancellation(reason);
            throw reason;
          });
        }),
      );
      g.spawn(async () => {
        await flush(1);
        throw new Error('sibling failed');
      });
    }),
  );
  assert.ok(e instanceof TaskGroupError);
  assert.equal(e.errors.length, 1);
  assert.equal(sawAbort, true);
});

test('group: a task on a worker thread is cancelled through the group too', async () => {
  const gate = await Gate.start();
  const t = tasks<typeof import('../fixtures/tasks.js')>(new URL('../fixtures/tasks.ts', import.meta.url));
  try {
    await using pool = threads({ max: 1 });
    const e = await rejection(
      group((g) => {
        g.spawn(() => pool.run(t.waitsForAbort, { gate: gate.url, name: 'threaded' }));
        g.spawn(async () => {
          await gate.arrived('threaded');
          throw new Error('sibling failed');
        });
      }),
    );
    assert.ok(e instanceof TaskGroupError);
    assert.equal(e.errors.length, 1);
    await gate.arrived('threaded-aborted'); // the worker's task saw its signal abort
  } finally {
    await gate.close();
  }
});

test('group: spawn() after the group finished throws', async () => {
  let escaped: { spawn(fn: () => unknown): unknown } | undefined;
  await group((g) => {
    escaped = g;
  });
  assert.throws(() => escaped?.spawn(() => 1), /after the group finished/);
});

test('gather: the first failure rejects and the others keep running', async () => {
  let finished = false;
  let release!: () => void;
  const later = new Promise<void>((r) => (release = r));
  const e = await rejection(
    gather([
      async ({ signal }: { signal: AbortSignal }) => {
        await later;
        finished = !signal.aborted;
      },
      Promise.reject(new Error('first')),
    ]),
  );
  assert.equal(e.message, 'first');
  release();
  await flush();
  assert.equal(finished, true, 'not cancelled');
  const ok = await gather([1, Promise.resolve('two'), () => 3n] as const);
  assert.deepEqual(ok, [1, 'two', 3n]);
});

test('settle: every outcome in order, never rejects', async () => {
  const out = await settle([() => 1, Promise.reject(new Error('no')), async () => 'three']);
  assert.equal(out.length, 3);
  assert.deepEqual(out[0], { ok: true, value: 1 });
  assert.equal(out[1].ok, false);
  assert.equal(!out[1].ok && (out[1].error as Error).message, 'no');
  assert.deepEqual(out[2], { ok: true, value: 'three' });
});
