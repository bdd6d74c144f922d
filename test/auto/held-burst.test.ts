// The loop's lane (Inline.lane and runHeld → LoopExecutor.runNow): calls of a task known tiny
// and synchronous run at once, without a loop entry or a promise of the loop's; so do the rest of
// a new task's first burst, held while its module loads, once its first calls show it tiny. Each
// call must still behave as if run() had run it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { auto } from '../../src/auto/index.js';
import { tasks } from '../../src/task.js';
import { runInScope } from '../../src/scope.js';

type Lane = typeof import('../fixtures/auto/lane.js');
// A module this process has not imported yet, for each test: a loaded one is not waited for.
let fresh = 0;
const lane = () => tasks<Lane>(new URL(`../fixtures/auto/lane.ts?fresh=${++fresh}`, import.meta.url));
// `min: 0`: no thread starts, so the burst is probed on the loop and held while the module loads.
const cold = () => auto({ threads: { min: 0 }, processes: { max: 1 } });
const N = 3_000;

/**
 * Every call counted once, on the loop but for a few: on a loaded machine two probes of a tiny
 * task can run over the tiny limit, which starts a thread (wantsThreadSoon), and then one call
 * in 64 may be resampled on it while it is idle (router.ts).
 */
function assertMostlyOnLoop(runs: { loop: number; threads: number; processes: number }, total: number): void {
  assert.equal(runs.loop + runs.threads + runs.processes, total, JSON.stringify(runs));
  assert.ok(runs.threads <= Math.ceil(total / 64) && runs.processes === 0, JSON.stringify(runs));
}

describe('auto(): the calls of a task known tiny and synchronous run in the loop\'s lane', () => {
  test('most calls share the lane\'s context; every call is counted on the loop, and explain() agrees', async () => {
    await using pool = cold();
    const l = lane();
    const same = await Promise.all(Array.from({ length: N }, (_, i) => pool.run(l.sameContext, i)));
    const d = pool.explain(l.sameContext);
    // Through run(), each call has its own context (a loop entry): no two in a row are the same.
    assert.ok(same.filter(Boolean).length > N / 2, `${same.filter(Boolean).length} of ${N} in the lane; ${JSON.stringify(d.profile.perModel)} ${d.reason}`);
    assert.equal(d.model, 'loop', d.reason);
    assertMostlyOnLoop(d.profile.runsByModel, N);
    const s = pool.stats();
    assert.deepEqual([s.submitted, s.completed, s.failed, s.queued, s.running], [N, N, 0, 0, 0]);
  });

  test('a call that throws fails alone, with its own error; the others return their results in order', async () => {
    await using pool = cold();
    const l = lane();
    const out = await Promise.allSettled(Array.from({ length: N }, (_, i) => pool.run(l.doubleOrThrow, i)));
    out.forEach((r, i) => {
      if (i % 10 === 0) {
        assert.equal(r.status, 'rejected');
        assert.ok(r.status === 'rejected' && r.reason instanceof RangeError, String(i));
        assert.match((r as PromiseRejectedResult).reason.message, new RegExp(`${i} is a multiple of 10`));
      } else {
        assert.deepEqual(r, { status: 'fulfilled', value: 2 * i });
      }
    });
    const s = pool.stats();
    assert.deepEqual([s.submitted, s.completed, s.failed], [N, N - N / 10, N / 10]);
  });

  test('calls made inside a cancelled scope are cancelled, the rest run, whichever came first', async () => {
    const cancelled = { signal: AbortSignal.abort(new Error('scope cancelled')), deadline: Infinity };
    for (const firstInScope of [false, true]) {
      await using pool = cold();
      const l = lane();
      // The module loads in the first call's async context: the held calls must each keep their own.
      const calls = Array.from({ length: 200 }, (_, i) => {
        const inScope = (i % 2 === 0) === firstInScope;
        return { inScope, p: inScope ? runInScope(cancelled, () => pool.run(l.checked, i)) : pool.run(l.checked, i) };
      });
      const out = await Promise.allSettled(calls.map((c) => c.p));
      out.forEach((r, i) => {
        if ((calls[i] as { inScope: boolean }).inScope) assert.equal(r.status === 'rejected' && (r.reason as Error).message, 'scope cancelled', `call ${i}`);
        else assert.deepEqual(r, { status: 'fulfilled', value: i }, `call ${i}`);
      });
    }
  });

  test('calls with their own options are run as run() runs them: an aborted signal cancels only its call', async () => {
    await using pool = cold();
    const l = lane();
    const stop = AbortSignal.abort(new Error('stopped'));
    const out = await Promise.allSettled(Array.from({ length: 300 }, (_, i) => pool.run(l.checked, i, i % 3 === 1 ? { signal: stop } : undefined)));
    out.forEach((r, i) => {
      if (i % 3 === 1) assert.equal(r.status === 'rejected' && (r.reason as Error).message, 'stopped', `call ${i}`);
      else assert.deepEqual(r, { status: 'fulfilled', value: i });
    });
  });

  test('a later burst of a task known tiny runs in the lane too; calls given options run as run() runs them', async () => {
    await using pool = cold();
    const l = lane();
    for (let i = 0; i < 3; i++) await pool.run(l.sameContext, i);
    assert.equal(pool.explain(l.sameContext).behaviour, 'tiny');
    const same = await Promise.all(Array.from({ length: N }, (_, i) => pool.run(l.sameContext, i)));
    assert.ok(same.filter(Boolean).length > N / 2, `${same.filter(Boolean).length} of ${N} in the lane`);
    const withOptions = await Promise.all(Array.from({ length: 500 }, (_, i) => pool.run(l.sameContext, i, { timeout: 60_000 })));
    assert.equal(withOptions.filter(Boolean).length, 0, 'each with a context of its own');
    assertMostlyOnLoop(pool.explain(l.sameContext).profile.runsByModel, 3 + N + 500);
  });

  test('a call of a task known tiny made inside a cancelled scope is cancelled, not run in the lane', async () => {
    await using pool = cold();
    const l = lane();
    for (let i = 0; i < 3; i++) await pool.run(l.checked, i);
    const cancelled = { signal: AbortSignal.abort(new Error('scope cancelled')), deadline: Infinity };
    const inScope = await Promise.allSettled(runInScope(cancelled, () => Array.from({ length: 50 }, (_, i) => pool.run(l.checked, i))));
    assert.ok(inScope.every((r) => r.status === 'rejected' && (r.reason as Error).message === 'scope cancelled'), JSON.stringify(inScope.slice(0, 3)));
    assert.deepEqual(await Promise.all([7, 8].map((i) => pool.run(l.checked, i))), [7, 8]);
  });

  test('a task that starts returning promises in the lane is held as a running call until each settles, and counted once', async () => {
    const pool = cold();
    const l = lane();
    for (let i = 0; i < 3; i++) await pool.run(l.laterAsync, i);
    const out = await Promise.all(Array.from({ length: 300 }, (_, i) => pool.run(l.laterAsync, i)));
    assert.deepEqual(out, Array.from({ length: 300 }, (_, i) => i));
    const s = pool.stats();
    assert.deepEqual([s.submitted, s.completed, s.failed, s.running, s.queued], [303, 303, 0, 0, 0]);
    // close() waits for calls still running: none are left behind.
    const late = pool.run(l.laterAsync, 500);
    await pool.close();
    assert.equal(await late, 500);
  });
});
