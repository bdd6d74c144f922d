/**
 * What auto() knows: one TaskState per task, the environment the policy reads
 * (cores, the measured cost of a dispatch, pins), and the one way a profile
 * changes (setProfile), which drops the cached routing choice. The policy
 * itself stays a pure function in policy.ts; this file only feeds it.
 */
import { availableParallelism } from 'node:os';
import { importModule, loadedModule, pickExport, type TaskFunction, type TaskRef } from '../task.js';
import { choose, decide, DEFAULT_ENV, tinyLimitMs, type Choice, type Decision, type PolicyEnv } from './policy.js';
import type { TaskProfile } from './profile.js';
import { newTaskState, reportedProfile, type TaskState } from './state.js';
import type { CheckedAutoOptions } from './options.js';
import { BLOCKING_SLICE_MS } from './inline.js';

const AsyncFunction = (async () => {}).constructor;
/** Dispatch-cost samples kept, and the quantile of them that is the estimate. */
const OVERHEAD_WINDOW = 32;
const OVERHEAD_QUANTILE = 0.1;

export class Learner {
  readonly states = new Map<string, TaskState>();
  readonly env: Omit<PolicyEnv, 'pin'>;
  /** What a thread dispatch costs beyond the task's own time, ms (see addOverhead). */
  threadOverheadMs = DEFAULT_ENV.threadOverheadMs;
  /** Starts with a few of the default, so that the first samples, taken inside a burst, cannot set it alone. */
  private readonly overheads: number[] = Array.from({ length: 4 }, () => DEFAULT_ENV.threadOverheadMs);
  /** Called when a task may be routable now (a head start was found). */
  onRoutable: () => void = () => {};

  constructor(private readonly options: CheckedAutoOptions) {
    const cores = availableParallelism();
    this.env = {
      ...DEFAULT_ENV,
      cores,
      probeRuns: options.probeRuns ?? DEFAULT_ENV.probeRuns,
      // Starting a thread costs milliseconds of CPU: on a burst, dozens of new threads cost more
      // than the waits they would overlap. 4 per core by default; raise it for sustained load.
      maxBlockingThreads: options.maxBlockingThreads ?? Math.max(4, 4 * cores),
    };
  }

  state(ref: TaskRef): TaskState {
    let s = this.states.get(ref.id);
    if (!s) {
      s = newTaskState(ref);
      this.states.set(ref.id, s);
      this.lookForHeadStart(s);
    }
    return s;
  }

  envFor(ref: TaskRef): PolicyEnv {
    const pin = this.options.pin[ref.id];
    const s = this.states.get(ref.id);
    const headStart = s?.headStart === true;
    const synchronous = s?.synchronous === true;
    return { ...this.env, threadOverheadMs: this.threadOverheadMs, ...(pin && { pin }), ...(headStart && { headStart }), ...(synchronous && { synchronous }) };
  }

  /** The full decision, with its reason (for explain() and stats()). */
  decision(s: TaskState): Decision {
    return decide(reportedProfile(s), this.envFor(s.ref));
  }

  /** The routing choice, cached until the profile changes (the hot path). */
  /** Below this a run of the task is tiny (policy's tinyLimitMs: a dispatch's cost, its copying included). */
  tinyMs(s: TaskState): number {
    return tinyLimitMs(s.profile, { threadOverheadMs: this.threadOverheadMs, inlineFactor: this.env.inlineFactor });
  }

  choice(s: TaskState): Choice {
    return (s.choice ??= choose(s.profile, this.envFor(s.ref)));
  }

  /**
   * One dispatch's cost beyond the task's own time. The estimate is a low
   * quantile of the recent ones, not their mean: a round trip also waits while
   * this thread is busy (submitting a burst) or preempted (a loaded machine),
   * which is latency, not work the dispatch adds; the quiet moments show the
   * cost itself (issue 13: a 2 ms "dispatch cost" made a 2 ms blur "tiny"; in
   * bursts of 0.2 ms tasks, with two busy workers and this thread on 2 cores,
   * three in four round trips waited, and the 25th percentile made it tiny too).
   * Never below the default: a quiet round trip of 20–30 µs is latency the caller
   * waits, but a dispatch also costs both threads the messaging around it.
   */
  addOverhead(ms: number): void {
    this.overheads.push(ms);
    if (this.overheads.length > OVERHEAD_WINDOW) this.overheads.shift();
    const sorted = [...this.overheads].sort((a, b) => a - b);
    this.threadOverheadMs = Math.max(DEFAULT_ENV.threadOverheadMs, sorted[Math.floor((sorted.length - 1) * OVERHEAD_QUANTILE)] as number);
  }

  setProfile(s: TaskState, profile: TaskProfile): void {
    s.profile = profile;
    s.choice = undefined;
  }

  async load(s: TaskState): Promise<TaskFunction> {
    s.fn ??= pickExport(await importModule(s.ref.module), s.ref.module, s.ref.name);
    return s.fn;
  }

  /** May new tasks be probed on the loop (an async function, or a synchronous one while no thread has started)? */
  get mayProbeOnLoop(): boolean {
    return this.options.headStart !== false;
  }

  /** Should a worker run of this task say at once whether it returns a promise? While it is still unknown. */
  asksAsync(s: TaskState): boolean {
    return this.options.headStart !== false && !s.headStart && !s.promised && s.profile.samples < this.env.probeRuns;
  }

  /**
   * A probe on a worker returned a promise after `syncMs` of synchronous work: the
   * task is an async function in all but name (`return fetch(url).then(…)`, a
   * promisified zlib call), and gets the same head start on the loop, where it is
   * written to run — told before its answer, so the calls waiting for the probe go
   * on now (issue 13: a burst of 40 async gzips waited for cold thread probes and
   * then mostly ran on threads, 2× the loop's time). A long synchronous part first
   * (a slice that would block the loop) keeps it on threads.
   */
  returnedPromise(s: TaskState, syncMs: number): void {
    s.synchronous = false;
    if (s.promised || s.headStart || s.profile.samples >= this.env.probeRuns) return;
    s.promised = true;
    if (syncMs >= BLOCKING_SLICE_MS) return;
    s.headStart = true;
    s.choice = undefined;
    this.onRoutable();
  }

  endHeadStart(s: TaskState): void {
    if (!s.headStart) return;
    s.headStart = false;
    s.choice = undefined;
  }

  /**
   * Is the task an async function? Its module is loaded here too (a task may run
   * inline, so auto() imports task modules on this thread anyway): at once if
   * this process has loaded it already, else when the import completes (calls
   * that came before wait at the gate or probe on threads, as for any task). A
   * module that fails to load here is left to the probes, which report the error.
   */
  private lookForHeadStart(s: TaskState): void {
    if (this.options.headStart === false) return;
    const mod = loadedModule(s.ref.module);
    const fn = mod && typeof mod[s.ref.name] === 'function' ? (mod[s.ref.name] as TaskFunction) : undefined;
    if (fn !== undefined) {
      s.fn = fn;
      s.headStart = fn instanceof AsyncFunction;
      return;
    }
    // Calls that came meanwhile may wait for the module (to be probed on the loop): wake them either way.
    this.load(s).then(
      (loaded) => {
        if (loaded instanceof AsyncFunction && s.profile.samples < this.env.probeRuns) {
          s.headStart = true;
          s.choice = undefined;
        }
        this.onRoutable();
      },
      () => {
        s.loadFailed = true;
        this.onRoutable();
      },
    );
  }
}
