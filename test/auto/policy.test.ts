// The auto() policy, table-driven: every case and its boundaries, nothing spawned.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { choose, decide, blockingPoolSize, blockingGrowth, placeBlocking, THREAD_START_MS, PROCESS_TRIAL_MS, LOOP_TRIAL_MS, SYNC_LOOP_TRIAL_MS, COPY_TRIAL_MS, COPY_TRIAL_MAX_MS, COPY_OUTWEIGHS, DEFAULT_ENV, trustFirstRun, wantsThreadSoon, coldAndLong, copyStillOutweighs, COPY_CLEARLY, warmMs, EARLY_SAMPLES, LONG_ON_LOOP_MS, CLEARLY_LONG_MS, type PolicyEnv } from '../../src/auto/policy.js';
import { activeShare } from '../../src/pool/runner.js';
import { LOOP_PROBE_LIMIT_MS, probeLimitMs } from '../../src/auto/inline.js';
import { NEW_PROFILE, addSample, addCrash, addRun, type TaskProfile } from '../../src/auto/profile.js';

const env: PolicyEnv = { ...DEFAULT_ENV, cores: 2 };

function profile(wallMs: number, cpuMs: number, elu: number, samples = 5, extra: Partial<TaskProfile> = {}): TaskProfile {
  return { ...NEW_PROFILE, samples, runs: samples, wallMs, cpuMs, elu, ...extra };
}

const cases: Array<{ name: string; p: TaskProfile; env?: Partial<PolicyEnv>; model: string; behaviour: string; reason: RegExp }> = [
  { name: 'unknown task: probe on threads', p: NEW_PROFILE, model: 'threads', behaviour: 'unknown', reason: /probing \(0 of 2/ },
  { name: 'one sample is still a probe', p: profile(10, 9, 1, 1), model: 'threads', behaviour: 'unknown', reason: /probing \(1 of 2/ },
  { name: 'one sample shorter than a dispatch decides: tiny (a first run is the slowest)', p: profile(0.02, 0.02, 1, 1), model: 'loop', behaviour: 'tiny', reason: /takes only 0\.02 ms/ },
  { name: 'one sample just over the tiny limit is still a probe', p: profile(0.11, 0.11, 1, 1), model: 'threads', behaviour: 'unknown', reason: /probing \(1 of 2/ },
  { name: 'an async function (head start) is probed on the loop', p: NEW_PROFILE, env: { headStart: true }, model: 'loop', behaviour: 'unknown', reason: /^loop — probing \(0 of 2 runs measured\) on the event loop/ },
  { name: 'a head start ends with the probes: then the numbers decide', p: profile(30, 29, 1, 2), env: { headStart: true }, model: 'threads', behaviour: 'calculating', reason: /calculates/ },
  { name: 'async waiting → loop', p: profile(50, 0.5, 0.02), model: 'loop', behaviour: 'waiting-async', reason: /loop — waits 99 % of its 50 ms/ },
  { name: 'blocking wait → threads', p: profile(20, 0.4, 0.99), model: 'threads', behaviour: 'waiting-blocking', reason: /blocks: .*busy 99 %/ },
  { name: 'heavy CPU → threads', p: profile(41, 40, 1), model: 'threads', behaviour: 'calculating', reason: /calculates 98 % of its 41 ms; dispatch costs ~0\.05 ms/ },
  { name: 'tiny CPU → inline on the loop', p: profile(0.005, 0.005, 1), model: 'loop', behaviour: 'tiny', reason: /dispatch to a thread costs ~0\.05 ms, more than the work/ },
  { name: 'crashing → processes', p: profile(5, 5, 1, 5, { crashes: 1 }), model: 'processes', behaviour: 'crashing', reason: /crashed its worker 1 time in 5 runs/ },
  { name: 'a crash during the probe → processes at once', p: { ...NEW_PROFILE, runs: 1, crashes: 1 }, model: 'processes', behaviour: 'crashing', reason: /crashed its worker 1 time in 1 run:/ },
  { name: 'out of memory → processes', p: profile(5, 5, 1, 5, { crashes: 2, ooms: 2 }), model: 'processes', behaviour: 'crashing', reason: /ran out of memory 2 times/ },
  { name: 'a pin always wins, even over crashes', p: profile(5, 5, 1, 5, { crashes: 3 }), env: { pin: 'loop' }, model: 'loop', behaviour: 'pinned', reason: /pinned by the user/ },
  { name: 'a pin wins over probing', p: NEW_PROFILE, env: { pin: 'processes' }, model: 'processes', behaviour: 'pinned', reason: /pinned/ },
  // Boundaries: CPU share exactly at the waiting threshold counts as calculating.
  { name: 'cpu share at the waiting boundary → calculating', p: profile(10, 5, 1), model: 'threads', behaviour: 'calculating', reason: /calculates 50 %/ },
  { name: 'cpu share just under → waiting', p: profile(10, 4.99, 0.1), model: 'loop', behaviour: 'waiting-async', reason: /waits/ },
  { name: 'a short wait is inline too (dispatch costs more)', p: profile(0.05, 0, 0.9), model: 'loop', behaviour: 'tiny', reason: /takes only 0\.05 ms/ },
  { name: 'elu at the blocking boundary → still async', p: profile(10, 1, 0.5), model: 'loop', behaviour: 'waiting-async', reason: /waits/ },
  { name: 'elu just over → blocking', p: profile(10, 1, 0.51), model: 'threads', behaviour: 'waiting-blocking', reason: /blocks/ },
  { name: 'wall at the inline boundary → threads', p: profile(0.1, 0.1, 1), model: 'threads', behaviour: 'calculating', reason: /calculates/ },
  { name: 'wall just under → inline', p: profile(0.099, 0.099, 1), model: 'loop', behaviour: 'tiny', reason: /inline/ },
  { name: 'dispatch cost measured higher moves the inline boundary', p: profile(0.5, 0.5, 1), env: { threadOverheadMs: 0.3 }, model: 'loop', behaviour: 'tiny', reason: /~0\.30 ms/ },
];

for (const c of cases) {
  test(`policy: ${c.name}`, () => {
    const d = decide(c.p, { ...env, ...c.env });
    assert.equal(d.model, c.model);
    assert.equal(d.behaviour, c.behaviour);
    assert.match(d.reason, c.reason);
    assert.equal(d.profile, c.p);
  });
}

test('a long calculating task is tried in processes too, and goes there only if clearly faster', () => {
  const walls = (model: 'threads' | 'processes', wallMs: number, n = 2) => ({ [model]: { n, wallMs, recent: Array.from({ length: n }, () => wallMs) } });
  const long = PROCESS_TRIAL_MS * 4;
  // Shorter than the trial's floor: threads, no trial.
  let d = decide(profile(PROCESS_TRIAL_MS / 2, PROCESS_TRIAL_MS / 2, 1), env);
  assert.deepEqual([d.model, d.behaviour, d.trial], ['threads', 'calculating', undefined]);
  // Long, not yet tried: threads, with a trial in processes.
  d = decide(profile(long, long, 1, 5, { perModel: walls('threads', long) }), env);
  assert.deepEqual([d.model, d.trial], ['threads', 'processes']);
  assert.match(d.reason, /being tried in processes/);
  // One trusted sample is not enough.
  d = decide(profile(long, long, 1, 5, { perModel: { ...walls('threads', long), ...walls('processes', long / 2, 1) } }), env);
  assert.equal(d.trial, 'processes');
  // Processes at half the time: processes, and the reason gives both figures.
  d = decide(profile(long, long, 1, 5, { perModel: { ...walls('threads', long), ...walls('processes', long / 2) } }), env);
  assert.deepEqual([d.model, d.behaviour, d.trial], ['processes', 'calculating', undefined]);
  assert.match(d.reason, /^processes — calculates 100 % .* in processes it ran in 10 ms against 20 ms on threads/);
  // Processes within noise (0.9×): threads stay.
  d = decide(profile(long, long, 1, 5, { perModel: { ...walls('threads', long), ...walls('processes', long * 0.9) } }), env);
  assert.deepEqual([d.model, d.trial], ['threads', undefined]);
  assert.match(d.reason, /tried in processes too: 18 ms against 20 ms on threads/);
});

test('a short task measured on threads is tried on the loop, and stays there only if a call costs it less', () => {
  const walls = (model: 'threads' | 'loop', wallMs: number, n = 3) => ({ [model]: { n, wallMs, recent: Array.from({ length: n }, () => wallMs) } });
  const short = LOOP_TRIAL_MS / 2; // 1 ms on a thread: 0.5 ms a call across 2 threads
  let d = decide(profile(short, short, 1, 5, { perModel: walls('threads', short) }), env);
  assert.deepEqual([d.model, d.behaviour, d.trial], ['threads', 'calculating', 'loop']);
  assert.match(d.reason, /being tried on the loop as well/);
  // The loop at 0.2 ms a call: inline, and the reason gives both costs.
  d = decide(profile(short, short, 1, 5, { perModel: { ...walls('threads', short), ...walls('loop', 0.2) } }), env);
  assert.deepEqual([d.model, d.behaviour, d.trial], ['loop', 'tiny', undefined]);
  assert.match(d.reason, /^loop — a call costs the loop 0\.20 ms, and a thread 1\.0 ms \(0\.50 ms a call across 2 threads\)/);
  // The loop at 0.9 ms a call: the threads' 0.5 ms wins.
  d = decide(profile(short, short, 1, 5, { perModel: { ...walls('threads', short), ...walls('loop', 0.9) } }), env);
  assert.deepEqual([d.model, d.trial], ['threads', undefined]);
  // Long enough on threads: no loop trial at all.
  d = decide(profile(LOOP_TRIAL_MS * 2, LOOP_TRIAL_MS * 2, 1, 5, { perModel: walls('threads', LOOP_TRIAL_MS * 2) }), env);
  assert.deepEqual([d.model, d.trial], ['threads', undefined]);
  // Synchronous (its probes returned plain values): the loop would cost the same CPU on one core, no trial.
  d = decide(profile(short, short, 1, 5, { perModel: walls('threads', short) }), { ...env, synchronous: true });
  assert.deepEqual([d.model, d.behaviour, d.trial], ['threads', 'calculating', undefined]);
  // …unless it is very short on threads, where that measurement is mostly a cold or preempted run's noise.
  const veryShort = SYNC_LOOP_TRIAL_MS * 0.6;
  d = decide(profile(veryShort, veryShort, 1, 5, { perModel: walls('threads', veryShort) }), { ...env, synchronous: true });
  assert.deepEqual([d.model, d.behaviour, d.trial], ['threads', 'calculating', 'loop']);
  // A token count of 1 µs that measured 0.3 ms on threads: 1 µs on the loop wins.
  d = decide(profile(veryShort, veryShort, 1, 5, { perModel: { ...walls('threads', veryShort), ...walls('loop', 0.001) } }), { ...env, synchronous: true });
  assert.deepEqual([d.model, d.behaviour], ['loop', 'tiny']);
  // Waiting on the loop already: no trial.
  d = decide(profile(short, 0, 0.1, 5, { perModel: walls('threads', short) }), env);
  assert.deepEqual([d.model, d.behaviour, d.trial], ['loop', 'waiting-async', undefined]);
});

test('a calculating task that costs more to copy than to run is tried on the loop, and stays there only if a call costs it less', () => {
  // 1 ms of work on a thread, with `copyMs` of copying its input and output on each call.
  const onThreads = (copyMs: number) => ({ threads: { n: 4, wallMs: 1, recent: [1, 1, 1, 1], copies: [copyMs], copyMs } });
  const loopAt = (wallMs: number) => ({ loop: { n: 3, wallMs, recent: [wallMs, wallMs, wallMs] } });
  const p = (perModel: TaskProfile['perModel']) => profile(1, 1, 1, 5, { perModel });
  const sync = { ...env, synchronous: true };
  // An 8 MB array summed in 1 ms, 6 ms to copy: (1 + 6) / 2 = 3.5 ms a call on threads.
  let d = decide(p(onThreads(6)), sync);
  assert.deepEqual([d.model, d.behaviour, d.trial], ['threads', 'calculating', 'loop']);
  d = decide(p({ ...onThreads(6), ...loopAt(1.1) }), sync);
  assert.deepEqual([d.model, d.behaviour, d.trial], ['loop', 'tiny', undefined]);
  assert.match(d.reason, /^loop — a call costs the loop 1\.1 ms, and a thread 1\.0 ms plus 6\.0 ms copying its input and output \(3\.5 ms a call across 2 threads\)/);
  // The loop measured slower than that (another task holds it): threads stay.
  d = decide(p({ ...onThreads(6), ...loopAt(3.4) }), sync);
  assert.deepEqual([d.model, d.trial], ['threads', undefined]);
  // Copying under COPY_TRIAL_MS is noise: no trial.
  d = decide(p(onThreads(COPY_TRIAL_MS * 0.9)), sync);
  assert.deepEqual([d.model, d.trial], ['threads', undefined]);
  // Copying well under half the work: no trial (a 4 ms task with 1.5 ms of copying).
  d = decide(profile(4, 4, 1, 5, { perModel: { threads: { n: 4, wallMs: 4, recent: [4], copies: [1.5], copyMs: 1.5 } } }), sync);
  assert.deepEqual([d.model, d.trial], ['threads', undefined]);
  // Half the work or more: tried, and the measurements decide — (4 + 2) / 2 = 3 ms a call on threads.
  const half = { threads: { n: 4, wallMs: 4, recent: [4], copies: [2], copyMs: 2 } };
  assert.equal(decide(profile(4, 4, 1, 5, { perModel: half }), sync).trial, 'loop');
  assert.equal(decide(profile(4, 4, 1, 5, { perModel: { ...half, ...loopAt(2.7) } }), sync).model, 'loop');
  assert.equal(decide(profile(4, 4, 1, 5, { perModel: { ...half, ...loopAt(2.8) } }), sync).model, 'threads');
  // A task too long for the loop (it would block it) is never tried there, whatever its copying.
  const long = COPY_TRIAL_MAX_MS;
  d = decide(profile(long, long, 1, 5, { perModel: { threads: { n: 4, wallMs: long, recent: [long], copies: [50], copyMs: 50 } } }), sync);
  assert.notEqual(d.trial, 'loop');
  // A blocking wait is not calculating: the loop would freeze while it waits.
  d = decide(profile(1, 0.01, 1, 5, { perModel: onThreads(6) }), sync);
  assert.deepEqual([d.model, d.behaviour, d.trial], ['threads', 'waiting-blocking', undefined]);
});

test('the copying a task costs is the median of its recent runs (fresh pages or not)', () => {
  let p = NEW_PROFILE;
  for (const copy of [4.8, 0.5, 4.6, 0.6, 4.2]) p = addSample(p, { wallMs: 1, cpuMs: 1, elu: 1 }, 'threads', undefined, copy);
  assert.equal(p.perModel.threads?.copyMs, 4.2);
  assert.deepEqual(p.perModel.threads?.copies, [4.8, 0.5, 4.6, 0.6, 4.2]);
  // A sample without a copy figure (a run that moved its input with transfer) keeps the ones there are.
  p = addSample(p, { wallMs: 1, cpuMs: 1, elu: 1 }, 'threads');
  assert.equal(p.perModel.threads?.copyMs, 4.2);
  assert.equal(p.perModel.threads?.n, 6);
  // Only the last 8 count.
  for (let i = 0; i < 8; i++) p = addSample(p, { wallMs: 1, cpuMs: 1, elu: 1 }, 'threads', undefined, 12);
  assert.equal(p.perModel.threads?.copyMs, 12);
});

test('blocking pool growth: a new thread only for two start-ups of blocking work per thread', () => {
  const start = THREAD_START_MS;
  assert.equal(blockingGrowth(20, 1, 8), 1); // one 20 ms wait: no thread beyond the first
  assert.equal(blockingGrowth(2 * start * 3, 1, 8), 3); // three threads' worth
  assert.equal(blockingGrowth(1e6, 1, 8), 8); // a flood: the size the measurements ask for
  assert.equal(blockingGrowth(0, 2, 8), 2); // never below the floor
  // A start-up measured at 400 ms (a loaded machine) needs ten times the work per new thread.
  assert.equal(blockingGrowth(2 * start * 3, 1, 8, 10 * start), 1);
  assert.equal(blockingGrowth(2 * start * 3, 1, 8, 1), 3); // measured faster than the floor: the floor counts
});

test('placing a blocking wait: the pool expected to start it first', () => {
  const v = { cpuQueue: 0, cpuThreads: 2, blockingQueue: 0, blockingThreads: 0, canStart: true, wallMs: 20, startMs: 40 };
  assert.equal(placeBlocking(v), 'cpu'); // 10 ms behind a warm thread beats a 40 ms start
  assert.equal(placeBlocking({ ...v, cpuQueue: 9 }), 'blocking'); // 100 ms behind: start one
  assert.equal(placeBlocking({ ...v, cpuQueue: 9, startMs: 400 }), 'cpu'); // a slow start loses
  assert.equal(placeBlocking({ ...v, cpuQueue: 9, canStart: false }), 'cpu'); // no thread to start, none there
  assert.equal(placeBlocking({ ...v, cpuQueue: 9, canStart: false, blockingThreads: 4, blockingQueue: 1 }), 'blocking'); // 10 ms vs 100 ms
});

test("a worker's event-loop share leaves out the time it waited for a CPU", () => {
  assert.equal(activeShare({ active: 10, idle: 10 }, 0), 0.5);
  // A 7 ms async gzip on a loaded machine: 6 ms "active" were the thread waiting for a CPU.
  assert.equal(activeShare({ active: 6.5, idle: 0.5 }, 6), 0.5);
  assert.equal(activeShare({ active: 1, idle: 0 }, 5), 0); // more run-queue than activity: none
  assert.equal(activeShare({ active: 0, idle: 0 }, 0), 0);
  assert.equal(activeShare({ active: 20, idle: 0 }, 0), 1); // a synchronous blocking wait
});

test('blocking pool size: cores × (1 + wait/compute), bounded', () => {
  assert.equal(blockingPoolSize({ wallMs: 20, cpuMs: 2 }, 2, 64), 20); // 2 × (1 + 18/2)
  assert.equal(blockingPoolSize({ wallMs: 20, cpuMs: 0 }, 2, 64), 64); // pure waiting: the bound
  assert.equal(blockingPoolSize({ wallMs: 10, cpuMs: 10 }, 4, 64), 4); // no waiting: the cores
  const d = decide(profile(20, 2, 0.95), env);
  assert.equal(d.threads, 20);
  assert.match(d.reason, /runs on 20 threads/);
});

test('profiles are smoothed: a task that changes behaviour is re-routed', () => {
  let p = NEW_PROFILE;
  for (let i = 0; i < 5; i++) p = addSample(p, { wallMs: 50, cpuMs: 0.5, elu: 0.01 });
  assert.equal(decide(p, env).model, 'loop');
  for (let i = 0; i < 6; i++) p = addSample(p, { wallMs: 40, cpuMs: 39, elu: 1 });
  const d = decide(p, env);
  assert.equal(d.model, 'threads');
  assert.equal(d.behaviour, 'calculating');
});

test('profile counters are pure updates', () => {
  const a = addRun(NEW_PROFILE, 'threads');
  const b = addCrash(a, true);
  assert.equal(NEW_PROFILE.runs, 0);
  assert.equal(a.runsByModel.threads, 1);
  assert.equal(b.crashes, 1);
  assert.equal(b.ooms, 1);
  assert.equal(a.crashes, 0);
});

describe('wantsThreadSoon(): a probe on the loop over the tiny limit starts a thread meanwhile', () => {
  const tinyMs = 0.1;
  test('not for one run just over the limit (a first run may pay compilation or a GC)', () => assert.equal(wantsThreadSoon(1, 0.12, tinyMs), false));
  test('for the second run over it', () => assert.equal(wantsThreadSoon(2, 0.12, tinyMs), true));
  test('for one run that clearly calculated', () => assert.equal(wantsThreadSoon(1, CLEARLY_LONG_MS, tinyMs), true));
  test('the bar is never under the tiny limit itself', () => assert.equal(wantsThreadSoon(1, 1.5, 2), false));
});

describe('coldAndLong(): a long first run on the loop with much to copy is run there once more, warm', () => {
  const long = LONG_ON_LOOP_MS + 1;
  test('a first run over LONG_ON_LOOP_MS with 8 ms to copy', () => assert.equal(coldAndLong(true, long, 8), true));
  test('not a later run: that one is warm', () => assert.equal(coldAndLong(false, long, 8), false));
  test('not a short one', () => assert.equal(coldAndLong(true, LONG_ON_LOOP_MS, 8), false));
  test('not with little to copy, nor copying that could not be timed', () => {
    assert.equal(coldAndLong(true, long, COPY_TRIAL_MS * 0.9), false);
    assert.equal(coldAndLong(true, long, undefined), false);
  });
});

describe('warmMs(): while few runs are in, the quickest says whether a task is tiny', () => {
  const runs = (...ms: number[]) => ms.reduce<TaskProfile>((p, x) => addSample(p, { wallMs: x, cpuMs: x, elu: 1 }, 'loop'), NEW_PROFILE);
  const env = { ...DEFAULT_ENV, cores: 2, synchronous: true };
  test('a 2 µs task whose second run met a 1 ms GC is tiny', () => {
    assert.equal(warmMs(runs(1, 0.002)), 0.002);
    assert.deepEqual(choose(runs(1, 0.002), env), { model: 'loop', behaviour: 'tiny' });
  });
  test(`from ${EARLY_SAMPLES + 1} runs on, the median decides`, () => {
    const p = runs(1, 0.002, 1, 1);
    assert.equal(warmMs(p), p.wallMs);
    assert.notEqual(choose(p, env).behaviour, 'tiny');
  });
});

describe('copyStillOutweighs(): a copy timed on an earlier probe is reused while it clearly outweighs a run', () => {
  test('6 ms of copying against a 0.9 ms run: not cloned again', () => assert.equal(copyStillOutweighs(6, 0.9), true));
  test('copying under COPY_CLEARLY times the run: timed again', () => assert.equal(copyStillOutweighs(6, 6 / COPY_CLEARLY + 0.01), false));
  test('little copying, or none timed yet: timed', () => {
    assert.equal(copyStillOutweighs(COPY_TRIAL_MS * 0.9, 0.01), false);
    assert.equal(copyStillOutweighs(undefined, 0.01), false);
  });
});

describe('probeLimitMs(): a probe on the loop is stopped after 25 ms of the thread\'s own time, as a wall clock tells it', () => {
  test('a thread that never waited for a CPU: 25 ms', () => assert.equal(probeLimitMs({ cpu: 100, runQueue: 0 }), LOOP_PROBE_LIMIT_MS));
  test('one that waited a third of its life: 1.5 times as long, in whole ms (vm takes nothing else)', () => assert.equal(probeLimitMs({ cpu: 100, runQueue: 50 }), Math.round(LOOP_PROBE_LIMIT_MS * 1.5)));
  test('at most three times', () => assert.equal(probeLimitMs({ cpu: 100, runQueue: 1000 }), LOOP_PROBE_LIMIT_MS * 3));
  test('no CPU read yet: 25 ms', () => assert.equal(probeLimitMs({ cpu: 0, runQueue: 0 }), LOOP_PROBE_LIMIT_MS));
  test('this thread, now: within those bounds', () => {
    const ms = probeLimitMs();
    assert.ok(Number.isInteger(ms) && ms >= LOOP_PROBE_LIMIT_MS && ms <= LOOP_PROBE_LIMIT_MS * 3, String(ms));
  });
});

describe('trustFirstRun(): a first run in a fresh worker', () => {
  const env = { threadOverheadMs: 0.05, inlineFactor: 2, waitingBelow: 0.5 };
  test('counts when it says waiting, even cold', () => assert.equal(trustFirstRun({ wallMs: 30, cpuMs: 3 }, env), true));
  test('counts when even cold it is shorter than a dispatch (tiny)', () => assert.equal(trustFirstRun({ wallMs: 0.06, cpuMs: 0.06 }, env), true));
  test('is left out when it calculates for longer than a dispatch (cold CPU may be one-time work)', () =>
    assert.equal(trustFirstRun({ wallMs: 5, cpuMs: 5 }, env), false));
  test('the boundaries: a dispatch × inlineFactor, and the waiting share', () => {
    assert.equal(trustFirstRun({ wallMs: 0.1, cpuMs: 0.1 }, env), false);
    assert.equal(trustFirstRun({ wallMs: 10, cpuMs: 5 }, env), false);
    assert.equal(trustFirstRun({ wallMs: 10, cpuMs: 4.99 }, env), true);
  });
});

test('the dispatch-cost estimate: a quiet round trip among many that waited, never below the default', async () => {
  const { Learner } = await import('../../src/auto/learner.js');
  const learner = new Learner({ pin: {} });
  // In a burst of 0.2 ms tasks on 2 busy cores, most round trips wait for this thread: 28 of 32 here.
  for (let i = 0; i < 32; i++) learner.addOverhead(i % 8 === 0 ? 0.03 : 0.3);
  assert.equal(learner.threadOverheadMs, DEFAULT_ENV.threadOverheadMs);
  // A 0.2 ms task stays calculating (the 25th percentile, 0.3 ms, had called it tiny).
  assert.equal(decide(profile(0.2, 0.2, 1, 5), { ...env, threadOverheadMs: learner.threadOverheadMs }).behaviour, 'calculating');
  // Round trips all quicker than the default: the default holds.
  for (let i = 0; i < 32; i++) learner.addOverhead(0.02);
  assert.equal(learner.threadOverheadMs, DEFAULT_ENV.threadOverheadMs);
  // All slow: the estimate follows.
  for (let i = 0; i < 32; i++) learner.addOverhead(0.2);
  assert.equal(learner.threadOverheadMs, 0.2);
});

test('policy: a short calculation measured on the loop only, with much to copy, is probed on a thread before its calls go there; others go at once', () => {
  const env = { ...DEFAULT_ENV, cores: 2, synchronous: true };
  const onLoop = (ms: number, copy: number | undefined, runs = 2) =>
    Array.from({ length: runs }).reduce<TaskProfile>((p) => addSample(p, { wallMs: ms, cpuMs: ms, elu: 1 }, 'loop', undefined, copy), NEW_PROFILE);
  // 1.5 ms, and 2 ms to copy its input and output: on a thread it may cost more than on the loop.
  assert.deepEqual(choose(onLoop(1.5, 2), env), { model: 'threads', behaviour: 'unknown' });
  assert.match(decide(onLoop(1.5, 2), env).reason, /^threads — probing: 1\.5 ms a call on the loop/);
  // Copying that could not be timed (too large, or not cloneable) counts as much.
  assert.deepEqual(choose(onLoop(1.5, undefined), env), { model: 'threads', behaviour: 'unknown' });
  // Copying that outweighs the work (COPY_OUTWEIGHS: 1.5 times it, or more): the loop, no thread probe.
  assert.deepEqual(choose(onLoop(1.5, 1.5 * COPY_OUTWEIGHS), env), { model: 'loop', behaviour: 'tiny' });
  assert.match(
    decide(onLoop(0.85, 13), env).reason,
    /^loop — a call costs the loop 0\.85 ms, and copying its input and output to a thread and back 13 ms: no thread can run it faster/,
  );
  // Not for one that would block the loop (COPY_TRIAL_MAX_MS), nor for copying that is noise.
  assert.notEqual(choose(onLoop(COPY_TRIAL_MAX_MS, 100), env).model, 'loop');
  assert.deepEqual(choose(onLoop(0.3, COPY_TRIAL_MS * 0.2), env), { model: 'threads', behaviour: 'calculating' });
  // Copying under COPY_TRIAL_MS counts in the tiny limit (tinyLimitMs): 0.3 ms of work, 0.9 ms to copy.
  assert.deepEqual(choose(onLoop(0.3, COPY_TRIAL_MS * 0.9), env), { model: 'loop', behaviour: 'tiny' });
  // A 280 KB file read into a Buffer: 0.14 ms a call on the loop, 0.1 ms to clone the buffer.
  assert.deepEqual(choose(onLoop(0.14, 0.1), env), { model: 'loop', behaviour: 'tiny' });
  assert.match(decide(onLoop(0.14, 0.1), env).reason, /^loop — a call costs the loop 0\.14 ms, and copying its input and output to a thread and back 0\.10 ms/);
  assert.deepEqual(choose(onLoop(0.14, 0), env), { model: 'threads', behaviour: 'calculating' });
  // Then the thread's measurement, copying included, and a third run on the loop decide.
  const both = addSample(onLoop(1.5, 2), { wallMs: 1, cpuMs: 1, elu: 1 }, 'threads', undefined, 5);
  assert.deepEqual(choose(both, env), { model: 'threads', behaviour: 'calculating', trial: 'loop' });
  assert.equal(choose(addSample(both, { wallMs: 1.5, cpuMs: 1.5, elu: 1 }, 'loop'), env).model, 'loop');
  // Little to copy: to threads at once, no thread probe first.
  assert.deepEqual(choose(onLoop(1.5, 0.01), env), { model: 'threads', behaviour: 'calculating' });
  // One run that calculated 30 ms is enough: to threads, no more probing (a trial in processes
  // waits for a second measurement: one run may be a cold one); two runs, tried in processes too.
  assert.deepEqual(choose(onLoop(30, undefined, 1), env), { model: 'threads', behaviour: 'calculating' });
  assert.deepEqual(choose(onLoop(30, undefined, 2), env), { model: 'threads', behaviour: 'calculating', trial: 'processes' });
  // Not for an async function (its runs on the loop are a head start's), nor for one that waits.
  assert.equal(choose(onLoop(30, undefined, 1), { ...env, synchronous: false }).behaviour, 'unknown');
  assert.equal(choose(addSample(NEW_PROFILE, { wallMs: 30, cpuMs: 1, elu: 1 }, 'loop'), env).behaviour, 'unknown');
});
