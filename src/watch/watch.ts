/**
 * `watch()`: the main-thread half of the watchdog. A heartbeat timer bumps a shared counter and
 * measures its own gaps; the worker (watchdog.ts) notices a stalled counter while the loop is
 * still blocked and captures the main thread's stack; when the loop resumes, the next heartbeat
 * sees the gap, collects the capture synchronously (receiveMessageOnPort) and reports the block.
 * Nothing here keeps the process alive: the timer, the worker and the port are all unref'd.
 */
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { formatBlock, formatSummary } from './format.js';
import { HEARTBEAT_NAME, locate, placeOf } from './stack.js';
import { parseThreshold } from './threshold.js';
import { BlockTracker, round } from './tracker.js';
import type { BlockReport, RawCapture, WatchSummary } from './types.js';
import { BEAT, CAPTURING, CELLS, STOP, watchdogSource, type WatchdogData } from './watchdog.js';
import type { Executor } from '../executor.js';
import { adviseExecutors } from './executors.js';
import { heldByNativeCall } from './native.js';

/** Options of watch(options). */
export interface WatchOptions {
  /** Report blocks longer than this: milliseconds, or `'100ms'` / `'0.5s'`. Default 100 ms. */
  threshold?: number | string;
  /** Called once per block when the loop resumes. Default: print the report to stderr. */
  onBlock?: (report: BlockReport) => void;
  /** Called at process exit when there was at least one block or one piece of advice. Default: print it to stderr, unless `onBlock` is given. */
  onSummary?: (summary: WatchSummary) => void;
  /** boundwise executors in use: their measurements add advice on tiny tasks shipped to threads or processes. */
  executors?: readonly Executor[];
}

/** What watch() returns: the running watchdog. Keep it referenced for as long as you want it to watch (until exit, for the at-exit summary). */
export interface WatchHandle {
  /** The threshold in force, ms (the option parsed). */
  readonly thresholdMs: number;
  /** What it has seen so far (the same summary it prints at exit), with advice from the executors it was given. */
  summary(): WatchSummary;
  /** Stops the heartbeat and the worker. Idempotent. */
  stop(): void;
  /** stop(), for `using`. Note that a `using` handle stops at the end of its scope: at the end of a module, before the at-exit summary. */
  [Symbol.dispose](): void;
}

export function adviceFor(via: string | null, afterNativeCall: boolean, functionName: string): string {
  if (via && /Sync$/.test(via)) return `${via}() blocks the event loop: use its async version, or move the call to threads()`;
  if (afterNativeCall) return `a blocking native call in ${functionName || 'this function'} holds the event loop: move it to threads()`;
  return `CPU work on the event loop: move ${functionName || 'it'} to threads()`;
}

export function buildReport(
  durationMs: number,
  thresholdMs: number,
  capture: RawCapture | undefined,
  count: (place: string, durationMs: number) => number,
): BlockReport {
  const where = locate(capture);
  const place = placeOf(where.top);
  const afterNativeCall = where.captured && capture !== undefined && heldByNativeCall(capture, thresholdMs);
  const functionName = where.top?.functionName ?? '';
  return {
    type: 'block',
    pid: process.pid,
    durationMs: round(durationMs),
    thresholdMs,
    place,
    functionName,
    file: where.top?.file ?? '',
    line: where.top?.line ?? 0,
    column: where.top?.column ?? 0,
    via: where.via,
    afterNativeCall,
    captured: where.captured,
    frames: where.frames,
    task: capture?.task ?? null,
    count: count(place, durationMs),
    advice: where.captured ? adviceFor(where.via, afterNativeCall, functionName) : 'move CPU work and blocking calls off the event loop, to threads()',
  };
}

/**
 * Start the event-loop watchdog in this process: a block of the event loop longer
 * than the threshold is reported when the loop resumes, with the function and line
 * that held it (captured by a worker thread while the loop was still blocked) and
 * advice; at exit, a summary. It never keeps the process alive (every timer, port
 * and thread it uses is unref'd), and a failure of the watchdog never crashes the app.
 *
 * `node --import boundwise/watch/register app.js` starts it with the defaults
 * (threshold from `BOUNDWISE_WATCH_THRESHOLD`).
 *
 * @throws InvalidOptionError (`ERR_BOUNDWISE_INVALID_OPTION`) for a threshold that is not a positive duration.
 */
export function watch(options: WatchOptions = {}): WatchHandle {
  const thresholdMs = parseThreshold(options.threshold);
  const intervalMs = Math.max(5, Math.floor(thresholdMs / 4));
  const onBlock = options.onBlock ?? ((report: BlockReport) => process.stderr.write(formatBlock(report)));
  const onSummary =
    options.onSummary ?? (options.onBlock ? undefined : (summary: WatchSummary) => process.stderr.write(formatSummary(summary)));
  const tracker = new BlockTracker();
  const executors = options.executors ?? [];
  const fullSummary = (): WatchSummary => ({ ...tracker.summary(), advice: adviseExecutors(executors) });

  const sab = new SharedArrayBuffer(CELLS * Int32Array.BYTES_PER_ELEMENT);
  const cells = new Int32Array(sab);
  const { port1, port2 } = new MessageChannel();
  port1.unref();
  const data: WatchdogData = { sab, port: port2, thresholdMs, pollMs: intervalMs, cells: { beat: BEAT, stop: STOP, capturing: CAPTURING } };
  const worker = new Worker(watchdogSource(), {
    eval: true,
    workerData: data,
    transferList: [port2],
    execArgv: [],
    // The watchdog writes nothing; keep its stdio off the app's streams.
    stdout: true,
    stderr: true,
  });
  worker.unref();
  // A watchdog failure must never crash the app: the blocks are then reported as "unknown".
  worker.on('error', () => {});

  let last = performance.now();
  let stopped = false;

  function report(durationMs: number, beat: number): void {
    let capture: RawCapture | undefined;
    for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) {
      const c = m.message as RawCapture;
      if (c.beat === beat) capture = c;
    }
    const block = buildReport(durationMs, thresholdMs, capture, (place, ms) => tracker.add({ place, durationMs: ms }));
    try {
      onBlock(block);
    } catch {
      // The user's callback must not break the heartbeat.
    }
  }

  // The name matters: a pause that lands here means the block had ended (see stack.ts).
  const heartbeat = {
    [HEARTBEAT_NAME]() {
      const now = performance.now();
      const gap = now - last;
      last = now;
      const beat = Atomics.add(cells, BEAT, 1);
      if (gap > thresholdMs) report(gap, beat);
    },
  }[HEARTBEAT_NAME];
  const timer = setInterval(heartbeat, intervalMs);
  timer.unref();

  function onExit(): void {
    // A block that lasted until exit has no heartbeat after it: measure it here.
    const gap = performance.now() - last;
    if (gap > thresholdMs) report(gap, Atomics.load(cells, BEAT));
    Atomics.store(cells, STOP, 1);
    waitForCaptureToEnd();
    stop();
    const summary = fullSummary();
    if (onSummary && (summary.blocks > 0 || summary.advice.length > 0)) onSummary(summary);
  }
  process.once('exit', onExit);

  // Exiting while the worker still has the Debugger enabled makes Node print "Waiting for the
  // debugger to disconnect..." and wait. The worker sees STOP and disables it; its messages are
  // served by this loop (V8 handles inspector interrupts on the loop's back edge). Bounded.
  function waitForCaptureToEnd(): void {
    const deadline = performance.now() + 500;
    while (Atomics.load(cells, CAPTURING) !== 0 && performance.now() < deadline) {
      Atomics.wait(cells, CAPTURING, 1, 2);
    }
  }

  function stop(): void {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    Atomics.store(cells, STOP, 1);
    process.removeListener('exit', onExit);
    port1.close();
    void worker.terminate().catch(() => {});
  }

  return {
    thresholdMs,
    summary: fullSummary,
    stop,
    [Symbol.dispose]: stop,
  };
}
