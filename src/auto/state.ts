/** What auto() keeps per task: its measurements, where its calls went, and its probing state. */
import type { TaskFunction, TaskRef } from '../task.js';
import type { RunOptions } from '../executor.js';
import { Gate } from './gate.js';
import { NEW_PROFILE, type Model, type TaskProfile } from './profile.js';
import type { Choice } from './policy.js';

/** A call of a new task waiting for its module to load on this thread: routed when it has. */
export interface LoadWaiter {
  input: unknown;
  options: RunOptions | undefined;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

export interface TaskState {
  ref: TaskRef;
  /** Measurements and crashes; runs are counted in `runs` and merged in for reports. */
  profile: TaskProfile;
  /** Calls sent to each model (what explain() and stats() report). */
  runs: Record<Model, number>;
  total: number;
  /** The routing choice for the current profile; cleared whenever the profile changes. */
  choice: Choice | undefined;
  /** Probes of it running now, and calls of its processes trial. */
  probing: number;
  /** Worker runs of it sent with a measurement request and not answered yet. */
  profiling: number;
  trials: number;
  /** Inline runs so far (tiny ones are measured one in INLINE_SAMPLE_EVERY). */
  inlineRuns: number;
  /** When it was last sent to a thread for a fresh measurement while routed to the loop. */
  resampledAt: number;
  /** The closure that runs it inline on the loop, made once. */
  body: TaskFunction | undefined;
  /** The closure that runs it as a probe on the loop (see Inline.probeBody), made once. */
  probeBody: TaskFunction | undefined;
  /** Probes of it on the loop out now (at most one), and how many ran. */
  loopProbes: number;
  loopProbeRuns: number;
  /** Probes on the loop that ran longer than tiny (Inline.probeBody: the second starts a thread). */
  loopProbesOverTiny: number;
  /** The probe on the loop out now was given a transfer list: its input would be moved to a thread, not copied. */
  loopProbeMovesInput: boolean;
  /** The least copying a probe on the loop timed for a call (ms), reused while it clearly outweighs a run (Inline.copyOf). */
  loopCopyMs: number | undefined;
  /** A probe on the loop ran long, blocked, or tried to exit: it is probed on threads only. */
  loopProbeOff: boolean;
  /** Ends the probe on the loop that is out (the router's; the probe calls it as soon as its synchronous part is over). */
  loopProbeEnd: (() => void) | undefined;
  /** Its module failed to load on this thread (the probes on threads report the error). */
  loadFailed: boolean;
  /** Its module's import on this thread, settled either way, and the calls waiting for it (Router.afterLoad). */
  loading: Promise<void> | undefined;
  loadWaiters: LoadWaiter[];
  fn: TaskFunction | undefined;
  /** An async function not yet seen blocking: probed on the loop (see policy's headStart). */
  headStart: boolean;
  /** A worker run said whether it returns a promise (Learner.returnedPromise): asked once. */
  promised: boolean;
  /** A probed run answered with a plain value: the task is synchronous (PolicyEnv.synchronous). */
  synchronous: boolean;
  /** A head-start run saw a busy loop, which proves nothing: probe on threads too, when one is free. */
  inconclusive: boolean;
  /** A head-start run had a long first slice, forgiven once (see inline.ts). */
  coldSlice: boolean;
  /** Inline runs of it being measured now (at most a few at once: a measurement costs two clock reads). */
  measuring: number;
  /** The last measured run was long, or an unmeasured one blocked the loop: measure the next by the thread's own clock. */
  measureNext: boolean;
  /** An unmeasured inline run looked longer than tiny by the wall clock: measure one again soon (see inline.ts). */
  lookAgain: boolean;
  /** The inline run (by count) measured last. */
  measuredRun: number;
  /** Calls waiting for its probes. */
  gate: Gate;
}

export function newTaskState(ref: TaskRef): TaskState {
  return {
    ref,
    profile: NEW_PROFILE,
    runs: { loop: 0, threads: 0, processes: 0 },
    total: 0,
    choice: undefined,
    probing: 0,
    profiling: 0,
    trials: 0,
    inlineRuns: 0,
    resampledAt: performance.now(),
    body: undefined,
    probeBody: undefined,
    loopProbes: 0,
    loopProbeRuns: 0,
    loopProbesOverTiny: 0,
    loopProbeMovesInput: false,
    loopCopyMs: undefined,
    loopProbeOff: false,
    loopProbeEnd: undefined,
    loadFailed: false,
    loading: undefined,
    loadWaiters: [],
    fn: undefined,
    headStart: false,
    promised: false,
    synchronous: false,
    inconclusive: false,
    coldSlice: false,
    measuring: 0,
    measureNext: false,
    lookAgain: false,
    measuredRun: 0,
    gate: new Gate(),
  };
}

/** The profile with its run counts, as users see it. */
export function reportedProfile(s: TaskState): TaskProfile {
  return { ...s.profile, runs: s.total, runsByModel: { ...s.runs } };
}
