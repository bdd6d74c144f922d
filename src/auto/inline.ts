/**
 * Running a task inline, on this thread's event loop, and measuring it there.
 *
 * Decisions rest on this thread's own clocks, never on the wall clock alone:
 * a slice preempted by another process waits on the run queue, which is not
 * the task's doing (issue 13: a 5 ms slice passed a 10 ms limit on a loaded
 * machine). A measured run reads the thread's CPU time and run-queue time
 * around the task's synchronous part; its "busy" time is CPU plus blocking
 * (a synchronous wait also freezes the loop), without the preemption.
 *
 * An async task's time on the loop after its first slice cannot be timed call
 * by call; its share is the loop's CPU time divided among the inline runs in
 * flight at the time (issue 13: a burst of 120 fetches kept the loop 60 % busy,
 * and all of it was charged to the one being measured). On a loop near
 * saturation a run's wall time is mostly queueing behind the others: its
 * measurement is inconclusive there, and the task gets a probe on a thread,
 * where it runs alone.
 */
import { Script } from 'node:vm';
import type { TaskContext, TaskFunction } from '../task.js';
import { keepOpen, readingCost, threadTimes, type ThreadTimes } from '../pool/cpu.js';
import type { Learner } from './learner.js';
import { addCrash, addSample } from './profile.js';
import { coldAndLong, copyStillOutweighs, COPY_OUTWEIGHS, COPY_TRIAL_MAX_MS, LONG_ON_LOOP_MS, trustFirstRun, wantsThreadSoon } from './policy.js';
import { cloneMs } from '../clone.js';
import { unwrapTransfer } from '../pool/transfer.js';
import { WorkerCrashedError } from '../errors.js';
import type { LoadWaiter, TaskState } from './state.js';
import type { LoopExecutor } from '../loop/loop.js';
import { currentScope } from '../scope.js';
import { newPromise, settlers } from '../settlers.js';

/**
 * Inline runs that still look tiny are measured one in this many (a sample costs
 * ~15 µs, more than ten tiny tasks, and tiny tasks come by the thousand: at one in 256,
 * the samples were 6 % of a burst of 500,000 Map lookups); a run long enough to change
 * the decision is measured anyway (its wall time sends the next run to be measured).
 */
const INLINE_SAMPLE_EVERY = 1024;
/** An unmeasured inline run that looked long is followed by a measured one within this many runs. */
const LOOK_AGAIN_AFTER = 32;
/** An inline run busy for longer than this in one synchronous part blocks the loop: re-route it. */
export const BLOCKING_SLICE_MS = 10;
/** A measured slice longer than this keeps the task's runs measured (the readings cost < 4 % of it). */
const KEEP_MEASURING_MS = 1;
/** Measurements of one task's inline runs at once. */
const MEASURED_AT_ONCE = 2;
/** Calls of a tiny task with these low bits all set go through the router (it may resample one on a thread). */
export const RESAMPLE_MASK = 63;
/**
 * Over a run, the loop's CPU at this share of the wall time or more: the run's wall time is
 * queueing. (A burst of 60 requests kept it at 0.53–0.64; 60 calls that read a file and then
 * calculate 5 ms, at 0.87–0.92.)
 */
const SATURATED = 0.8;
/** The loop's CPU is read at most this often while a measurement is open (ms). */
const SHARE_EVERY_MS = 1;

/** Probes of one task on the loop before it is left to the threads, however they measured. */
const LOOP_PROBES = 4;

interface Timed {
  result: unknown;
  start: number;
  t0: ThreadTimes;
  /** The thread's CPU time over the call, and its time on the CPU or blocked (not waiting for a CPU), ms. */
  cpuMs: number;
  busy: number;
}

/** Run `f` timed on this thread's clocks: wall, CPU and run-queue time (a loaded machine's preemption is not the task's). */
function timed(f: () => unknown): Timed {
  const t0 = threadTimes();
  const start = performance.now();
  const result = f();
  const wall = performance.now() - start;
  const t1 = threadTimes();
  // The thread cannot use more CPU than the wall time it had (the readings' own cost aside).
  const cpuMs = Math.min(wall, Math.max(0, t1.cpu - t0.cpu - readingCost()));
  return { result, start, t0, cpuMs, busy: Math.max(cpuMs, wall - Math.max(0, t1.runQueue - t0.runQueue)) };
}

/**
 * How long a probe on the loop may run (ms of wall time) before it is stopped: a new task may
 * calculate for seconds, or never return (an Atomics.wait() on nothing, a runaway loop), or
 * allocate until the heap is gone — on a worker that costs the worker, here the process.
 */
export const LOOP_PROBE_LIMIT_MS = 25;
/** The most a busy machine stretches that limit (see probeLimitMs). */
const MAX_LIMIT_STRETCH = 3;

/**
 * The limit for a probe now: LOOP_PROBE_LIMIT_MS of this thread's own time, as far as the
 * watchdog (a wall clock) can tell. A thread that has waited for a CPU a third of its life so
 * far (other processes on every core) gets 1.5 times as long, up to MAX_LIMIT_STRETCH: beside
 * two CPU hogs a 12 ms calculation took 25–42 ms of wall time and was stopped, and run again on
 * a thread. The figures are this thread's totals since it started: in a fresh script, the
 * import of its modules, moments before the probe.
 */
export function probeLimitMs({ cpu, runQueue }: ThreadTimes = threadTimes()): number {
  const stretch = cpu > 0 ? (cpu + runQueue) / cpu : 1;
  // Whole ms: vm takes nothing else.
  return Math.round(LOOP_PROBE_LIMIT_MS * Math.min(MAX_LIMIT_STRETCH, Math.max(1, stretch)));
}
/** What a probe on the loop that was stopped fails with: the router runs the call again, elsewhere. */
export const RERUN: unique symbol = Symbol('run again');
/** What bounded() throws when it stopped its function. */
const STOPPED = Symbol('stopped');
const BOUNDED = Symbol.for('boundwise.boundedCall');
let boundedScript: Script | undefined;

/**
 * Run `f` on this thread, stopped after `ms` (it then throws STOPPED): a vm script's timeout,
 * whose watchdog terminates the JavaScript running here, even inside Atomics.wait() (not
 * inside a native call that does not return to JavaScript). The watchdog is a thread started
 * per call (~0.1 ms), so this is for probes, never for every call.
 */
function bounded<T>(f: () => T, ms: number): T {
  boundedScript ??= new Script(`globalThis[Symbol.for('boundwise.boundedCall')]()`, { filename: 'boundwise:bounded-probe' });
  const g = globalThis as unknown as Record<symbol, unknown>;
  g[BOUNDED] = f;
  const start = performance.now();
  try {
    return boundedScript.runInThisContext({ timeout: ms, displayErrors: false, breakOnSigint: false }) as T;
  } catch (error) {
    // The task's own vm timeout, if it uses one, is not ours: ours throws only once about `ms` have passed
    // (the watchdog's clock is not this one: it fired at 24.9 ms of 25).
    if ((error as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT' && performance.now() - start >= ms * 0.8) throw STOPPED;
    throw error;
  } finally {
    delete g[BOUNDED];
  }
}

/**
 * Run `f` with process.exit() stopped: a call to it throws instead (and `onExit` hears the
 * code, even if the task catches what was thrown). On a worker an exit ends the worker;
 * inline it would end the whole process.
 */
function withoutExit(f: () => unknown, onExit: (code: number) => void): unknown {
  const { exit, abort } = process;
  const stop = (code: number): never => {
    onExit(code);
    throw new Error('a task run inline by auto() tried to end the process');
  };
  process.exit = ((code?: number | string | null) => stop(Number(code ?? process.exitCode ?? 0) || 0)) as typeof process.exit;
  process.abort = (() => stop(134)) as typeof process.abort;
  try {
    return f();
  } finally {
    process.exit = exit;
    process.abort = abort;
  }
}

/**
 * The input and context of an inline run: loop() calls a function given no input with its
 * context alone (`run(async ({ signal }) => …)`), but a task's body always takes both.
 */
function args(input: unknown, context: TaskContext | undefined): [unknown, TaskContext] {
  return context === undefined ? [undefined, input as TaskContext] : [input, context];
}

/** Two copying costs, or undefined when either could not be timed (too large, or not cloneable). */
const addCopies = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined ? undefined : a + b);

/**
 * What a call's input and output would cost to copy to a thread and back, timed here (ms): the
 * clones' time on this thread's clocks, not the wall's, since a clone preempted by another process
 * would look like copying that outweighs the work (policy's COPY_OUTWEIGHS keeps such a task on
 * the loop). Nothing for an input given a transfer list (`inputMoves`) or an output returned with
 * transfer(): those would be moved (runner.ts counts a moved output so too).
 */
function copyCost(input: unknown, output: unknown, inputMoves: boolean): number | undefined {
  const { result, busy } = timed(() => addCopies(inputMoves ? 0 : cloneMs(input), unwrapTransfer(output).list ? 0 : cloneMs(output)));
  return result === undefined ? undefined : Math.min(result as number, busy);
}

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  v !== null && typeof v === 'object' && typeof (v as PromiseLike<unknown>).then === 'function';

/**
 * The task's own name (`module#export`) on the function the loop runs: loop() tells
 * watch() which task holds the event loop by the function's name, and an inline run
 * of an auto() task must be named as the task, not as an anonymous wrapper.
 */
function named(name: string, fn: TaskFunction): TaskFunction {
  return Object.defineProperty(fn, 'name', { value: name });
}

export class Inline {
  /** Called when a task got a measurement calls may be waiting for. */
  onMeasured: (s: TaskState) => void = () => {};
  /** A probe on the loop ran longer than tiny: threads will likely be wanted (the router's). */
  notTiny: () => void = () => {};
  /** Async inline runs not settled yet. */
  private inflight = 0;
  /** Loop measurements open; the share below is kept only while there is one. */
  private open = 0;
  /** ∫ loop CPU / runs in flight, ms: each run's fair share of the loop so far. */
  private shareMs = 0;
  private last: { at: number; cpu: number } = { at: 0, cpu: 0 };

  constructor(private readonly learner: Learner) {
    // Inline runs are measured on this thread's CPU clock: a descriptor kept open makes a
    // reading ~2 µs instead of ~30 (pool/cpu.ts; on a worker thread, Node closes it with the thread).
    keepOpen();
  }

  /** The task run on this thread's event loop, measured now and then (see above). */
  body(s: TaskState): TaskFunction {
    const learner = this.learner;
    return (s.body ??= named(s.ref.id, (input: unknown, context?: TaskContext): unknown => {
      const [value, ctx] = args(input, context);
      const fn = s.fn;
      if (!fn) return learner.load(s).then((f) => f(value, ctx));
      // On trial here (a short task measured on threads, see policy's LOOP_TRIAL_MS): measured like a probe.
      const trial = learner.choice(s).trial === 'loop';
      const probing = (s.headStart && s.profile.samples < learner.env.probeRuns) || trial;
      // A task routed here by its measurements is re-measured now and then; one still unknown, always.
      // (The choice is read through the learner: a measurement drops the cached one, which must
      // not make every later run of a burst look unknown and be measured too.)
      const known = !probing && learner.choice(s).behaviour !== 'unknown';
      const run = s.inlineRuns++;
      const measure =
        s.measuring < MEASURED_AT_ONCE &&
        (!known || s.measureNext || (s.lookAgain && run - s.measuredRun >= LOOK_AGAIN_AFTER) || run % INLINE_SAMPLE_EVERY === 0);
      if (measure) {
        s.measuredRun = run;
        s.lookAgain = false;
      }
      if (!measure) {
        const start = performance.now();
        const result = fn(value, ctx);
        this.afterUnmeasured(s, performance.now() - start);
        if (isThenable(result)) this.track(result);
        return result;
      }
      const { result, start, t0, cpuMs, busy } = timed(() => fn(value, ctx));
      // A long slice keeps the next runs measured, so a task that starts to block is re-routed in a few runs.
      s.measureNext = busy > KEEP_MEASURING_MS;
      const sync = !isThenable(result);
      if (busy > BLOCKING_SLICE_MS && probing && !trial && !s.coldSlice) {
        // The first long slice of a head start is forgiven: a first run on this thread may pay
        // one-time work (the first fetch() loads its HTTP client), as a worker's first run does.
        s.coldSlice = true;
      } else if (busy > BLOCKING_SLICE_MS || sync) {
        // One that held the loop that long is not probed here again (Probes.loopFirst).
        if (busy > BLOCKING_SLICE_MS) s.loopProbeOff = true;
        learner.endHeadStart(s);
        learner.setProfile(s, addSample(s.profile, { wallMs: busy, cpuMs, elu: 1 }, 'loop'));
        if (s.gate.size > 0) this.onMeasured(s);
      } else if (probing) {
        this.measureOnLoop(s, result as PromiseLike<unknown>, start, t0, trial);
        return result;
      }
      if (!sync) this.track(result as PromiseLike<unknown>);
      return result;
    }));
  }

  /**
   * The loop's lane (LoopExecutor.runNow) for a task known tiny and synchronous: its calls run at
   * once, as body() runs them unmeasured, but without a loop entry, a promise of the loop's or a
   * wrapper. Through route(), dispatch() and loop.run() a call cost 1–6 µs while the JIT was cold:
   * for a fresh script's 50,000 Map lookups, 40 ms more than loop() took for the whole burst.
   * Only for calls without options or an ambient scope (a signal, a timeout, a priority need run()), and never the
   * calls route() must see: each INLINE_SAMPLE_EVERY-th run (body() measures it), each 64th call
   * (dispatch() may resample it on a thread), and every call after a run longer than tiny.
   */
  private laneOpen(s: TaskState): boolean {
    const learner = this.learner;
    const d = learner.choice(s);
    if (s.fn === undefined || d.model !== 'loop' || d.behaviour !== 'tiny' || d.trial !== undefined) return false;
    if ((s.headStart && s.profile.samples < learner.env.probeRuns) || s.measureNext || s.lookAgain || s.measuring > 0) return false;
    return s.inlineRuns % INLINE_SAMPLE_EVERY !== 0 && (s.total & RESAMPLE_MASK) !== RESAMPLE_MASK;
  }

  /** After a run in the lane: counted where body() counts it, and looked at as body() looks at an unmeasured run. */
  private ranInLane(s: TaskState, ms: number): void {
    s.runs.loop++;
    s.total++;
    s.inlineRuns++;
    this.afterUnmeasured(s, ms);
  }

  /**
   * An unmeasured run that was long by the wall clock has the next run measured by the thread's own
   * clock: a slice long enough to block the loop, at once; one merely over the tiny limit (on a
   * loaded machine, often only preempted) within LOOK_AGAIN_AFTER runs (measuring each such run
   * cost a burst of 10,000 tiny calls more than the calls themselves).
   */
  private afterUnmeasured(s: TaskState, wallMs: number): void {
    if (wallMs >= BLOCKING_SLICE_MS) s.measureNext = true;
    // (The dispatch's own cost first: the tiny limit is never below it, and most runs are.)
    else if (wallMs >= this.learner.threadOverheadMs * this.learner.env.inlineFactor && wallMs >= this.learner.tinyMs(s)) s.lookAgain = true;
  }

  /** A call run in the lane, now (see laneOpen); undefined when it must be routed. */
  lane(s: TaskState, input: unknown, loop: LoopExecutor): Promise<unknown> | undefined {
    // A call made inside a cancel scope or deadline obeys its signal: run() sees to that.
    if (!this.laneOpen(s) || currentScope() !== undefined) return undefined;
    const promise = newPromise();
    const ms = loop.runNow(s.fn as TaskFunction, input, settlers.resolve, settlers.reject, s.ref.id);
    if (ms < 0) return undefined; // the loop cannot start it now (paused, or runs queued): routed as usual
    this.ranInLane(s, ms);
    return promise;
  }

  /**
   * The calls of a burst held back while their task's module loaded (router.ts), from `from`
   * on, in the lane while it is open (see laneOpen); returns the index of the next call to route.
   */
  runHeld(s: TaskState, waiters: readonly LoadWaiter[], from: number, loop: LoopExecutor, leave: () => void): number {
    let k = from;
    for (; k < waiters.length; k++) {
      const w = waiters[k] as LoadWaiter;
      if (w.options !== undefined || !this.laneOpen(s)) break;
      const ms = loop.runNow(s.fn as TaskFunction, w.input, w.resolve, w.reject, s.ref.id);
      if (ms < 0) break;
      leave();
      this.ranInLane(s, ms);
    }
    return k;
  }

  /**
   * A new task probed on the loop while no thread has started (Probes.loopFirst): one call,
   * its synchronous part timed on this thread's clocks. A first run here is trusted only when
   * it is tiny or waits (it pays a cold JIT, as a worker's first run does: trustFirstRun). A
   * promise returned after a short synchronous part makes it a head start (an async function
   * in all but name). process.exit() is caught while it runs: it would end this process, not
   * a worker, so the call fails as a crash would, and the task goes to child processes.
   */
  probeBody(s: TaskState): TaskFunction {
    const learner = this.learner;
    return (s.probeBody ??= named(s.ref.id, (input: unknown, context?: TaskContext): unknown => {
      const [value, ctx] = args(input, context);
      const fn = s.fn as TaskFunction;
      s.loopProbeRuns++;
      let exitCode: number | undefined;
      let run: Timed;
      const before = threadTimes();
      const begun = performance.now();
      try {
        // The guard outside the bound: a stopped run unwinds without running `finally` blocks.
        run = withoutExit(() => bounded(() => timed(() => fn(value, ctx)), probeLimitMs()), (code) => (exitCode = code)) as Timed;
      } catch (error) {
        if (exitCode !== undefined) this.exited(s, exitCode);
        if (error === STOPPED) {
          // Stopped: it would have held the loop longer (or for ever). The call runs again, on a thread
          // (the router sees RERUN). One that calculated all along is known to calculate: its calls
          // need no more probing.
          s.loopProbeOff = true;
          this.notTiny();
          const cpuMs = threadTimes().cpu - before.cpu;
          const wallMs = performance.now() - begun;
          if (cpuMs >= learner.env.waitingBelow * wallMs) {
            s.synchronous = true;
            learner.setProfile(s, addSample(s.profile, { wallMs, cpuMs, elu: 1 }, 'loop'));
          }
          this.probeOver(s);
          throw RERUN;
        }
        this.probeOver(s);
        throw error;
      }
      if (exitCode !== undefined) this.exited(s, exitCode);
      const { result, start, t0, cpuMs, busy } = run;
      const tinyMs = learner.tinyMs(s);
      const sync = !isThenable(result);
      // What its input and output would cost to copy to a thread: a short calculation that carries
      // much data stays on the loop, or is probed on a thread before its calls go there (policy's
      // COPY_OUTWEIGHS, copyBound); one that stays needs no thread started for it meanwhile.
      // A first run is timed for its copying even when long: a cold one can be (summing an 8 MB
      // array, interpreted: 7–10 ms on a quiet machine, then 0.9 ms a run).
      const first = s.loopProbeRuns === 1;
      const copy = sync && (busy < COPY_TRIAL_MAX_MS || first) ? this.copyOf(s, value, result, busy) : undefined;
      const copyOutweighs = copy !== undefined && copy >= COPY_OUTWEIGHS * busy;
      const coldLong = sync && coldAndLong(first, busy, copy);
      if (sync && busy >= tinyMs && !copyOutweighs && wantsThreadSoon(++s.loopProbesOverTiny, cpuMs, tinyMs)) this.notTiny();
      if (busy > BLOCKING_SLICE_MS && !coldLong) s.loopProbeOff = true;
      if (!sync) {
        learner.returnedPromise(s, busy);
        if (s.headStart) this.measureOnLoop(s, result, start, t0);
        else s.loopProbeOff = true;
      } else {
        s.synchronous = true;
        const sample = { wallMs: busy, cpuMs, elu: 1 };
        // A first run is trusted when tiny or waiting (trustFirstRun): a cold one, interpreted, can
        // take ten times as long as the task will (a 1 ms blur's first run here: over 10 ms). One that
        // calculated over LONG_ON_LOOP_MS is kept too: a task that long cold belongs on threads first
        // (the policy sends it there without more probes, and without a trial in processes yet).
        if (s.loopProbeRuns > 1 || (busy > LONG_ON_LOOP_MS && !coldLong) || trustFirstRun(sample, { ...learner.env, threadOverheadMs: learner.threadOverheadMs })) {
          learner.setProfile(s, addSample(s.profile, sample, 'loop', undefined, copy));
        }
      }
      this.probeOver(s);
      return result;
    }));
  }

  /**
   * What a probe's input and output would cost to copy (copyCost), timed once more only while the
   * copies timed so far do not clearly outweigh this run (policy's copyStillOutweighs). The least
   * timed is kept: a first clone is a cold one. (A call whose input is moved is always timed:
   * its copying is its output's alone.)
   */
  private copyOf(s: TaskState, input: unknown, output: unknown, busy: number): number | undefined {
    const moves = s.loopProbeMovesInput;
    if (!moves && copyStillOutweighs(s.loopCopyMs, busy)) return s.loopCopyMs;
    const copy = copyCost(input, output, moves);
    if (copy !== undefined && !moves) s.loopCopyMs = Math.min(copy, s.loopCopyMs ?? Infinity);
    return copy;
  }

  /** A probe on the loop is over: it ends (the calls at its gate may go on), and after a few runs probing there stops. */
  private probeOver(s: TaskState): void {
    if (s.loopProbeRuns >= LOOP_PROBES) s.loopProbeOff = true;
    s.loopProbeEnd?.();
    if (s.gate.size > 0) this.onMeasured(s);
  }

  /** The probe called process.exit(code): fail the call as a crash; the task is isolated from now on. */
  private exited(s: TaskState, exitCode: number): never {
    s.loopProbeOff = true;
    this.learner.setProfile(s, addCrash({ ...s.profile, runs: s.total }, false));
    this.probeOver(s);
    throw new WorkerCrashedError({
      worker: 'an auto() probe on the event loop',
      reason: 'exit',
      exitCode,
      signal: null,
      task: s.ref.id,
      aftermath: 'the exit was stopped (it would have ended this process): only this call failed, and the task runs in child processes from now on',
    });
  }

  /** Count an async run in flight while it lasts (its share of the loop, see measureOnLoop). */
  private track(result: PromiseLike<unknown>): void {
    this.advance(false);
    this.inflight++;
    const done = (): void => {
      this.advance(false);
      this.inflight--;
    };
    result.then(done, done);
  }

  /** Move the fair-share integral up to now (at most every SHARE_EVERY_MS unless `force`). */
  private advance(force: boolean): void {
    if (this.open === 0) return;
    const at = performance.now();
    if (!force && at - this.last.at < SHARE_EVERY_MS) return;
    const cpu = threadTimes().cpu;
    if (this.inflight > 0) this.shareMs += (cpu - this.last.cpu) / this.inflight;
    this.last = { at, cpu };
  }

  /**
   * A head-start probe on the loop: its wall time and its share of the loop's
   * CPU while it ran. A saturated loop proves nothing: its next calls are
   * probed on threads when one is free, and start on the loop meanwhile.
   */
  private measureOnLoop(s: TaskState, result: PromiseLike<unknown>, start: number, t0: ThreadTimes, trial = false): void {
    if (this.open++ === 0) this.last = { at: start, cpu: t0.cpu };
    this.advance(true);
    this.inflight++;
    s.measuring++;
    const share0 = this.shareMs;
    const done = (): void => {
      this.advance(true);
      this.inflight--;
      this.open--;
      s.measuring--;
      if (!s.headStart && !trial) return;
      // Without the time this thread waited for a CPU: a loaded machine stretches the run, the task does not.
      const t1 = threadTimes();
      const wallMs = Math.max(0, performance.now() - start - Math.max(0, t1.runQueue - t0.runQueue));
      const loopCpu = t1.cpu - t0.cpu;
      const cpuMs = Math.min(wallMs, this.shareMs - share0);
      // On a saturated loop a run's wall time is mostly queueing, and its share of the loop's
      // CPU is spread over runs that only queue: any task looks like it waits there (one that
      // reads a file, then calculates 5 ms, measured 0.2 ms of CPU in 16 ms; on a thread, 4 of 4).
      // So the answer is left to a probe on a thread, where it runs alone; and once the task has
      // thread samples, or found the loop saturated, so is that of any run that shared the loop.
      // (A burst of requests keeps the loop at 0.53–0.64: it is not probed on a cold thread.)
      const shared = this.inflight > 0 && !trial && (s.inconclusive || (s.profile.perModel.threads?.n ?? 0) > 0);
      if (loopCpu >= SATURATED * wallMs || shared) {
        s.inconclusive = true;
        return;
      }
      this.learner.setProfile(s, addSample(s.profile, { wallMs, cpuMs, elu: wallMs > 0 ? cpuMs / wallMs : 0 }, 'loop', cpuMs));
      if (s.gate.size > 0) this.onMeasured(s);
    };
    result.then(done, done);
  }
}
