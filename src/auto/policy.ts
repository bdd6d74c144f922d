/**
 * The decision: which model should run this task, and why. A pure function of
 * the task's profile and what auto() knows about its executors, so every case
 * and boundary is tested without spawning anything.
 *
 *   pinned ─────────────────────────────▶ the pin
 *   crashed its worker / out of memory ─▶ processes (isolation), even while still probing
 *   unknown, an async function ─────────▶ loop    (probe there: written to wait; see headStart)
 *   shorter than a dispatch ────────────▶ loop   (inline: dispatch would cost more than the work; one run decides)
 *   one run on the loop over 10 ms of CPU ▶ threads (probed on the loop while no thread had started)
 *   unknown (fewer than probeRuns) ─────▶ threads (probe: own CPU clock and event loop; safe if it blocks)
 *   waiting, event loop idle ───────────▶ loop   (async waiting)
 *   waiting, event loop busy ───────────▶ threads, sized cores × (1 + wait/compute) (blocking waits)
 *   calculating ────────────────────────▶ threads
 */
import { cpuShare, type Model, type ModelWall, type TaskProfile } from './profile.js';

/**
 * How auto() classified a task: 'unknown' while probing (fewer than 2 measured runs);
 * 'waiting-async' (mostly waiting, the event loop free: runs on loop()); 'waiting-blocking'
 * (mostly waiting, but it holds its thread: threads()); 'calculating' (mostly CPU: threads());
 * 'tiny' (shorter than a dispatch to a thread: inline on the loop); 'crashing' (it crashed its
 * worker or ran out of memory: processes()); 'pinned' (the user's `pin`).
 */
export type Behaviour = 'unknown' | 'waiting-async' | 'waiting-blocking' | 'calculating' | 'tiny' | 'crashing' | 'pinned';

/** auto()'s decision for one task, from explain(): where it runs and why. */
export interface Decision {
  /** Where the task runs now. */
  model: Model;
  /** How the task was classified. */
  behaviour: Behaviour;
  /** Plain words with the numbers behind them. */
  reason: string;
  /** For blocking waits: how many threads that pool should have. */
  threads?: number;
  /** Where a few of its calls are also sent to be measured (a long calculating task is tried in processes). */
  trial?: Model;
  /** The measurements behind the decision. */
  profile: TaskProfile;
}

export interface PolicyEnv {
  cores: number;
  /** Runs measured on a thread before a task is routed anywhere else. */
  probeRuns: number;
  /** Dispatch round-trip cost of a thread, ms (measured by auto, or a default). */
  threadOverheadMs: number;
  /** The user's pin for this task, if any. */
  pin?: Model;
  /** Below this share of CPU in wall time, a task is waiting rather than calculating. */
  waitingBelow: number;
  /** Above this event-loop utilization, a waiting task is blocking its thread. */
  blockingAbove: number;
  /** A calculating task shorter than this many dispatch costs runs inline. */
  inlineFactor: number;
  /** Upper bound for the blocking-wait pool. */
  maxBlockingThreads: number;
  /**
   * The task is an `async function` whose inline runs have not yet shown it
   * blocking: it is probed on the loop itself, where it is written to run. Each
   * synchronous slice is timed (one over 10 ms ends this), and the event loop's
   * utilization over a run bounds the CPU the run could have used.
   */
  headStart?: boolean;
  /**
   * The task's probes returned plain values, no promise: all its work is on the
   * thread that calls it. On the loop it would cost the same CPU on one core that
   * threads spread over all of them, so a loop trial could never win (see LOOP_TRIAL_MS).
   */
  synchronous?: boolean;
}

export const DEFAULT_ENV: Omit<PolicyEnv, 'cores' | 'pin'> = {
  probeRuns: 2,
  threadOverheadMs: 0.05,
  waitingBelow: 0.5,
  blockingAbove: 0.5,
  inlineFactor: 2,
  maxBlockingThreads: 64,
};

const pct = (x: number) => `${Math.round(x * 100)} %`;
const ms = (x: number) => (x >= 10 ? `${x.toFixed(0)} ms` : x >= 1 ? `${x.toFixed(1)} ms` : x >= 0.01 ? `${x.toFixed(2)} ms` : `${(x * 1000).toFixed(1)} µs`);

/** Threads for blocking waits: cores × (1 + wait/compute), bounded. */
export function blockingPoolSize(p: Pick<TaskProfile, 'wallMs' | 'cpuMs'>, cores: number, max: number): number {
  const compute = Math.max(p.cpuMs, p.wallMs * 0.01, 1e-6);
  const wait = Math.max(0, p.wallMs - p.cpuMs);
  return Math.max(cores, Math.min(max, Math.round(cores * (1 + wait / compute))));
}

/** What one more thread costs to start (its isolate, boundwise's worker code, the task's module), ms: the least assumed. */
export const THREAD_START_MS = 40;

/**
 * How far the blocking-wait pool may grow for the work waiting now (pure). A
 * new thread pays a start-up (`startMs`: as measured here, at least
 * THREAD_START_MS; a loaded machine makes it much longer) before its first
 * call, so one is started only while there are at least two start-ups' worth
 * of blocking work per thread to share: a burst of 16 sleeps of 20 ms is not worth 8 cold threads (issue 13:
 * that burst took 3× as long as threads() alone), a sustained flood still grows
 * the pool to the size the measurements ask for (`size`).
 */
export function blockingGrowth(backlogMs: number, floor: number, size: number, startMs = THREAD_START_MS): number {
  return Math.max(floor, Math.min(size, Math.ceil(backlogMs / (2 * Math.max(THREAD_START_MS, startMs)))));
}

/** What auto() sees of its two thread pools when it places a blocking wait. */
export interface BlockingView {
  /** Calls queued in each pool, and threads started in each. */
  cpuQueue: number;
  cpuThreads: number;
  blockingQueue: number;
  blockingThreads: number;
  /** The blocking pool may start one more thread now (below the bound blockingGrowth gave). */
  canStart: boolean;
  /** The task's wall time, and a thread's start-up, ms. */
  wallMs: number;
  startMs: number;
}

/**
 * Which pool a blocking wait should join when neither has a thread free (pure):
 * the one that is expected to start it first. The CPU threads are warm; a new
 * blocking thread first pays its start-up, so it is started only when the
 * calls already queued on the warm threads would keep this one waiting longer.
 */
export function placeBlocking(v: BlockingView): 'cpu' | 'blocking' {
  const cpuWait = ((v.cpuQueue + 1) * v.wallMs) / Math.max(1, v.cpuThreads);
  const blockingWait = v.canStart
    ? Math.max(THREAD_START_MS, v.startMs)
    : v.blockingThreads === 0
      ? Infinity
      : ((v.blockingQueue + 1) * v.wallMs) / v.blockingThreads;
  return blockingWait < cpuWait ? 'blocking' : 'cpu';
}

/**
 * A calculating task at least this long (ms) is also tried in processes: a
 * dispatch there costs well under 2 % of it, and some work runs much faster in
 * processes than in threads of one process (native code behind a lock: in an
 * outside run, pbkdf2Sync took 3.9 s on threads and 2.1 s in processes).
 */
export const PROCESS_TRIAL_MS = 5;
/** Trusted samples in processes that decide the trial. */
export const TRIAL_SAMPLES = 2;
/** Processes win the trial at this share of the threads' wall time or less (less is noise). */
export const PROCESSES_BETTER = 0.85;

/**
 * A task that runs for less than this on a thread (ms) but is not tiny is also
 * tried on the loop: near a dispatch's cost, whether a thread saves time is a
 * matter of measurement, not of category (issue 13: readFileSync of small files
 * and an async zlib.gzip measured as CPU work on threads, yet ran fastest on
 * the loop — the libuv pool is the process's either way). A synchronous task costs the
 * loop the same CPU that threads run on every core (PolicyEnv.synchronous), so it is
 * tried only when it is very short (SYNC_LOOP_TRIAL_MS): a trial's first inline run,
 * cold, held the loop for 5–9 ms in a burst of 1 ms blurs.
 */
export const LOOP_TRIAL_MS = 2;
/**
 * A synchronous task is tried on the loop only below this (ms on a thread): there a
 * thread's measurement is mostly the noise of a cold or preempted run, and the task
 * may well be tiny (issue 13: 5,000 token counts of 1 µs measured 0.15 ms on warm
 * threads under load, were routed there and took 0.9 s against the loop's 35 ms).
 * Its trial's cold inline runs cost the loop a few ms at most.
 */
export const SYNC_LOOP_TRIAL_MS = 0.5;
/** The loop wins its trial when its time per call, by this margin, is at most a thread's share (wall / threads). */
export const LOOP_MARGIN = 1.1;
/** Inline samples that decide a loop trial: three, since the first inline run of a task is cold (JIT, fresh pages). */
export const LOOP_TRIAL_SAMPLES = 3;
/**
 * A calculating task whose copying to and from a worker (ModelWall.copyMs) is at least this
 * (ms), and at least half its work there, is tried on the loop too: a large input or output
 * can cost more to copy than the work it carries (an 8 MB array summed in 1 ms took ~6 ms a
 * call on threads, 3.7× the loop's time). Below it, copying is noise.
 */
export const COPY_TRIAL_MS = 1;
/** Only a task this short (ms) is tried on the loop for its copying: a longer one would block it. */
export const COPY_TRIAL_MAX_MS = 10;
/** A synchronous task that calculated this long (ms) in a run on the loop is calculating: no more probes. */
export const LONG_ON_LOOP_MS = 10;

/**
 * Measured on the loop only, copying to a thread and back costs at least this many times the
 * work: no thread can run it faster than the loop, so it stays there without a probe on one.
 * About half of a copy (the input's serializing, the output's deserializing) is on the caller's
 * thread, and a real send costs ~1.5 times the clone timed (an 8 MB array: a 3.5 ms clone, ~6 ms
 * a call on threads; see copyBound): at 1.5 times the work, the caller's part alone takes about
 * as long as running the call there. (Summing an 8 MB array: 0.85 ms of work, 13 ms of copying;
 * building a 4 MB one: 2.0–2.4 ms and 4.5–8 ms, which at twice the work went either way, and
 * 120 calls ran in 705 ms against the loop's 378. Each sent calls to a thread that had to start
 * first.)
 */
export const COPY_OUTWEIGHS = 1.5;

/**
 * A synchronous task's first probe on the loop ran over LONG_ON_LOOP_MS, with much to copy
 * (`copyMs`, its input's and output's clone): the run proves nothing yet, since a cold one can
 * be ten times as long as the task (summing an 8 MB array, interpreted: 7–10 ms, then 0.9 ms a
 * run). One more run on the loop, warm, says whether the copying outweighs the work; taken at
 * its word, the first had sent 120 such calls to threads, at 1.5× the loop's time.
 */
export function coldAndLong(first: boolean, busyMs: number, copyMs: number | undefined): boolean {
  return first && busyMs > LONG_ON_LOOP_MS && copyMs !== undefined && copyMs >= COPY_TRIAL_MS;
}

/**
 * A copy timed on an earlier probe this far above a run's work (COPY_CLEARLY × it) is not timed
 * again: it outweighs the run whatever a second clone would say, and a clone costs what it
 * measures (8 MB: 6 ms, seven runs of a sum over it; three probes cloned it three times).
 */
export const COPY_CLEARLY = 3;

/** May a probe reuse the copy an earlier one timed (`knownMs`), rather than clone again? */
export function copyStillOutweighs(knownMs: number | undefined, busyMs: number): knownMs is number {
  return knownMs !== undefined && knownMs >= COPY_TRIAL_MS && knownMs >= COPY_CLEARLY * busyMs;
}

/** Measured on the loop only: does copying outweigh the work, so that the loop wins whatever threads do (COPY_OUTWEIGHS)? */
function copyOutweighs(c: Choice, onLoop: ModelWall): boolean {
  const copy = onLoop.copyMs;
  return c.behaviour === 'calculating' && copy !== undefined && copy >= COPY_TRIAL_MS && copy >= COPY_OUTWEIGHS * onLoop.wallMs && onLoop.wallMs < COPY_TRIAL_MAX_MS;
}

/** Measured on the loop only: might copying make a thread dearer than the loop (see copyBound)? Unknown copying counts. */
function mayCopyMuch(c: Choice, onLoop: ModelWall): boolean {
  if (c.behaviour !== 'calculating' || onLoop.wallMs >= COPY_TRIAL_MAX_MS) return false;
  return onLoop.copies === undefined || copyBound(c, onLoop);
}

/**
 * Below this (ms) a task is tiny: inline wins. A dispatch costs its round trip, and copying the
 * call's input and output, where measured (a clone's time, at COPY_OUTWEIGHS to the work, as for
 * a longer task): reading a 280 KB file into a Buffer took 0.14 ms a call on the loop and cloning
 * the buffer 0.1 ms; called a calculation, 264 of 300 calls went to threads, at 2.6 times the
 * loop's time, before their runs there (0.04 ms) called it tiny. Copying from COPY_TRIAL_MS on
 * counts only up to it here: more is weighed by measuring both sides (copyOutweighs, copyBound).
 */
export function tinyLimitMs(profile: Pick<TaskProfile, 'perModel'>, env: Pick<PolicyEnv, 'threadOverheadMs' | 'inlineFactor'>): number {
  const copyMs = profile.perModel.loop?.copyMs ?? profile.perModel.threads?.copyMs ?? 0;
  return env.threadOverheadMs * env.inlineFactor + Math.min(copyMs, COPY_TRIAL_MS) / COPY_OUTWEIGHS;
}

/** Up to this many samples, the quickest of them is the task's time for the tiny test (see warmMs). */
export const EARLY_SAMPLES = 3;

/**
 * The task's time for the tiny test: the median of its recent runs, but while only a few are in,
 * the quickest. An early run can be many times the task's cost, and never less: cold code, a GC
 * met on the way (a scavenge is ~1 ms of this thread's CPU), a cold cache. One such run among two
 * makes the median of a 2 µs task 0.5 ms, and its first burst goes to threads (the likely cause of
 * a test that failed once in ~25 runs beside two CPU hogs: a burst of 3,000 such calls, none run
 * inline). A run over the tiny limit later has the next runs measured (inline.ts), and from
 * EARLY_SAMPLES on the median decides.
 */
export function warmMs(profile: Pick<TaskProfile, 'samples' | 'recent' | 'wallMs'>): number {
  if (profile.samples > EARLY_SAMPLES || profile.recent.length === 0) return profile.wallMs;
  let least = Infinity;
  for (const r of profile.recent) least = Math.min(least, r.wallMs);
  return least;
}

/** The routing part of a decision, without the words: cheap enough for every call. */
export interface Choice {
  model: Model;
  behaviour: Behaviour;
  threads?: number;
  /** Also send a few calls here, to measure it there (see PROCESS_TRIAL_MS, LOOP_TRIAL_MS). */
  trial?: Model;
}

/** Where a calculating task runs best: threads, unless its trial in processes showed them clearly faster. */
function calculating(profile: TaskProfile): Choice {
  if (profile.wallMs < PROCESS_TRIAL_MS) return { model: 'threads', behaviour: 'calculating' };
  const inProcesses = profile.perModel.processes;
  if (!inProcesses || inProcesses.n < TRIAL_SAMPLES) return { model: 'threads', behaviour: 'calculating', trial: 'processes' };
  const onThreads = profile.perModel.threads?.wallMs ?? profile.wallMs;
  return inProcesses.wallMs <= PROCESSES_BETTER * onThreads ? { model: 'processes', behaviour: 'calculating' } : { model: 'threads', behaviour: 'calculating' };
}

export function choose(profile: TaskProfile, env: PolicyEnv): Choice {
  if (env.pin) return { model: env.pin, behaviour: 'pinned' };
  if (profile.crashes > 0) return { model: 'processes', behaviour: 'crashing' };
  // Shorter than a dispatch: inline wins whether it calculates or waits (and at this
  // scale the CPU clock is too coarse to tell the two apart anyway). One run decides it: a
  // task's first runs are its slowest (cold code, lazy imports), so one that is already this
  // short is no longer warm; waiting for the second probe kept a burst of tiny calls at the
  // gate for another round trip (on a loaded machine, another wake-up of a thread).
  const tiny = profile.samples > 0 && warmMs(profile) < tinyLimitMs(profile, env);
  if (tiny) return { model: 'loop', behaviour: 'tiny' };
  // One synchronous run on the loop that calculated for over LONG_ON_LOOP_MS is enough: whatever a
  // dispatch and copying cost, it is less, and a burst of it need not wait for thread probes. A
  // single run may be a cold one (ten times as long as the task will take): no trial in processes
  // on it alone, which would start a child for what may be a 1 ms task.
  const onLoopOnly = profile.perModel.loop !== undefined && profile.perModel.threads === undefined;
  if (env.synchronous && onLoopOnly && profile.wallMs >= LONG_ON_LOOP_MS && cpuShare(profile) >= env.waitingBelow) {
    return profile.samples < env.probeRuns ? { model: 'threads', behaviour: 'calculating' } : calculating(profile);
  }
  if (profile.samples < env.probeRuns) return { model: env.headStart ? 'loop' : 'threads', behaviour: 'unknown' };
  const onThreads = profile.perModel.threads;
  const onLoop = profile.perModel.loop;
  const c = afterProbes(profile, env);
  // Measured on the loop only (probed there while no thread had started): a short calculation whose
  // input and output cost much to copy (or could not be timed) is probed on a thread too before its
  // calls go there, where copying is measured as it is (issue 13: summing an 8 MB array, 1.5 ms on
  // the loop, sent all 117 calls of a burst to threads, ~5 ms each there). Others go at once.
  if (env.synchronous && onLoop && !onThreads && !profile.perModel.processes) {
    if (copyOutweighs(c, onLoop)) return { model: 'loop', behaviour: 'tiny' };
    if (mayCopyMuch(c, onLoop)) return { model: 'threads', behaviour: 'unknown' };
  }
  if (c.model !== 'threads' || !onThreads || env.headStart) return c;
  // Short, or carrying more data than work: measured on the loop as well, and put where a call costs least.
  const short = onThreads.wallMs < (env.synchronous ? SYNC_LOOP_TRIAL_MS : LOOP_TRIAL_MS);
  if (short || copyBound(c, onThreads)) {
    if (!onLoop || onLoop.n < LOOP_TRIAL_SAMPLES) return { ...c, trial: 'loop' };
    if (onLoop.wallMs * LOOP_MARGIN <= threadShare(onThreads, env.cores)) return { model: 'loop', behaviour: 'tiny' };
  }
  return c;
}

/** What a call costs on threads that share the work: its time there with its copying, divided among them. */
export function threadShare(onThreads: ModelWall, cores: number): number {
  return (onThreads.wallMs + (onThreads.copyMs ?? 0)) / cores;
}

/**
 * Might the loop run this calculating task faster than threads, for the copying a dispatch
 * costs it (see COPY_TRIAL_MS)? Worth a trial when copying is at least half the work: a clone
 * timed on the worker understates a real send (an 8 MB array: a 3.5 ms clone, ~6 ms a call on
 * threads), and a worker's run of the freshly copied input is slower than the loop's. The trial's
 * measurements decide (threadShare against the loop's time).
 */
function copyBound(c: Choice, onThreads: ModelWall): boolean {
  const copy = onThreads.copyMs ?? 0;
  return c.behaviour === 'calculating' && copy >= COPY_TRIAL_MS && copy >= onThreads.wallMs / 2 && onThreads.wallMs < COPY_TRIAL_MAX_MS;
}

/** The decision from the measurements, for a task that is neither tiny nor on trial. */
function afterProbes(profile: TaskProfile, env: PolicyEnv): Choice {
  if (cpuShare(profile) < env.waitingBelow) {
    if (profile.elu <= env.blockingAbove) return { model: 'loop', behaviour: 'waiting-async' };
    return { model: 'threads', behaviour: 'waiting-blocking', threads: blockingPoolSize(profile, env.cores, env.maxBlockingThreads) };
  }
  return calculating(profile);
}

/**
 * CPU a single probe on the loop must show to start a thread at once (ms). One reading just
 * over the tiny limit proves little: a first run pays lazy compilation and may meet a GC, and
 * where the thread has no CPU clock of its own (no schedstat: process.cpuUsage() counts V8's
 * compiler and GC threads too) a 25 µs call's first run read 0.12 ms, over a 0.1 ms limit, once
 * in ten; the project's CI once saw a thread started for 500 such calls. A task's cold first
 * run that matters here (a 1 ms blur's: over 10 ms) is far above this.
 */
export const CLEARLY_LONG_MS = 1;

/**
 * Whether a probe on the loop that ran longer than tiny (`tinyMs`) says the task will want
 * threads, so that one is started meanwhile (Inline.probeBody): a run that clearly calculated
 * (`cpuMs`), or the second such run (`overTiny`: how many so far, this one included).
 */
export function wantsThreadSoon(overTiny: number, cpuMs: number, tinyMs: number): boolean {
  return overTiny >= 2 || cpuMs >= Math.max(CLEARLY_LONG_MS, tinyMs);
}

/**
 * Does a task's first run in a fresh worker count as a measurement? That run
 * also pays one-time work (lazy imports, a cold JIT), which only adds CPU and
 * time: so it is trusted when it says "waiting" anyway, or when even so it is
 * shorter than a dispatch (then the task is tiny); otherwise it is left out.
 */
export function trustFirstRun(sample: { wallMs: number; cpuMs: number }, env: Pick<PolicyEnv, 'threadOverheadMs' | 'inlineFactor' | 'waitingBelow'>): boolean {
  return sample.wallMs < env.threadOverheadMs * env.inlineFactor || sample.cpuMs < sample.wallMs * env.waitingBelow;
}

/** The choice with its reason in plain words and the numbers behind it. */
export function decide(profile: TaskProfile, env: PolicyEnv): Decision {
  const c = choose(profile, env);
  const share = cpuShare(profile);
  const times = (n: number) => `${n} time${n === 1 ? '' : 's'}`;
  let reason: string;
  switch (c.behaviour) {
    case 'pinned':
      reason = `${c.model} — pinned by the user`;
      break;
    case 'crashing': {
      const what = profile.ooms > 0 ? `ran out of memory ${times(profile.ooms)}` : `crashed its worker ${times(profile.crashes)}`;
      reason = `processes — ${what} in ${profile.runs} run${profile.runs === 1 ? '' : 's'}: isolated in child processes so a crash cannot take threads or the service with it`;
      break;
    }
    case 'unknown':
      reason =
        c.model === 'loop'
          ? `loop — probing (${profile.samples} of ${env.probeRuns} runs measured) on the event loop: it is an async function, written to wait; a synchronous slice over 10 ms sends it to a thread instead, and while the event loop is too busy to tell, it is probed on a thread as well`
          : profile.samples >= env.probeRuns
            ? `threads — probing: ${ms(profile.wallMs)} a call on the loop (measured there while no thread had started); now on a thread, for what a dispatch and copying its input and output cost`
            : `threads — probing (${profile.samples} of ${env.probeRuns} runs measured): a thread has its own CPU clock and event loop to measure, and is safe if the task blocks`;
      break;
    case 'tiny': {
      const onLoop = profile.perModel.loop;
      const onThreads = profile.perModel.threads;
      const copy = onThreads?.copyMs ?? 0;
      const copying = copy >= COPY_TRIAL_MS ? ` plus ${ms(copy)} copying its input and output` : '';
      const long = profile.wallMs >= env.threadOverheadMs * env.inlineFactor;
      reason =
        long && onLoop && onThreads
          ? `loop — a call costs the loop ${ms(onLoop.wallMs)}, and a thread ${ms(onThreads.wallMs)}${copying} (${ms(threadShare(onThreads, env.cores))} a call across ${env.cores} threads): the loop is faster, so it runs inline`
          : long && onLoop?.copyMs !== undefined
            ? `loop — a call costs the loop ${ms(onLoop.wallMs)}, and copying its input and output to a thread and back ${ms(onLoop.copyMs)}: no thread can run it faster, so it runs inline`
            : `loop — takes only ${ms(profile.wallMs)}; dispatch to a thread costs ~${ms(env.threadOverheadMs)}, more than the work, so it runs inline`;
      break;
    }
    case 'waiting-async':
      reason = `loop — waits ${pct(1 - share)} of its ${ms(profile.wallMs)} (CPU ${ms(profile.cpuMs)}, its event loop idle ${pct(1 - profile.elu)}): async waiting belongs on the event loop`;
      break;
    case 'waiting-blocking':
      reason = `threads — blocks: waits ${pct(1 - share)} of its ${ms(profile.wallMs)} while its event loop is busy ${pct(profile.elu)} (synchronous waiting); on the event loop it would freeze everything, so it runs on ${c.threads} threads (cores × (1 + wait/compute))`;
      break;
    case 'calculating': {
      const onThreads = profile.perModel.threads?.wallMs;
      const inProcesses = profile.perModel.processes;
      const trial =
        inProcesses && inProcesses.n >= TRIAL_SAMPLES && onThreads !== undefined
          ? c.model === 'processes'
            ? `; in processes it ran in ${ms(inProcesses.wallMs)} against ${ms(onThreads)} on threads (threads of one process contend here, e.g. for a lock in native code)`
            : `; tried in processes too: ${ms(inProcesses.wallMs)} against ${ms(onThreads)} on threads`
          : c.trial === 'processes'
            ? '; being tried in processes as well (a few calls)'
            : '';
      reason = `${c.model} — calculates ${pct(share)} of its ${ms(profile.wallMs)}; dispatch costs ~${ms(env.threadOverheadMs)}${trial}`;
      break;
    }
  }
  if (c.trial === 'loop') reason += `; being tried on the loop as well (a few calls): near a dispatch's cost, measured, not assumed`;
  return { ...c, reason: reason + ranWhere(profile), profile };
}

/** What was actually done: the calls each model received (explain() describes what ran, not only the plan). */
function ranWhere(profile: TaskProfile): string {
  const parts = (['loop', 'threads', 'processes'] as const).filter((m) => profile.runsByModel[m] > 0).map((m) => `${profile.runsByModel[m]} on ${m}`);
  return parts.length === 0 ? '' : ` (so far ${profile.runs} call${profile.runs === 1 ? '' : 's'}: ${parts.join(', ')})`;
}
