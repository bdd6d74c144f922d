/**
 * Where each call goes. Synchronous on the hot path (a known task's choice is
 * cached); only a call that must wait for its task's probes goes async.
 *
 *   route(call) ─▶ choice ─┬─ unknown, no thread free ─▶ probes.admit() ─┐
 *                          │                                             ▼
 *                          └──────────────────────────────────────▶ dispatch ─┬─▶ loop (inline.body)
 *                                                                             ├─▶ cpu threads / blocking threads
 *                                                                             └─▶ processes
 */
import type { RunOptions } from '../executor.js';
import type { Executors } from './executors.js';
import type { ThreadPool } from '../threads/index.js';
import type { ProcessPool } from '../processes/index.js';
import { RERUN, RESAMPLE_MASK, type Inline } from './inline.js';
import type { Learner } from './learner.js';
import type { Choice } from './policy.js';
import { TRIALS_AT_ONCE, type Probes } from './probes.js';
import type { Model } from './profile.js';
import type { LoadWaiter, TaskState } from './state.js';
import { outsideScope, withScopeSignal } from '../scope.js';
import { runOnWorker } from './worker-run.js';

/** Profile every run until this many samples, then one run in PROFILE_EVERY. */
const DENSE_SAMPLES = 8;
const PROFILE_EVERY = 8;
/** A task on the loop goes to a thread for a fresh sample at most this often (ms). */
const RESAMPLE_MS = 1_000;
const noop = (): void => {};
/** A probe on a thread, for a head-start task whose runs on the loop proved nothing. */
const PROBE: Choice = { model: 'threads', behaviour: 'unknown' };

export class Router {
  /** Calls whose probe on the loop was stopped and run again: the loop counted each as submitted and failed. */
  reruns = 0;
  constructor(
    private readonly learner: Learner,
    private readonly executors: Executors,
    private readonly probes: Probes,
    private readonly inline: Inline,
  ) {
    inline.notTiny = () => executors.prestartThread();
  }

  route(s: TaskState, input: unknown, options: RunOptions | undefined): Promise<unknown> {
    if (options === undefined) {
      const now = this.inline.lane(s, input, this.executors.loop);
      if (now !== undefined) return now;
    }
    let d = this.learner.choice(s);
    if (s.fn === undefined && d.behaviour === 'unknown' && d.model === 'threads' && this.probes.loopFirst(s)) return this.afterLoad(s, input, options);
    if (this.probes.mustWait(s, d) && this.probes.poll(s)) d = this.learner.choice(s);
    if (this.probes.mustWait(s, d)) {
      return this.probes.admit(s, options, (c) => {
        this.probes.leave();
        return this.dispatch(s, c, input, options);
      });
    }
    // A head start that measured nothing yet (the loop was busy): a thread probe when one is free.
    if (d.behaviour === 'unknown' && d.model === 'loop' && s.inconclusive && this.probes.canProbe(s)) return this.dispatch(s, PROBE, input, options);
    return this.dispatch(s, d, input, options);
  }

  /**
   * A call of a new task whose module this thread is still importing (to probe it on the
   * loop): routed once it has loaded (or failed to). It counts as waiting meanwhile, and
   * close({ cancel }) and clear() reject it as they do a call at the gate (Probes.rejectAll).
   * Not at the gate: a burst of 50,000 calls parked there cost more than the burst itself (a
   * promise, a waiter and a suspended admit() each); here it is a promise and a record each.
   */
  private afterLoad(s: TaskState, input: unknown, options: RunOptions | undefined): Promise<unknown> {
    this.probes.waiting++;
    s.loading ??= this.learner.load(s).then(noop, noop);
    // Routed later from the load's async context, outside any scope: each call carries its own.
    if (s.loadWaiters.length === 0) void s.loading.then(() => outsideScope(() => this.loaded(s)));
    options = withScopeSignal(options);
    return new Promise((resolve, reject) => s.loadWaiters.push({ input, options, resolve, reject }));
  }

  /**
   * The module has loaded (or failed to): route the calls that waited for it, in order. Once
   * the first have shown the task tiny and synchronous, the rest go the loop's lane (Inline.runHeld).
   */
  private loaded(s: TaskState): void {
    const waiters = s.loadWaiters.splice(0);
    const leave = () => this.probes.leave();
    for (let k = 0; k < waiters.length; ) {
      const w = waiters[k++] as LoadWaiter;
      this.probes.leave();
      w.resolve(this.route(s, w.input, w.options));
      k = this.inline.runHeld(s, waiters, k, this.executors.loop, leave);
    }
  }

  private dispatch(s: TaskState, d: Choice, input: unknown, options: RunOptions | undefined): Promise<unknown> {
    const { learner, executors } = this;
    if (d.behaviour === 'unknown' && d.model === 'threads' && this.probes.loopFirst(s) && this.probes.canProbeOnLoop(s)) return this.probeOnLoop(s, input, options);
    // Now and then a tiny task on the loop is measured on a thread, which keeps its profile
    // honest (inline, only one run in INLINE_SAMPLE_EVERY is measured): on an idle thread,
    // never one that must start for it (a fresh script's 300,000 Map lookups, over a second on
    // a loaded machine, started one or two threads for it). An async task on the loop is measured
    // there, on every head-start run: a thread sample of it would pay that worker's cold start
    // (a fetch: its HTTP client) inside the caller's burst.
    let resample = false;
    if (d.behaviour === 'tiny' && (s.total & RESAMPLE_MASK) === RESAMPLE_MASK && executors.cpu.idleWorkers() > 0) {
      const now = performance.now();
      if (now - s.resampledAt >= RESAMPLE_MS) {
        resample = true;
        s.resampledAt = now;
      }
    }
    // A few calls are measured on a second model as well (real calls, run beside the others),
    // until the trial is decided: a short task on the loop (policy's LOOP_TRIAL_MS), a long
    // calculating one in processes when that pays for a child's start (PROCESS_TRIAL_MS).
    const trial = d.trial !== undefined && s.trials < TRIALS_AT_ONCE && (d.trial === 'loop' || executors.processTrialPays(s.profile.wallMs, s.gate.size));
    if (trial) s.trials++;
    const model: Model = resample ? 'threads' : trial ? (d.trial as Model) : d.model;
    s.runs[model]++;
    s.total++;
    if (trial && model === 'loop') return executors.loop.run(this.inline.body(s), input, options).finally(this.trialOver(s));
    if (model === 'loop') return executors.loop.run(this.inline.body(s), input, options);
    if (trial) return runOnWorker(learner, executors.procs, s, input, options, true).finally(this.trialOver(s));
    if (model === 'processes') return this.measured(s, executors.procs, input, options, false);
    if (d.behaviour === 'waiting-blocking') {
      const pool = executors.blockingPool(d.threads ?? learner.env.cores, learner.env.cores, s.profile.wallMs);
      return this.measured(s, pool, input, options, false);
    }
    if (d.behaviour !== 'unknown') return this.measured(s, executors.cpu, input, options, resample);
    s.probing++;
    // The probe is over when its answer is handled (which poll() may do inside a synchronous
    // burst, where a promise's finally would not run until the burst ends), or when it fails.
    const end = this.probeEnd(() => s.probing--);
    return runOnWorker(learner, executors.probePool() ?? executors.cpu, s, input, options, true, end).finally(end);
  }

  /**
   * A probe on the loop (see Probes.loopFirst). It is over as soon as its synchronous part
   * is (the probe itself calls `end`), so the next call of a burst submitted in one loop
   * already sees what it measured; or when it fails before it ran.
   */
  private probeOnLoop(s: TaskState, input: unknown, options: RunOptions | undefined): Promise<unknown> {
    s.runs.loop++;
    s.total++;
    s.loopProbes++;
    const end = this.probeEnd(() => {
      s.loopProbes--;
      s.loopProbeEnd = undefined;
    });
    s.loopProbeEnd = end;
    // Its input would be moved to a thread, not copied: the probe counts no copying for it.
    s.loopProbeMovesInput = (options?.transfer?.length ?? 0) > 0;
    return this.executors.loop
      .run(this.inline.probeBody(s), input, options)
      .then(undefined, (error: unknown) => {
        if (error !== RERUN) throw error;
        // Stopped at its time limit: routed again (no longer as a probe on the loop) and counted
        // where it runs now; the loop's failed run is taken out of auto()'s stats (`reruns`).
        this.reruns++;
        s.runs.loop--;
        s.total--;
        return this.route(s, input, options);
      })
      .finally(end);
  }

  /** Ends a probe once, however many of its paths call it (`release` its count), and lets waiting calls go on. */
  private probeEnd(release: () => void): () => void {
    let over = false;
    return () => {
      if (over) return;
      over = true;
      release();
      this.probes.wake();
    };
  }

  /** A trial call settled: the calls waiting for the trial may go on (or take its place). */
  private trialOver(s: TaskState): () => void {
    return () => {
      s.trials--;
      this.probes.wake();
    };
  }

  private readonly wakeIfWaiting = (s: TaskState): void => {
    if (s.gate.size > 0) queueMicrotask(() => this.probes.wake());
  };

  /** A routed call on a worker, with a measurement request now and then (see shouldProfile). */
  private measured(s: TaskState, pool: ThreadPool | ProcessPool, input: unknown, options: RunOptions | undefined, force: boolean): Promise<unknown> {
    if (!force && !this.shouldProfile(s)) return runOnWorker(this.learner, pool, s, input, options, false, this.wakeIfWaiting);
    s.profiling++;
    return runOnWorker(this.learner, pool, s, input, options, true, this.wakeIfWaiting).finally(() => s.profiling--);
  }

  /**
   * Measure the first DENSE_SAMPLES runs, counting those still out: a burst of
   * thousands routed at once from the gate was all sent with a measurement
   * request before the first answer came back, and a measured run is never
   * batched (issue 13: 5,000 tiny calls took 0.9 s on threads, one message each).
   */
  private shouldProfile(s: TaskState): boolean {
    return s.profile.samples + s.profiling < DENSE_SAMPLES || s.total % PROFILE_EVERY === 0;
  }
}
