/**
 * The watchdog thread. It runs as an eval'd worker (its source is this function's text), so it
 * needs no file on disk and no loader: it starts the same from src/ under tsx and from dist/, and
 * it never inherits the app's --import flags (which would start a watchdog inside the watchdog).
 * Everything it uses must therefore come from `req` (CommonJS require of Node built-ins).
 *
 *   main thread                          watchdog worker
 *   ───────────                          ───────────────
 *   heartbeat timer: cells[BEAT]++  ──►  poll: BEAT unchanged for > threshold?
 *                                         Debugger.enable, Debugger.pause  ──► (interrupt lands in
 *   main JS is paused here  ◄───────────                                        the running JS)
 *                                         evaluate `new Error().stack` in the paused frame
 *   captures port  ◄──────────────────── postMessage(capture) then Debugger.resume, disable
 *   next heartbeat: gap > threshold →
 *   drain port, report the block
 *
 * The Debugger is enabled only while capturing: with nothing blocked the main thread never talks
 * to the inspector at all.
 */
import type { RawCapture, StackFrame } from './types.js';

export interface WatchdogData {
  sab: SharedArrayBuffer;
  port: import('node:worker_threads').MessagePort;
  thresholdMs: number;
  pollMs: number;
  /** Indices of the shared cells, passed in because module constants do not exist in the eval'd worker. */
  cells: { beat: number; stop: number; capturing: number };
}

/** Cells of the shared Int32Array. */
export const BEAT = 0;
export const STOP = 1;
/** 1 while the worker has the Debugger enabled: the main thread waits for 0 before it exits. */
export const CAPTURING = 2;
export const CELLS = 3;

export function watchdogMain(req: (id: string) => unknown, data: WatchdogData): void {
  const inspector = req('node:inspector') as typeof import('node:inspector');
  const fs = req('node:fs') as typeof import('node:fs');
  const cells = new Int32Array(data.sab);
  // The main thread's scheduler state while it is blocked (native.ts says why): its thread id is
  // the process id on Linux. Elsewhere there is no /proc and both counts stay 0.
  const statPath = `/proc/self/task/${process.pid}/stat`;
  let procOk = true;
  let running = 0;
  let sleeping = 0;
  const sampleMain = () => {
    if (!procOk) return;
    let line: string;
    try {
      line = fs.readFileSync(statPath, 'utf8');
    } catch {
      procOk = false;
      return;
    }
    // stateOf() in native.ts, inlined: this worker has no imports.
    const state = line.charAt(line.lastIndexOf(')') + 2);
    if (state === 'R') running++;
    else if (state === 'S' || state === 'D') sleeping++;
  };
  const BEAT = data.cells.beat;
  const STOP = data.cells.stop;
  const CAPTURING = data.cells.capturing;
  // One inspector session per capture, disconnected right after: a session left connected can make
  // Node print "Waiting for the debugger to disconnect..." at exit, and costs nothing while unused.
  let session = new inspector.Session();
  const post = (method: string, params?: object): Promise<any> =>
    new Promise((resolve, reject) => {
      session.post(method, params ?? {}, (error: Error | null, result: unknown) => (error ? reject(error) : resolve(result)));
    });

  // scriptId → url, filled by Debugger.enable; only for the fallback frames.
  const scripts = new Map<string, string>();
  // When the main thread first answered: a thread running JS answers within a few ms (interrupt),
  // a thread stuck in a native call only when the call returns. This, not the time the pause took
  // (which includes replaying every loaded script to the debugger), tells the two apart.
  let firstAnswerAt = 0;
  const onScript = (event: any) => {
    if (firstAnswerAt === 0) firstAnswerAt = performance.now();
    scripts.set(event.params.scriptId, event.params.url);
  };

  // Evaluated in the paused frame, which may be inside Node's own modules where globals such as
  // Symbol are not in scope: reach everything through globalThis.
  const expression = `(() => {
    const E = globalThis.Error, limit = E.stackTraceLimit;
    E.stackTraceLimit = 64;
    try {
      const task = globalThis[globalThis.Symbol.for('boundwise.currentTask')];
      return { stack: '' + new E().stack, task: typeof task === 'string' ? task : null };
    } finally { E.stackTraceLimit = limit; }
  })()`;

  let seen = Atomics.load(cells, BEAT);
  let seenAt = performance.now();
  let capturedBeat: number | null = null;
  let capturing = false;

  const stopped = () => Atomics.load(cells, STOP) !== 0;

  async function capture(beat: number): Promise<void> {
    capturing = true;
    Atomics.store(cells, CAPTURING, 1);
    let cancel: ((value: null) => void) | null = null;
    // Node does not wake this thread's loop when an inspector reply arrives: a fast no-op timer
    // keeps the loop turning while we wait on the main thread (measured on Node 20).
    const pump = setInterval(() => {
      // Still waiting for the main thread's first answer: how is it? (Not after: it answered, and
      // then it sits paused in the debugger, asleep, until this thread hears of the pause — on a
      // loaded machine, many samples later. Those had outvoted a busy loop's: "a native call".)
      if (cancel && firstAnswerAt === 0) sampleMain();
      // The block ended (or we are stopping) before the pause landed: cancel it, or it would land in
      // whatever JS runs next and blame the wrong code.
      if (cancel && (Atomics.load(cells, BEAT) !== beat || stopped())) {
        cancel(null);
        cancel = null;
        // Disabling drops the pending pause.
        post('Debugger.disable').catch(() => {});
      }
    }, 1);
    try {
      session = new inspector.Session();
      session.connectToMainThread();
      session.on('Debugger.scriptParsed', onScript);
      const paused = new Promise<any>((resolve) => session.once('Debugger.paused', resolve));
      const cancelled = new Promise<null>((resolve) => (cancel = resolve));
      firstAnswerAt = 0;
      const asked = performance.now();
      // enable and pause go out together: a main thread stuck in a native call (execSync) handles
      // both in one go when the call returns, so the pause lands on the very next JS statement,
      // inside the caller, instead of wherever the code has got to after a round trip.
      await Promise.all([post('Debugger.enable').then(() => (firstAnswerAt ||= performance.now())), post('Debugger.pause')]);
      const event = await Promise.race([paused, cancelled]);
      cancel = null;
      if (!event) return;
      const pauseDelayMs = (firstAnswerAt || performance.now()) - asked;
      try {
        const callFrames: any[] = event.params.callFrames;
        const frames: StackFrame[] = callFrames.map((f) => ({
          functionName: String(f.functionName),
          file: scripts.get(f.location.scriptId) ?? '',
          line: f.location.lineNumber + 1,
          column: f.location.columnNumber + 1,
        }));
        let stack: string | null = null;
        let task: string | null = null;
        try {
          const result = await post('Debugger.evaluateOnCallFrame', {
            callFrameId: callFrames[0].callFrameId,
            expression,
            silent: true,
            returnByValue: true,
          });
          stack = result?.result?.value?.stack ?? null;
          task = result?.result?.value?.task ?? null;
        } catch {
          // Fall back to the debugger's frames.
        }
        const message: RawCapture = { beat, stack, frames, task, pauseDelayMs, running, sleeping };
        // Posted before resuming, so it is queued by the time the main thread runs again.
        data.port.postMessage(message);
      } finally {
        await post('Debugger.resume').catch(() => {});
      }
    } catch {
      // A failed capture must never disturb the app; the block is still reported, as "unknown".
    } finally {
      cancel = null;
      clearInterval(pump);
      // Kept off between captures: an enabled Debugger makes Node print "Waiting for the debugger
      // to disconnect..." and wait at exit.
      await post('Debugger.disable').catch(() => {});
      try {
        session.disconnect();
      } catch {
        // already gone
      }
      scripts.clear();
      capturing = false;
      Atomics.store(cells, CAPTURING, 0);
      Atomics.notify(cells, CAPTURING);
    }
  }

  // Warm-up: the main thread's first inspector session is slow to set up (tens of ms); pay that
  // now rather than inside the first block, where it would read as a native call.
  capturing = true;
  session.connectToMainThread();
  const warm = setInterval(() => {}, 1);
  // Not Debugger.enable: turning the debugger on, even briefly, makes V8 drop optimized code,
  // which costs the watched program throughput for a while. A plain evaluation sets the session up.
  post('Runtime.evaluate', { expression: '0' })
    .catch(() => {})
    .finally(() => {
      clearInterval(warm);
      session.disconnect();
      capturing = false;
    });

  const poll = setInterval(() => {
    if (stopped()) {
      clearInterval(poll);
      return;
    }
    const beat = Atomics.load(cells, BEAT);
    const now = performance.now();
    if (beat !== seen) {
      seen = beat;
      seenAt = now;
      running = 0;
      sleeping = 0;
      return;
    }
    if (!capturing && capturedBeat !== beat) sampleMain(); // the beat is late: how is the main thread?
    if (!capturing && capturedBeat !== beat && now - seenAt > data.thresholdMs) {
      capturedBeat = beat;
      void capture(beat);
    }
  }, data.pollMs);
}

/** Source of the worker: the function above, called with the worker's require and workerData. */
export function watchdogSource(): string {
  // tsx/esbuild may wrap inner functions in `__name(fn, "name")`; give the eval'd code a no-op one.
  return [
    'const __name = (fn) => fn;',
    `(${watchdogMain.toString()})(require, require('node:worker_threads').workerData);`,
  ].join('\n');
}
