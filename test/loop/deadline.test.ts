import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withTimeout, withDeadline, moveOnAfter, loop } from '../../src/loop/index.js';
import { currentScope } from '../../src/scope.js';
import type { TaskContext } from '../../src/task.js';
import { ManualClock, flush } from './manual-clock.js';
import { rejection } from '../helpers/rejection.js';


const forever = () => new Promise<never>(() => {});

test('withTimeout: returns the result, passes { signal, deadline }, leaves no timer', async () => {
  const clock = new ManualClock(5_000);
  const out = await withTimeout(
    300,
    ({ signal, deadline }) => {
      assert.equal(deadline, 5_300);
      assert.equal(currentScope()?.signal, signal, 'the scope is ambient inside');
      return 'done';
    },
    { clock },
  );
  assert.equal(out, 'done');
  assert.equal(clock.pending, 0);
  assert.equal(currentScope(), undefined, 'and not outside');
});

test('withTimeout: its own deadline → TimeoutError at its boundary, even if fn ignores the signal', async () => {
  const clock = new ManualClock();
  let signal!: AbortSignal;
  const p = withTimeout(
    100,
    (ctx) => {
      signal = ctx.signal;
      return forever();
    },
    { clock },
  );
  clock.advance(100);
  const e = await rejection(p);
  assert.equal(e.name, 'TimeoutError');
  assert.match(e.message, /withTimeout\(100 ms\)/);
  assert.equal(signal.reason, e);
});

test('nesting: an inner scope cannot extend the outer deadline, and the outer one throws', async () => {
  const clock = new ManualClock(0);
  let innerDeadline = 0;
  let innerError: unknown;
  const outer = withTimeout(
    100,
    async () => {
      try {
        await withTimeout(
          10_000,
          async ({ deadline }) => {
            innerDeadline = deadline;
            await forever();
          },
          { clock },
        );
      } catch (error) {
        innerError = error;
      }
      return forever();
    },
    { clock },
  );
  clock.advance(100);
  const e = await rejection(outer);
  assert.equal(innerDeadline, 100, 'the effective deadline is the earliest');
  assert.match(e.message, /withTimeout\(100 ms\)/, 'the scope whose deadline passed throws');
  assert.equal(clock.pending, 0, 'the inner scope armed no timer of its own');
  assert.equal(innerError, undefined, 'the inner body ignored its signal, so nothing came out of it');
});

test('nesting: an inner scope cut short by the outer one passes the outer error through unchanged', async () => {
  const clock = new ManualClock(0);
  let innerError: unknown;
  const outer = withTimeout(
    100,
    async () => {
      try {
        await withTimeout(10_000, ({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))), { clock });
      } catch (error) {
        innerError = error;
      }
      await forever();
    },
    { clock },
  );
  clock.advance(100);
  const e = await rejection(outer);
  await flush();
  assert.equal(innerError, e, 'not a TimeoutError of its own: the outer scope’s');
});

test('nesting: a shorter inner timeout throws at the inner boundary; the outer scope goes on', async () => {
  const clock = new ManualClock(0);
  const outer = withTimeout(
    1_000,
    async ({ signal }) => {
      const inner = withTimeout(50, forever, { clock });
      clock.advance(50);
      const e = await rejection(inner);
      assert.match(e.message, /withTimeout\(50 ms\)/);
      assert.equal(signal.aborted, false);
      return 'outer finished';
    },
    { clock },
  );
  assert.equal(await outer, 'outer finished');
  assert.equal(clock.pending, 0);
});

test('moveOnAfter: undefined on its own deadline; an outer deadline still throws through it', async () => {
  const clock = new ManualClock(0);
  const p = moveOnAfter(20, forever, { clock });
  clock.advance(20);
  assert.equal(await p, undefined);
  assert.equal(await moveOnAfter(20, () => 'in time', { clock }), 'in time');

  const outer = withTimeout(
    10,
    () => moveOnAfter(1_000, ({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))), { clock }),
    { clock },
  );
  clock.advance(10);
  assert.equal((await rejection(outer)).name, 'TimeoutError');
});

test('the deadline reaches a task on an executor as its context.signal', async () => {
  const clock = new ManualClock();
  await using io = loop();
  let taskSignal!: AbortSignal;
  const p = withTimeout(
    100,
    () =>
      io.run(async (ctx: TaskContext) => {
        taskSignal = ctx.signal;
        await forever();
      }),
    { clock },
  );
  await flush();
  clock.advance(100);
  const e = await rejection(p);
  assert.equal(taskSignal.aborted, true);
  assert.equal(taskSignal.reason, e);
});

test('withDeadline: a Date or a number on the performance.now() scale; a past deadline runs nothing', async () => {
  const clock = new ManualClock(1_000);
  let ran = false;
  const e = await rejection(withDeadline(500, () => (ran = true), { clock }));
  assert.equal(e.name, 'TimeoutError');
  assert.equal(ran, false);
  const d = await withDeadline(new Date(Date.now() + 60_000), ({ deadline }) => deadline, { clock });
  assert.ok(Math.abs(d - 61_000) < 1_000, `a Date 60 s ahead maps to ~61000 on this clock, got ${d}`);
  assert.equal(clock.pending, 0);
});

test('a signal option cancels the scope with its reason', async () => {
  const ac = new AbortController();
  const p = withTimeout(60_000, ({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))), {
    signal: ac.signal,
  });
  ac.abort(new Error('user cancelled'));
  assert.equal((await rejection(p)).message, 'user cancelled');
});

test('bad arguments are rejected, naming them', async () => {
  assert.equal((await rejection(withTimeout(-1, () => 1))).name, 'OptionRangeError');
  assert.equal((await rejection(withTimeout(1, 'x' as never))).name, 'InvalidOptionError');
  assert.equal((await rejection(withDeadline(new Date(NaN), () => 1))).name, 'InvalidOptionError');
});
