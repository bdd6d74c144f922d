/**
 * run()'s overloads: a closure given no input takes its context first (as in
 * p-queue); a task's input may be left out only when it is optional. The
 * @ts-expect-error lines are checked by `npm run typecheck`; the calls run too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auto, loop, tasks, threads, type TaskContext } from '../../src/index.js';

type Fixtures = typeof import('../fixtures/tasks.js');
const t = tasks<Fixtures>(new URL('../fixtures/tasks.js', import.meta.url));

test('loop(): a closure with no input gets the context first; with an input, (input, context)', async () => {
  await using io = loop();
  const aborted: boolean = await io.run(async ({ signal }) => signal.aborted);
  assert.equal(aborted, false);
  assert.equal(await io.run(async ({ signal }) => signal instanceof AbortSignal, undefined, { timeout: 1_000 }), true);
  assert.equal(await io.run((n: number, ctx: TaskContext) => n + Number(ctx.signal.aborted), 41), 41);
  assert.equal(await io.run(() => 'no input'), 'no input');
  // @ts-expect-error a context-first closure given an input
  await io.run(async ({ signal }: TaskContext) => signal.aborted, 5).catch(() => undefined);
});

test('auto(): a closure with no input gets the context first too', async () => {
  await using pool = auto();
  assert.equal(await pool.run(async ({ signal }) => signal.aborted), false);
});

test('a task whose input is required cannot be run without one; an optional or absent input may be left out', async () => {
  await using pool = threads({ max: 1 });
  assert.equal(await pool.run(t.double, 21), 42);
  assert.equal(await pool.run(t.noop), undefined);
  if (Math.random() > 2) {
    // Type errors only: never run.
    // @ts-expect-error double needs its number
    await pool.run(t.double);
    // @ts-expect-error leaving it undefined explicitly is no better
    await pool.run(t.double, undefined, { timeout: 10 });
    // @ts-expect-error the wrong input type
    await pool.run(t.double, 'x');
  }
});
