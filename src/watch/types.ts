/** Shapes shared by the watchdog, its reports and the `watch` CLI command. */
import type { Advice } from './advise.js';

/** One frame of the main thread's stack, as the capture saw it (1-based line and column). */
export interface StackFrame {
  functionName: string;
  /** A path for local files (file: URLs are converted), or the module id as Node shows it (`node:fs`). */
  file: string;
  line: number;
  column: number;
}

/** One blocking stretch of the event loop, reported once when the loop resumes. */
export interface BlockReport {
  type: 'block';
  pid: number;
  /** Heartbeat gap, measured on the main thread until the loop resumed; precise to one heartbeat (threshold / 4). */
  durationMs: number;
  thresholdMs: number;
  /** `functionName (file:line)` of the blocking frame: the key repeats are counted by. `unknown` if not captured. */
  place: string;
  functionName: string;
  file: string;
  line: number;
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
  advice: string;
}

export interface PlaceSummary {
  place: string;
  count: number;
  totalMs: number;
  longestMs: number;
}

export interface WatchSummary {
  type: 'summary';
  blocks: number;
  totalBlockedMs: number;
  longest: { place: string; durationMs: number } | null;
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
