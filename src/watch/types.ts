/** Shapes shared by the watchdog, its reports and the `watch` CLI command. */
import type { Advice } from './advise.js';

/** One frame of the main thread's stack, as the capture saw it (1-based line and column). */
export interface StackFrame {
  /** The function's name; '' for an anonymous function. */
  functionName: string;
  /** A path for local files (file: URLs are converted), or the module id as Node shows it (`node:fs`). */
  file: string;
  /** 1-based line in `file`. */
  line: number;
  /** 1-based column in `file`. */
  column: number;
}

/** One blocking stretch of the event loop, reported once when the loop resumes. */
export interface BlockReport {
  /** Tells a block report from the summary in a stream of JSON lines (`boundwise watch --json`). */
  type: 'block';
  /** process.pid of the process that blocked. */
  pid: number;
  /** Heartbeat gap, measured on the main thread until the loop resumed; precise to one heartbeat (threshold / 4). */
  durationMs: number;
  /** The threshold in force, ms: blocks longer than it are reported. */
  thresholdMs: number;
  /** `functionName (file:line)` of the blocking frame: the key repeats are counted by. `unknown` if not captured. */
  place: string;
  /** The blocking (innermost user-visible) frame's function name; '' when anonymous or not captured. */
  functionName: string;
  /** That frame's file (see {@link StackFrame}.file); '' when not captured. */
  file: string;
  /** That frame's 1-based line; 0 when not captured. */
  line: number;
  /** That frame's 1-based column; 0 when not captured. */
  column: number;
  /** The Node built-in the blocking frame was inside when the pause landed (e.g. `execSync`), if any. */
  via: string | null;
  /** The pause landed only after a native call returned: the time was spent inside that call. */
  afterNativeCall: boolean;
  /** False when the watchdog could not capture the stack in time (the place is then `unknown`). */
  captured: boolean;
  /** The whole captured stack, innermost first. */
  frames: StackFrame[];
  /** The boundwise task running at the time (`module#export`), from `globalThis[Symbol.for('boundwise.currentTask')]`. */
  task: string | null;
  /** How many blocks at this place so far, this one included. */
  count: number;
  /** What to do about it, in one sentence (e.g. "execSync() blocks the event loop: use its async version, or move the call to threads()"). */
  advice: string;
}

/** The blocks at one place, in {@link WatchSummary}.places. */
export interface PlaceSummary {
  /** `functionName (file:line)`, as in {@link BlockReport}.place. */
  place: string;
  /** Blocks at this place. */
  count: number;
  /** Their durations added up, ms. */
  totalMs: number;
  /** The longest of them, ms. */
  longestMs: number;
}

/** What the watchdog saw over the whole run: printed (or passed to `onSummary`) at exit, returned by {@link WatchHandle}.summary() at any time. */
export interface WatchSummary {
  /** Tells the summary from block reports in a stream of JSON lines. */
  type: 'summary';
  /** Blocks reported. */
  blocks: number;
  /** Their durations added up, ms. */
  totalBlockedMs: number;
  /** The longest block; null when there was none. */
  longest: {
    /** Where it was, as in {@link BlockReport}.place. */
    place: string;
    /** How long it lasted, ms. */
    durationMs: number;
  } | null;
  /** Sorted by total blocked time, longest first. */
  places: PlaceSummary[];
  /** Mistakes read from the executors passed to watch({ executors }): tiny tasks shipped away. */
  advice: Advice[];
}

/** What the watchdog worker sends back for one capture (raw; parsed on the main thread). */
export interface RawCapture {
  /** The heartbeat counter value that stalled: matches the block the main thread measures. */
  beat: number;
  /** `new Error().stack` evaluated in the paused frame: source-mapped when the app has source maps on. */
  stack: string | null;
  /** The debugger's own frames, the fallback when `stack` cannot be parsed. */
  frames: StackFrame[];
  task: string | null;
  /** Time from asking for the pause to the main thread's first answer (long when it was inside a native call). */
  pauseDelayMs: number;
  /** Samples of the main thread's scheduler state while blocked (see native.ts): runnable … */
  running: number;
  /** … and sleeping or in I/O wait. Both 0 where /proc is not available. */
  sleeping: number;
}
