/**
 * auto() with real executors: each kind of task ends up on the model that fits,
 * the reason names the numbers, pins win, and a task whose behaviour changes
 * is re-routed. Assertions are on decisions, never on timings.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { auto } from '../../src/auto/index.js';
import { importModule, tasks } from '../../src/task.js';
import { Gate } from '../helpers/gate.js';
import { warmAuto } from '../helpers/warm-auto.js';
import { WorkerCrashedError } from '../../src/errors.js';

const w = tasks<typeof import('../fixtures/auto/work.js')>(new URL('../fixtures/auto/work.ts', import.meta.url));
const f = tasks<typeof import('../fixtures/tasks.js')>(new URL('../fixtures/tasks.ts', import.meta.url));

async function runMany<T>(n: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await fn(i));
  return out;
}

describe('auto(): routes each task to the model that fits', () => {
  test('async waiting → loop', async () => {
    await using pool = auto();
    await runMany(4, () => pool.run(w.sleepy, 30));
    const d = pool.explain(w.sleepy);
    assert.equal(d.model, 'loop', d.reason);
    assert.equal(d.behaviour, 'waiting-async');
    assert.match(d.reason, /^loop — waits \d+ % of its/);
  });

  test('a little work on a large input → loop: copying it to a thread costs more than the work', async () => {
    await using pool = await warmAuto();
    // 16 MB to copy in (~10 ms: allocated and filled on the thread) for ~2 ms of adding up.
    const values = new Float64Array(2_000_000).fill(0.5);
    const sums: number[] = [];
    for (let round = 0; round < 2; round++) sums.push(...(await Promise.all(Array.from({ length: 24 }, () => pool.run(w.sumAll, values)))));
    assert.ok(sums.length === 48 && sums.every((x) => x === 1_000_000), 'every call summed its input');
    const d = pool.explain(w.sumAll);
    assert.equal(d.model, 'loop', d.reason);
    assert.equal(d.behaviour, 'tiny');
    assert.match(d.reason, /^loop — a call costs the loop .* ms, and a thread .* ms plus .* ms copying its input and output/);
    // It was measured on threads first (two first runs, cold, and up to three probes), then moved:
    // calls released from the gate together never spill to threads while the loop trial is full.
    // (Beside two CPU hogs the probes can measure over COPY_TRIAL_MAX_MS, and most of the first
    // round goes to threads before later runs show the copying: then the second is on the loop.)
    const { threads: onThreads, loop: onLoop } = d.profile.runsByModel;
    assert.ok(onThreads >= 2 && (onThreads <= 6 || (onThreads <= 26 && onLoop >= 22)) && onThreads + onLoop === 48, d.reason);
  });

  test('heavy CPU → threads', async () => {
    await using pool = auto();
    await runMany(3, () => pool.run(w.spin, 30));
    const d = pool.explain(w.spin);
    assert.equal(d.model, 'threads', d.reason);
    // A thread throttled by its cgroup's CPU quota (a crowded shared host) is neither running nor
    // queued for a CPU, so its time can read as blocking: both mean threads.
    assert.ok(d.behaviour === 'calculating' || d.behaviour === 'waiting-blocking', d.reason);
    if (d.behaviour === 'calculating') assert.match(d.reason, /^threads — calculates \d+ % of its \d+(\.\d)? ms; dispatch costs ~/);
  });

  test('tiny CPU → inline on the loop, and it stays there', async () => {
    await using pool = auto();
    await runMany(50, (i) => pool.run(w.tiny, i));
    const d = pool.explain(w.tiny);
    assert.equal(d.model, 'loop', d.reason);
    assert.equal(d.behaviour, 'tiny');
    const s = pool.stats();
    const report = s.tasks['work.ts#tiny'];
    assert.ok(report, 'stats() reports the task');
    assert.ok(report.profile.runsByModel.loop >= 40, `most runs inline: ${JSON.stringify(report.profile.runsByModel)}`);
  });

  test('blocking waits → threads, pool sized from the measurements', async () => {
    await using pool = auto();
    await runMany(3, () => pool.run(w.blockingSleep, 40));
    const d = pool.explain(w.blockingSleep);
    assert.equal(d.model, 'threads', d.reason);
    assert.equal(d.behaviour, 'waiting-blocking');
    assert.ok((d.threads ?? 0) > 2, `more threads than cores for waiting: ${d.threads}`);
    // Many at once: they run on the blocking pool, which grows past the core count.
    await Promise.all(Array.from({ length: 8 }, () => pool.run(w.blockingSleep, 40)));
    assert.ok(pool.stats().workers > 2, `workers: ${pool.stats().workers}`);
  });

  test('a task that crashes its worker → processes; no other task fails', async () => {
    await using pool = auto({ processes: { max: 2 } });
    // A first wave finds out that it crashes; the second runs where that cannot hurt.
    const first = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => pool.run(w.sometimesCrash, i)));
    const second = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => pool.run(w.sometimesCrash, i + 5)));
    const results = [...first, ...second];
    results.forEach((r, i) => {
      if (i % 5 === 4) {
        assert.equal(r.status, 'rejected', `input ${i} crashes`);
        assert.ok((r as PromiseRejectedResult).reason instanceof WorkerCrashedError);
      } else {
        assert.deepEqual(r, { status: 'fulfilled', value: i }, `input ${i} completes`);
      }
    });
    const d = pool.explain(w.sometimesCrash);
    assert.equal(d.model, 'processes', d.reason);
    assert.match(d.reason, /crashed its worker/);
    assert.ok(pool.stats().tasks['work.ts#sometimesCrash']!.profile.runsByModel.processes > 0);
  });

  test('a pin always wins', async () => {
    await using pool = auto({ pin: { [String(w.tiny)]: 'processes' } });
    await runMany(3, (i) => pool.run(w.tiny, i));
    const d = pool.explain(w.tiny);
    assert.equal(d.model, 'processes');
    assert.equal(d.behaviour, 'pinned');
    assert.equal(pool.stats().runsByModel.processes, 3);
  });

  test('a task whose behaviour changes is re-routed', async () => {
    await using pool = auto();
    await runMany(4, () => pool.run(w.chameleon, { mode: 'wait', ms: 20 }));
    assert.equal(pool.explain(w.chameleon).model, 'loop');
    // Now it calculates: on the loop its synchronous part blocks, which the profile sees.
    await runMany(8, () => pool.run(w.chameleon, { mode: 'spin', ms: 30 }));
    const d = pool.explain(w.chameleon);
    // Re-routed off the loop. (On a crowded machine a spinning thread's CPU clock can lag,
    // so the measurements may call it blocking rather than calculating: both mean threads.)
    assert.equal(d.model, 'threads', d.reason);
    assert.notEqual(d.behaviour, 'waiting-async');
  });

  test('an unknown task says it is being probed, and where', () => {
    const pool = auto();
    const d = pool.explain(w.spin);
    assert.equal(d.model, 'threads');
    assert.match(d.reason, /probing \(0 of 2 runs measured\)/);
    return pool.close();
  });
});

describe('auto(): the head start of async functions', () => {
  // With the module already loaded (as in a service after its first calls), auto() sees at
  // once that a task is an async function.
  const loaded = importModule(w.sleepy.module);

  test('an async function is probed on the loop, from its first call', async () => {
    await loaded;
    await using pool = auto();
    assert.match(pool.explain(w.sleepy).reason, /^loop — probing \(0 of 2 runs measured\) on the event loop: it is an async function/);
    await runMany(3, () => pool.run(w.sleepy, 20));
    const d = pool.explain(w.sleepy);
    assert.equal(d.model, 'loop', d.reason);
    assert.equal(d.behaviour, 'waiting-async');
    // Usually no thread at all; if this test process's event loop was busy during a run, that
    // run proved nothing and the next ones were probed on threads as well.
    const runs = pool.stats().tasks['work.ts#sleepy']!.profile.runsByModel;
    assert.ok(runs.loop >= 1 && runs.loop + runs.threads === 3, JSON.stringify(runs));
  });

  test('headStart: false probes it on threads like any task', async () => {
    await loaded;
    await using pool = auto({ headStart: false });
    assert.match(pool.explain(w.sleepy).reason, /^threads — probing \(0 of 2 runs measured\)/);
    await runMany(3, () => pool.run(w.sleepy, 20));
    assert.equal(pool.explain(w.sleepy).model, 'loop');
    assert.ok(pool.stats().tasks['work.ts#sleepy']!.profile.runsByModel.threads >= 2, 'probed on threads');
  });

  test('an async function that blocks in its first slice loses the head start after two runs', async () => {
    await loaded;
    await using pool = auto();
    await runMany(4, () => pool.run(w.chameleon, { mode: 'spin', ms: 30 }));
    const d = pool.explain(w.chameleon);
    assert.equal(d.model, 'threads', d.reason);
    assert.notEqual(d.behaviour, 'waiting-async');
    // The first long slice is forgiven once (it may be one-time work, like a first fetch()); the second is not.
    assert.equal(pool.stats().tasks['work.ts#chameleon']!.profile.runsByModel.loop, 2, 'only the runs that showed it');
  });

  test('an async function that calculates after an await (a busy loop) is probed on threads after all', async () => {
    await loaded;
    await using pool = auto();
    await runMany(4, () => pool.run(w.lateSpin, 30));
    const d = pool.explain(w.lateSpin);
    assert.equal(d.model, 'threads', d.reason);
    assert.notEqual(d.behaviour, 'waiting-async');
    // The loop's share of its runs shows it (or, when the loop was saturated, proves nothing and
    // threads are asked): at most the probing runs ran on the loop.
    assert.ok(pool.stats().tasks['work.ts#lateSpin']!.profile.runsByModel.loop <= 2, JSON.stringify(pool.stats().tasks['work.ts#lateSpin']!.profile.runsByModel));
  });
});

describe('auto(): an async function measured on a saturated loop', () => {
  test('a burst that calculates after an await is not taken for waiting, and moves to threads once measured there', async () => {
    await importModule(w.lateSpin.module); // loaded here: an async function gets its head start at once
    await using pool = auto();
    // 12 at once, each 10 ms of CPU after a 1 ms wait: the loop is saturated while they run, and
    // a run's share of its CPU, spread over the 12 in flight, looked like 1 ms in 11 (waiting).
    await Promise.all(Array.from({ length: 12 }, () => pool.run(w.lateSpin, 10)));
    assert.notEqual(pool.explain(w.lateSpin).behaviour, 'waiting-async', pool.explain(w.lateSpin).reason);
    // Later bursts probe it on threads, where it runs alone: there it calculates.
    for (let burst = 0; burst < 6 && pool.explain(w.lateSpin).model !== 'threads'; burst++) {
      await Promise.all(Array.from({ length: 12 }, () => pool.run(w.lateSpin, 10)));
    }
    const d = pool.explain(w.lateSpin);
    assert.equal(d.model, 'threads', d.reason);
    assert.ok(d.profile.runsByModel.threads >= 2, JSON.stringify(d.profile.runsByModel));
  });
});

describe('auto(): a plain function that returns a promise', () => {
  test('gets the head start once its first probe returns a promise: the calls waiting for it go to the loop at once', async () => {
    await using pool = await warmAuto();
    const flags = new SharedArrayBuffer(8);
    const a = new Int32Array(flags);
    const calls = Array.from({ length: 12 }, () => pool.run(w.promised, flags));
    // Every call is held until flags[0] is set. Before, the calls after the two probes waited
    // for a probe's answer, which never came while the probes were held: only 2 got going.
    const deadline = Date.now() + 120_000; // a safety net, so a regression fails instead of hanging
    try {
      while (Atomics.load(a, 1) < 12) {
        assert.ok(Date.now() < deadline, `only ${Atomics.load(a, 1)} of 12 calls started while the probes were held`);
        await new Promise((r) => setTimeout(r, 5));
      }
    } finally {
      Atomics.store(a, 0, 1); // let them all end, whatever happened, so close() can drain
      Atomics.notify(a, 0);
    }
    assert.deepEqual(await Promise.all(calls), Array(12).fill('open'));
    const runs = pool.stats().tasks['work.ts#promised']!.profile.runsByModel;
    assert.ok(runs.threads >= 1 && runs.loop >= 1 && runs.loop + runs.threads === 12, JSON.stringify(runs));
    await runMany(3, () => pool.run(w.promised, flags));
    const d = pool.explain(w.promised);
    assert.equal(d.model, 'loop', d.reason);
  });

  test('a short synchronous calculation is not tried on the loop: it would cost the loop the same CPU, on one core', async () => {
    await using pool = await warmAuto();
    // 1.5 ms: above the tiny limit however loaded the machine (dispatch samples count at most 0.5 ms),
    // under LOOP_TRIAL_MS, where a task that returns a promise is tried on the loop.
    await runMany(6, () => pool.run(w.spin, 1.5));
    const d = pool.explain(w.spin);
    assert.equal(d.model, 'threads', d.reason);
    assert.doesNotMatch(d.reason, /tried on the loop/);
    assert.equal(pool.stats().tasks['work.ts#spin']!.profile.runsByModel.loop, 0);
  });

  test('whose synchronous part is long stays on threads', async () => {
    await using pool = auto();
    await runMany(4, () => pool.run(w.spinThenPromise, 30));
    const d = pool.explain(w.spinThenPromise);
    assert.equal(d.model, 'threads', d.reason);
    // At most its first call ran on the loop: a probe there while no thread had started, stopped
    // after 25 ms (then run again on a thread), or, on a busy machine, where that limit stretches,
    // let finish.
    assert.ok(pool.stats().tasks['work.ts#spinThenPromise']!.profile.runsByModel.loop <= 1, d.reason);
  });
});

describe('auto(): a burst routed to threads from the gate', () => {
  test('is measured only for its first runs and then now and then, so the rest can be batched', async () => {
    await using pool = await warmAuto({ threads: { max: 2 }, maxBlockingThreads: 0 });
    // 60 calls at once: all wait at the gate for the probes, then go to threads together, before any
    // measured run has answered. Measured runs are never batched; all 60 were measured before.
    // 4 ms: over LOOP_TRIAL_MS (no loop trial to trickle them out), under PROCESS_TRIAL_MS.
    await Promise.all(Array.from({ length: 60 }, () => pool.run(w.spin, 4)));
    const p = pool.stats().tasks['work.ts#spin']!.profile;
    assert.equal(p.runsByModel.threads, 60, pool.explain(w.spin).reason);
    // Probes, the first 8 (counting those still out) and one in 8 after them.
    assert.ok(p.samples <= 4 + 8 + 60 / 8 + 1, `${p.samples} of 60 runs were measured`);
  });
});

describe('auto(): a synchronous burst of calls to a new task', () => {
  test('is routed while the burst goes on: the probes are read synchronously', async () => {
    // One thread, started before the burst: a thread still starting needs the event loop to
    // finish starting, so it could not answer during a synchronous loop.
    const pool = auto({ threads: { max: 1 }, maxBlockingThreads: 0 });
    await pool.run(w.spin, 1);
    const calls: Promise<number>[] = [];
    const pause = new Int32Array(new SharedArrayBuffer(4));
    // One synchronous loop, as a caller mapping over an array would write it (with short
    // pauses, so the probe threads can answer however busy the machine is).
    for (let i = 0; i < 2_000 && pool.explain(w.tiny).behaviour === 'unknown'; i++) {
      for (let k = 0; k < 32; k++) calls.push(pool.run(w.tiny, k));
      Atomics.wait(pause, 0, 0, 1);
    }
    assert.equal(pool.explain(w.tiny).behaviour, 'tiny', 'decided before the burst yielded');
    const later = pool.run(w.tiny, 3);
    assert.equal(pool.stats().tasks['work.ts#tiny']!.model, 'loop');
    const out = await Promise.all([...calls, later]);
    assert.equal(out.length, calls.length + 1);
    assert.ok(out.every((v) => typeof v === 'number'));
    await pool.close();
  });
});

describe('auto(): map() keeps as many calls in flight as where the task runs allows', () => {
  test('an async task on the loop gets the loop\'s window, not a pool\'s', async () => {
    const gate = await Gate.start();
    // Pinned to the loop: this test is about the window map() asks for, not about routing. Unpinned,
    // a loaded machine can make the first slices of these calls (fetch's first use) read as
    // blocking, which takes the head start away while all of them still wait at the gate; the
    // window then shrinks to a pool's and the 30 arrivals could never happen (the file hung).
    await using pool = auto({ loop: { concurrency: 64 }, pin: { [String(f.held)]: 'loop' } });
    assert.equal(pool.explain(f.held).model, 'loop');
    const names = Array.from({ length: 30 }, () => 'map-window');
    const all = (async () => {
      const out: string[] = [];
      for await (const v of pool.map(f.held, names.map((name) => ({ gate: gate.url, name })))) out.push(v);
      return out;
    })();
    // All 30 are waiting at the gate at once: a window of 16 (2 × cores) could never get there.
    // If the map fails first (a fetch refused on a loaded machine), the test fails instead of hanging.
    try {
      await Promise.race([gate.arrived('map-window', 30), all.then(() => assert.fail('map() ended before all 30 arrived'))]);
      gate.open('map-window');
      assert.equal((await all).length, 30);
    } finally {
      gate.open('map-window');
      await gate.close();
    }
  });
});

describe('auto(): a new task while no thread has started is probed on the loop', () => {
  // `min: 0`: no thread starts until a call goes to one, so the pool is sure to be cold; with
  // the default, threads start with auto() and the first calls race their start-up.
  const cold = () => auto({ threads: { min: 0, cancelGrace: 50 }, processes: { max: 2 } });

  test('a burst of tiny calls is decided on the loop, and never waits for a thread', async () => {
    await using pool = cold();
    const out = await Promise.all(Array.from({ length: 500 }, (_, i) => pool.run(w.tiny, i)));
    assert.equal(out.length, 500);
    const d = pool.explain(w.tiny);
    assert.equal(d.model, 'loop', d.reason);
    assert.equal(d.behaviour, 'tiny');
    assert.deepEqual(d.profile.runsByModel, { loop: 500, threads: 0, processes: 0 });
    assert.equal(pool.stats().workers, 1, 'the event loop, and no thread or process started for it');
  });

  test('a probe that runs longer than tiny starts one thread meanwhile; a tiny one starts none', async () => {
    await using pool = cold();
    // 3 ms: clearly calculating, on any clock (where a thread has no CPU clock of its own, spin()
    // reads the process's, which V8's helper threads advance too).
    assert.equal(await pool.run(w.spin, 3), 3);
    assert.deepEqual(pool.stats().tasks['work.ts#spin']!.profile.runsByModel, { loop: 1, threads: 0, processes: 0 });
    assert.equal(pool.stats().workers, 2, 'the event loop, and one thread started while it probed');
  });

  test('a short calculation on a large input, copying it more than the work, stays on the loop: no call waits for a thread', async () => {
    await using pool = cold();
    // 16 MB summed in ~2 ms; a clone of it takes several times that.
    const values = new Float64Array(2_000_000).fill(0.5);
    for (let round = 0; round < 2; round++) await Promise.all(Array.from({ length: 24 }, () => pool.run(w.sumAll, values)));
    const d = pool.explain(w.sumAll);
    assert.equal(d.model, 'loop', d.reason);
    assert.match(d.reason, /copying its input and output/);
    // Decided by its probes on the loop, copying timed there too. (Beside CPU hogs a cold run can
    // measure over COPY_TRIAL_MAX_MS, and the first round goes to threads: then the second is on
    // the loop.)
    const { threads: onThreads, loop: onLoop } = d.profile.runsByModel;
    assert.ok(onThreads === 0 || (onThreads <= 26 && onLoop >= 22), JSON.stringify(d.profile.runsByModel));
  });

  test('an input given a transfer list counts no copying: it would be moved to a thread', async () => {
    await using pool = cold();
    // 8 MB each, moved: on a thread it costs nothing to send, so the loop's probes find no copying.
    const inputs = Array.from({ length: 12 }, () => new Float64Array(1_000_000).fill(0.5));
    const sums = await Promise.all(inputs.map((values) => pool.run(w.sumAll, values, { transfer: [values.buffer] })));
    assert.deepEqual(sums, Array.from({ length: 12 }, () => 500_000));
    const d = pool.explain(w.sumAll);
    assert.doesNotMatch(d.reason, /copying/, d.reason);
    assert.equal(d.model, 'threads', d.reason);
  });

  test('one with a long first run (cold) is probed on the loop again, warm, before its copying is weighed', async () => {
    await using pool = cold();
    // 8 MB: its first run (11 ms more, and the sum cold) is over LONG_ON_LOOP_MS, under the probe's limit.
    const values = new Float64Array(1_000_000).fill(0.5);
    for (let round = 0; round < 2; round++) await Promise.all(Array.from({ length: 24 }, () => pool.run(w.sumAllColdFirst, values)));
    const d = pool.explain(w.sumAllColdFirst);
    assert.equal(d.model, 'loop', JSON.stringify(d.profile.perModel) + d.reason);
    // The first run alone would have sent the whole burst to threads, copying 8 MB a call: on a
    // quiet machine none goes there. (On a loaded one the first run can pass the probe's limit,
    // which is wall time, and be stopped and run again on a thread; or a second run can meet a
    // long GC and look long too: then thread probes and a trial find the copying, a few calls
    // or the first round later. policy.test.ts has the rule itself, coldAndLong.)
    const { threads: onThreads, loop: onLoop } = d.profile.runsByModel;
    assert.ok(onThreads <= 6 || (onThreads <= 26 && onLoop >= 22), JSON.stringify(d.profile.perModel) + d.reason);
    assert.equal(onLoop + onThreads, 48);
  });

  test('calls that wait for the task module to load are counted, and close({ cancel: true }) cancels them', async () => {
    const late = tasks<typeof import('../fixtures/auto/late.js')>(new URL('../fixtures/auto/late.ts', import.meta.url));
    const pool = cold();
    const settled = Promise.allSettled([1, 2, 3].map((i) => pool.run(late.double, i)));
    const waiting = pool.stats();
    assert.equal(waiting.queued, 3, 'waiting for the module, as at a probe gate');
    assert.equal(waiting.submitted, 3);
    await pool.close({ cancel: true });
    const out = await settled;
    assert.ok(out.every((r) => r.status === 'rejected' && (r.reason as Error).name === 'AbortError'), JSON.stringify(out));
    const s = pool.stats();
    assert.deepEqual([s.submitted, s.cancelled, s.queued, s.running], [3, 3, 0, 0]);
  });

  test('a plain function that returns a promise gets the head start at its first call', async () => {
    await using pool = cold();
    await Promise.all(Array.from({ length: 8 }, () => pool.run(w.spinThenPromise, 1)));
    const d = pool.explain(w.spinThenPromise);
    assert.equal(d.model, 'loop', d.reason);
    // No call waited for a thread. (Beside CPU hogs the loop can be too busy to tell what a run cost:
    // then up to two thread probes measure it as well.)
    assert.ok(d.profile.runsByModel.threads <= 2 && d.profile.runsByModel.loop >= 6, d.reason);
  });

  test('a task that calculates for long is probed there once at most, then on threads', async () => {
    await using pool = cold();
    // 15 ms of CPU: over BLOCKING_SLICE_MS; on a loaded machine, maybe over the probe's limit too
    // (then it is stopped and run again on a thread, and no call stays on the loop).
    await Promise.all(Array.from({ length: 4 }, () => pool.run(w.spin, 15)));
    const d = pool.explain(w.spin);
    assert.equal(d.model, 'threads', d.reason);
    const runs = d.profile.runsByModel;
    assert.ok(runs.loop <= 1 && runs.loop + runs.threads === 4, JSON.stringify(runs));
  });

  test('a call that never returns is stopped on the loop and run again on a thread; the loop goes on', async () => {
    await using pool = cold();
    const hung = assert.rejects(pool.run(w.hang, undefined, { timeout: 1_000 }), { name: 'TimeoutError' });
    // The loop is free again: a timer fires, and another task runs while the hung call waits on its thread.
    await new Promise((resolve) => setTimeout(resolve, 1));
    assert.equal(await pool.run(w.tiny, 2), 147);
    await hung;
    const stats = pool.stats();
    assert.deepEqual(stats.tasks['work.ts#hang']!.profile.runsByModel, { loop: 0, threads: 1, processes: 0 }, 'counted where it ran in the end');
    // Once in stats(), though the loop saw it too: two calls, and they add up.
    assert.equal(stats.submitted, 2);
    assert.equal(stats.submitted, stats.completed + stats.failed + stats.cancelled + stats.queued + stats.running, JSON.stringify({ ...stats, tasks: undefined }));
  });

  test('process.exit() in a probe on the loop fails that call as a crash; the process lives, the task moves to processes', async () => {
    await using pool = cold();
    const exit = process.exit;
    const first = await Promise.allSettled([pool.run(w.sometimesCrash, 4)]);
    assert.equal(process.exit, exit, 'process.exit is itself again');
    const error = (first[0] as PromiseRejectedResult).reason;
    assert.ok(error instanceof WorkerCrashedError, String(error));
    assert.equal(error.code, 'ERR_BOUNDWISE_WORKER_CRASHED');
    assert.equal(error.reason, 'exit');
    assert.equal(error.exitCode, 7);
    assert.match(error.message, /work\.ts#sometimesCrash.*the exit was stopped/);
    // Every other call completes, in child processes now.
    assert.deepEqual(await Promise.all([0, 1, 2, 3].map((i) => pool.run(w.sometimesCrash, i))), [0, 1, 2, 3]);
    const d = pool.explain(w.sometimesCrash);
    assert.equal(d.model, 'processes', d.reason);
    assert.deepEqual(d.profile.runsByModel, { loop: 1, threads: 0, processes: 4 });
  });
});
