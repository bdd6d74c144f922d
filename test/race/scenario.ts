/**
 * The race test's program, run in a child process per executor by race.test.ts:
 *
 *   node --import tsx test/race/scenario.ts <loop|threads|processes|auto>
 *     env BOUNDWISE_RACE_SEED      replay one round with this seed (else rounds from a random base)
 *     env BOUNDWISE_RACE_BUDGET_MS start no new round after this long (default 4000)
 *
 * A round: an executor with random small options, then 15–40 random operations — run() of tasks
 * that echo, sleep, ignore their signal, spin, fail or crash their worker, with random signals,
 * timeouts and priorities; map() with random order, chunking, concurrency, signal, early break;
 * aborts; pause()/resume()/clear(); setPriority() of a run by its id; onIdle(); stats() snapshots;
 * short waits; close({ cancel }) at a random
 * point (later runs must reject with ExecutorClosedError); then close() and the checks:
 *
 *   - every promise settles exactly once (counted) and every run() has settled when close()
 *     resolves; each outcome is one its call allows (its value, its own error, its own abort
 *     reason, a timeout, a clear(), a close, a full queue; a crash only for the crashing task);
 *   - a map() yields each index at most once, in input order when ordered; onIdle() resolves;
 *   - stats(): submitted = completed + failed + cancelled + queued + running at every snapshot,
 *     nothing queued or running at the end, and (in a round without map()) the buckets match the
 *     outcomes the calls saw;
 *   - no unhandled rejection, no MaxListeners / timeout-overflow warning;
 *   - and once every round is done the process exits by itself: if it is still alive 30 s later
 *     (a safety net, not a timing assertion) it prints what is open and exits 70.
 *
 * Output: one line per round, `RACE ROUND <kind> seed=<seed> …`, then `RACE DONE <kind> …`; a
 * failure prints `RACE FAIL <kind> seed=<seed>: …` and exits 1. Nothing here asserts a duration:
 * on a loaded machine the interleavings differ, the checks do not.
 */
import { tasks } from '../../src/task.js';
import { loop } from '../../src/loop/index.js';
import { threads } from '../../src/threads/index.js';
import { processes } from '../../src/processes/index.js';
import { auto } from '../../src/auto/index.js';
import type { BaseExecutor } from '../../src/executor.js';
import type { ExecutorStats, RunOptions } from '../../src/executor.js';
import type { MapOptions } from '../../src/map.js';
import { Prng, roundSeed } from './prng.js';
import type { Step } from './tasks.js';

const t = tasks<typeof import('./tasks.js')>(new URL('./tasks.ts', import.meta.url));
type Kind = 'loop' | 'threads' | 'processes' | 'auto';
const kind = process.argv[2] as Kind;
if (!['loop', 'threads', 'processes', 'auto'].includes(kind)) throw new Error(`usage: scenario.ts loop|threads|processes|auto (got ${kind})`);
const hostPid = process.pid;

// ---- what the whole process must never see --------------------------------------------------
const unhandled: unknown[] = [];
process.on('unhandledRejection', (reason) => unhandled.push(reason));
const badWarnings: string[] = [];
process.on('warning', (w) => {
  if (/MaxListenersExceeded|TimeoutOverflow|TimeoutNegative/.test(w.name)) badWarnings.push(`${w.name}: ${w.message}`);
});

class RaceFailure extends Error {}
/** The current round's operations, printed with a failure. */
let currentLog: string[] = [];
const fail = (message: string): never => {
  throw new RaceFailure(message);
};

// ---- one round ----------------------------------------------------------------------------------

/** Why a call may end the way it did, beyond its task's own outcome. */
interface Call {
  n: number;
  what: string;
  /** Its own abort reason, if it was given a signal that was (or may be) aborted. */
  reason?: Error;
  timeout: boolean;
  crashes: boolean;
  fails: boolean;
  /** Submitted after close() was called. */
  afterClose: boolean;
  expected?: unknown;
  settled: number;
  outcome?: { ok: true; value: unknown } | { ok: false; error: unknown };
  /** A map()'s consumer rather than a run(). */
  map: boolean;
  /** An onIdle() promise: it must resolve, at the latest once close() has. */
  idle?: boolean;
}

const errName = (e: unknown): string => (e instanceof Error || e instanceof DOMException ? e.name : typeof e);

function describe(e: unknown): string {
  if (e instanceof Error || e instanceof DOMException) return `${e.name}: ${e.message}`;
  return String(e);
}

function makeExecutor(rng: Prng): { pool: BaseExecutor; options: unknown; maxQueue: number } {
  const maxQueue = rng.chance(0.2) ? rng.int(2, 8) : Infinity;
  const q = maxQueue !== Infinity ? { maxQueue } : {};
  const cancelGrace = rng.pick([0, 20, 100, 1_000]);
  const slots = rng.int(1, 3);
  let options: Record<string, unknown>;
  let pool: BaseExecutor;
  switch (kind) {
    case 'loop':
      options = { concurrency: slots, ...q };
      pool = loop(options);
      break;
    case 'threads':
      options = { max: Math.min(slots, 2), min: rng.int(0, 1), cancelGrace, ...(rng.chance(0.3) && { idleTimeout: rng.int(5, 50) }), ...q };
      pool = threads(options);
      break;
    case 'processes':
      options = { max: Math.min(slots, 2), cancelGrace, killTimeout: 500, ...(rng.chance(0.3) && { idleTimeout: rng.int(5, 50) }), ...q };
      pool = processes(options);
      break;
    case 'auto':
      options = {
        ...q,
        ...(rng.chance(0.5) && { maxBlockingThreads: 0 }),
        ...(rng.chance(0.3) && { headStart: false }),
        ...(rng.chance(0.3) && { probeRuns: 1 }),
        loop: { concurrency: slots + 1, ...q },
        threads: { max: Math.min(slots, 2), cancelGrace, ...q },
        processes: { max: 1, cancelGrace, killTimeout: 500, ...q },
      };
      pool = auto(options);
      break;
  }
  return { pool, options, maxQueue };
}

async function round(seed: number): Promise<Record<string, number>> {
  const rng = new Prng(seed);
  const { pool, options, maxQueue } = makeExecutor(rng);
  const calls: Call[] = [];
  const controllers: { ac: AbortController; reason: Error }[] = [];
  const ids: string[] = [];
  const pending = new Set<Promise<unknown>>();
  const snapshots: string[] = [];
  let closing: Promise<void> | undefined;
  let closeCalledAt = -1;
  let cleared = 0;
  let ops = 0;
  let maps = 0;
  let runs = 0;
  const log: string[] = (currentLog = [`options ${JSON.stringify(options)}`]);

  const checkStats = (when: string): ExecutorStats => {
    const s = pool.stats();
    const sum = s.completed + s.failed + s.cancelled + s.queued + s.running;
    for (const k of ['submitted', 'completed', 'failed', 'cancelled', 'queued', 'running'] as const) {
      if (!(s[k] >= 0)) fail(`stats().${k} is ${s[k]} (${when}): ${JSON.stringify(s)}`);
    }
    if (s.submitted !== sum) fail(`stats() does not add up ${when}: submitted ${s.submitted} ≠ ${sum} = completed ${s.completed} + failed ${s.failed} + cancelled ${s.cancelled} + queued ${s.queued} + running ${s.running}`);
    snapshots.push(when);
    return s;
  };

  const track = (call: Call, p: Promise<unknown>): void => {
    calls.push(call);
    pending.add(p);
    p.then(
      (value) => {
        call.settled++;
        call.outcome = { ok: true, value };
      },
      (error: unknown) => {
        call.settled++;
        call.outcome = { ok: false, error };
      },
    ).finally(() => pending.delete(p));
  };

  /** A signal for a call: none, already aborted, or one the round may abort later. */
  const signalFor = (): { signal?: AbortSignal; reason?: Error } => {
    const r = rng.next();
    if (r < 0.05) {
      const reason = new Error(`abort #pre${ops}`);
      return { signal: AbortSignal.abort(reason), reason };
    }
    if (r < 0.45) {
      const ac = new AbortController();
      const reason = new Error(`abort #${ops}`);
      controllers.push({ ac, reason });
      return { signal: ac.signal, reason };
    }
    return {};
  };

  const runOne = (): void => {
    const task = rng.weighted({ echo: 3, sleep: 4, stubborn: 2, spin: 1, fails: 1, crash: kind === 'loop' ? 0.5 : 1 });
    const { signal, reason } = signalFor();
    const o: RunOptions = {};
    if (signal) o.signal = signal;
    const timeout = rng.chance(0.25);
    if (timeout) o.timeout = rng.int(1, 60);
    if (rng.chance(0.3)) o.priority = rng.int(-2, 2);
    const n = calls.length;
    if (rng.chance(0.3)) ids.push((o.id = `r${n}`));
    const call: Call = { n, what: `run(${task}) ${JSON.stringify(o, (k, v) => (k === 'signal' ? 'signal' : v))}`, timeout, crashes: task === 'crash', fails: task === 'fails' || task === 'crash', afterClose: closing !== undefined, settled: 0, map: false, ...(reason && { reason }) };
    // The tasks that take a duration, with their longest one (ms); each resolves to its duration.
    const timed = { sleep: [t.sleep, 40], stubborn: [t.stubborn, 60], spin: [t.spin, 8] } as const;
    let p: Promise<unknown>;
    if (task === 'echo') {
      const value = { n, s: `v${n}` };
      call.expected = value;
      p = pool.run(t.echo, value, o);
    } else if (task === 'fails') p = pool.run(t.fails, `fails ${n}`, o);
    else if (task === 'crash') p = pool.run(t.crash, { hostPid }, o);
    else {
      const [ref, longest] = timed[task];
      const ms = rng.int(0, longest);
      call.expected = ms;
      p = pool.run(ref as typeof t.sleep, ms, o);
    }
    runs++;
    track(call, p);
  };

  const mapOne = (): void => {
    const count = rng.int(1, 12);
    const steps: Step[] = Array.from({ length: count }, (_, i) => ({
      i,
      op: rng.weighted({ echo: 4, sleep: 4, spin: 1, fail: 0.5, crash: kind === 'loop' ? 0 : 0.3 }),
      ms: rng.int(0, 20),
      hostPid,
    }));
    const { signal, reason } = signalFor();
    const o: MapOptions = { ordered: rng.chance(0.6) };
    if (signal) o.signal = signal;
    if (rng.chance(0.3)) o.chunkSize = rng.int(2, 4);
    if (rng.chance(0.5)) o.concurrency = rng.int(1, 4);
    const timeout = rng.chance(0.15);
    if (timeout) o.timeout = rng.int(1, 60);
    const breakAfter = rng.chance(0.15) ? rng.int(0, count) : Infinity;
    const n = calls.length;
    const call: Call = { n, what: `map(${steps.map((s) => s.op).join(',')}) ${JSON.stringify(o, (k, v) => (k === 'signal' ? 'signal' : v))} break@${breakAfter}`, timeout, crashes: steps.some((s) => s.op === 'crash'), fails: steps.some((s) => s.op === 'fail' || s.op === 'crash'), afterClose: closing !== undefined, settled: 0, map: true, ...(reason && { reason }) };
    const consume = async (): Promise<number[]> => {
      const seen: number[] = [];
      for await (const i of pool.map(t.step, steps, o)) {
        if (seen.includes(i)) fail(`call ${n} ${call.what}: index ${i} yielded twice (${seen.join(',')})`);
        if (o.ordered !== false && i !== seen.length) fail(`call ${n} ${call.what}: ordered map yielded ${i} at position ${seen.length}`);
        if (!Number.isInteger(i) || i < 0 || i >= count) fail(`call ${n} ${call.what}: yielded ${String(i)}, not an index`);
        seen.push(i);
        if (seen.length >= breakAfter) break;
      }
      return seen;
    };
    maps++;
    track(call, consume());
  };

  const abortOne = (): void => {
    if (controllers.length === 0) return;
    const k = rng.int(0, controllers.length - 1);
    const [{ ac, reason }] = controllers.splice(k, 1) as [{ ac: AbortController; reason: Error }];
    ac.abort(reason);
  };

  const wait = async (): Promise<void> => {
    const how = rng.weighted({ immediate: 3, ms: 3, settle: 2 });
    if (how === 'immediate') await new Promise((r) => setImmediate(r));
    else if (how === 'ms') await new Promise((r) => setTimeout(r, rng.int(0, 15)));
    else if (pending.size > 0) {
      const list = [...pending];
      const one = list[rng.int(0, list.length - 1)]!;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([one.then(() => {}, () => {}), new Promise<void>((r) => (timer = setTimeout(r, 30)))]);
      clearTimeout(timer);
    }
  };

  const total = rng.int(15, 40);
  for (ops = 0; ops < total; ops++) {
    const op = rng.weighted({ run: 10, map: 2, abort: 3, wait: 5, pause: 0.7, resume: 1, clear: 0.7, stats: 2, close: 0.4, priority: 1, idle: 0.5 });
    log.push(`${ops}: ${op}`);
    switch (op) {
      case 'run':
        runOne();
        break;
      case 'map':
        mapOne();
        break;
      case 'abort':
        abortOne();
        break;
      case 'wait':
        await wait();
        break;
      case 'pause':
        pool.pause();
        break;
      case 'resume':
        pool.resume();
        break;
      case 'clear':
        cleared += pool.clear();
        break;
      case 'stats':
        checkStats(`at op ${ops}`);
        break;
      case 'priority':
        // A queued run moves, one that has started or settled is not found: either answer is right.
        if (ids.length > 0) pool.setPriority(rng.pick(ids), rng.int(-2, 2));
        break;
      case 'idle':
        track({ n: calls.length, what: 'onIdle()', timeout: false, crashes: false, fails: false, afterClose: false, settled: 0, map: false, idle: true }, pool.onIdle());
        break;
      case 'close':
        if (closing === undefined) {
          const cancel = rng.chance(0.5);
          const timeout = !cancel && rng.chance(0.5) ? rng.int(0, 50) : undefined;
          closeCalledAt = ops;
          log.push(`   close(${JSON.stringify({ cancel, timeout })})`);
          closing = pool.close({ cancel, ...(timeout !== undefined && { timeout }) });
          closing.catch(() => {});
        }
        break;
    }
  }
  // Abort some of what is left, then close (drain, or cancel) and wait for it.
  for (const c of controllers) if (rng.chance(0.3)) c.ac.abort(c.reason);
  if (closing === undefined) {
    const cancel = rng.chance(0.5);
    log.push(`end: close(${JSON.stringify({ cancel })})`);
    closing = pool.close({ cancel });
  }
  try {
    await closing;
  } catch (error) {
    fail(`close() rejected: ${describe(error)}`);
  }
  // Every run() was accepted or refused before close() resolved: each has settled by now
  // (a macrotask later, for the callbacks of promises that settled in close()'s last step).
  await new Promise((r) => setImmediate(r));
  const unsettledRuns = calls.filter((c) => !c.map && !c.idle && c.settled === 0);
  if (unsettledRuns.length > 0) fail(`${unsettledRuns.length} run() calls had not settled when close() resolved: ${unsettledRuns.map((c) => `#${c.n} ${c.what}`).join('; ')}`);
  // A map()'s consumer ends once its runs have, onIdle() once the runs have: a safety net, not a
  // timing assertion.
  let netTimer: NodeJS.Timeout | undefined;
  const net = new Promise<'hung'>((r) => (netTimer = setTimeout(() => r('hung'), 60_000)));
  const done = await Promise.race([Promise.allSettled([...pending]).then(() => 'done' as const), net]);
  clearTimeout(netTimer);
  if (done === 'hung') fail(`map() consumers or onIdle() never ended: ${calls.filter((c) => c.settled === 0).map((c) => `#${c.n} ${c.what}`).join('; ')}`);

  // ---- outcomes ---------------------------------------------------------------------------------
  const counts = { resolved: 0, rejected: 0, refused: 0, cleared: 0 };
  for (const c of calls) {
    if (c.settled !== 1) fail(`call #${c.n} ${c.what} settled ${c.settled} times`);
    const out = c.outcome!;
    if (c.idle) {
      if (!out.ok) fail(`onIdle() (#${c.n}) rejected: ${describe(out.error)}`);
      continue;
    }
    if (out.ok) {
      counts.resolved++;
      if (!c.map && c.expected !== undefined && JSON.stringify(out.value) !== JSON.stringify(c.expected)) {
        fail(`call #${c.n} ${c.what} resolved to ${JSON.stringify(out.value)}, expected ${JSON.stringify(c.expected)}`);
      }
      if (c.afterClose && !c.map) fail(`call #${c.n} ${c.what} was made after close() and still ran`);
      continue;
    }
    const e = out.error;
    const name = errName(e);
    const allowed =
      e instanceof RaceFailure ||
      (c.reason !== undefined && e === c.reason) ||
      (c.timeout && name === 'TimeoutError') ||
      name === 'AbortError' || // close({ cancel }) / close({ timeout })
      name === 'ExecutorClosedError' ||
      name === 'QueueClearedError' ||
      (maxQueue !== Infinity && name === 'QueueFullError') ||
      (c.fails && name === 'RaceError') ||
      (c.crashes && name === 'WorkerCrashedError');
    if (e instanceof RaceFailure) throw e;
    if (!allowed) fail(`call #${c.n} ${c.what} rejected with ${describe(e)}${e instanceof Error && e.stack ? `\n${e.stack}` : ''}`);
    if (e instanceof Error && /^abort #/.test(e.message) && e !== c.reason) fail(`call #${c.n} ${c.what} rejected with another call's abort reason (${e.message})`);
    if (c.afterClose && !c.map && name !== 'ExecutorClosedError') fail(`call #${c.n} ${c.what}, made after close(), rejected with ${describe(e)} instead of ExecutorClosedError`);
    if (name === 'ExecutorClosedError' || name === 'QueueFullError') counts.refused++;
    else counts.rejected++;
    if (name === 'QueueClearedError') counts.cleared++;
  }
  if (counts.cleared > cleared && maps === 0) fail(`${counts.cleared} runs rejected with QueueClearedError, but clear() returned ${cleared} in all`);

  const end = checkStats('at the end');
  if (end.queued !== 0 || end.running !== 0) fail(`after close(): queued ${end.queued}, running ${end.running}`);
  if (maps === 0) {
    // Every run() was one call: the buckets are the outcomes seen (refusals at the door are not counted).
    if (end.completed !== counts.resolved) fail(`stats().completed ${end.completed}, but ${counts.resolved} runs resolved`);
    if (end.failed + end.cancelled !== counts.rejected) fail(`stats().failed ${end.failed} + cancelled ${end.cancelled}, but ${counts.rejected} accepted runs rejected`);
    if (end.submitted !== counts.resolved + counts.rejected) fail(`stats().submitted ${end.submitted}, but ${counts.resolved + counts.rejected} runs were accepted`);
  }
  if (unhandled.length > 0) fail(`unhandled rejection: ${unhandled.map(describe).join('; ')}`);
  if (badWarnings.length > 0) fail(`warnings: ${badWarnings.join('; ')}`);
  void closeCalledAt;
  return { ops: total, runs, maps, snapshots: snapshots.length, ...counts };
}

// ---- the rounds ---------------------------------------------------------------------------------
const replay = process.env.BOUNDWISE_RACE_SEED;
const budgetMs = Number(process.env.BOUNDWISE_RACE_BUDGET_MS ?? 4_000);
const base = replay !== undefined ? Number(replay) : (Math.random() * 2 ** 32) >>> 0;
const started = performance.now();
const seeds: number[] = [];
process.stdout.write(`RACE START ${kind} base=${base}\n`);
let finished = false;
// The event loop emptied while a round still waited: some promise will never settle (Node then
// ends the process with exit code 13, "unsettled top-level await"). Say which round, and how.
process.on('exit', (code) => {
  if (finished || code === 1) return;
  process.stdout.write(`RACE FAIL ${kind} seed=${seeds[seeds.length - 1]}: the process ran out of work (exit ${code}) inside the round: a promise it awaited never settled and nothing was left to settle it\n`);
  process.stdout.write(`operations: ${currentLog.join(' | ')}\n`);
});
for (let r = 0; replay !== undefined ? r < 1 : r === 0 || performance.now() - started < budgetMs; r++) {
  const seed = replay !== undefined ? base : roundSeed(base, kind, r);
  seeds.push(seed);
  try {
    const t0 = performance.now();
    const result = await round(seed);
    // The round's duration is information for a reader, never checked.
    process.stdout.write(`RACE ROUND ${kind} seed=${seed} ${JSON.stringify({ ...result, ms: Math.round(performance.now() - t0) })}\n`);
  } catch (error) {
    process.stdout.write(`RACE FAIL ${kind} seed=${seed}: ${error instanceof RaceFailure ? error.message : describe(error)}\n`);
    if (!(error instanceof RaceFailure) && error instanceof Error) process.stdout.write(`${error.stack}\n`);
    process.stdout.write(`operations: ${currentLog.join(' | ')}\n`);
    process.stdout.write(`replay: BOUNDWISE_RACE_SEED=${seed} node --import tsx test/race/scenario.ts ${kind}\n`);
    process.exit(1);
  }
}
finished = true;
process.stdout.write(`RACE DONE ${kind} base=${base} rounds=${seeds.length}\n`);
// Nothing is left to do: the process must now exit by itself.
setTimeout(() => {
  process.stdout.write(`RACE FAIL ${kind}: still alive 30 s after the last round; open: ${process.getActiveResourcesInfo().join(', ')}\n`);
  process.exit(70);
}, 30_000).unref();
