/**
 * Turn a raw capture into the report's "where": parse the stack, skip Node's own frames to the
 * code that called them, and recognise captures that landed in the wrong place. Pure functions.
 */
import { fileURLToPath } from 'node:url';
import type { RawCapture, StackFrame } from './types.js';

/** The heartbeat's function name: a pause landing there means the block had already ended. */
export const HEARTBEAT_NAME = 'boundwiseWatchHeartbeat';

// `    at fn (file:line:col)`, `    at file:line:col`, `    at async fn (file:line:col)`
const FRAME = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?$/;
// The watchdog's own evaluation shows up as `at eval (eval at fn (…), <anonymous>:1:n)` on top.
const OWN_EVAL = /^\s*at eval \(eval at .*<anonymous>:\d+:\d+\)$/;

export function toDisplayFile(file: string): string {
  if (file.startsWith('file://')) {
    try {
      return fileURLToPath(file);
    } catch {
      return file;
    }
  }
  return file;
}

/** Parse V8's `Error.stack` text; returns [] when it is not in V8's format (a custom prepareStackTrace). */
export function parseStack(stack: string): StackFrame[] {
  const lines = stack.split('\n').slice(1);
  let i = 0;
  while (i < lines.length && OWN_EVAL.test(lines[i] ?? '')) i++;
  const frames: StackFrame[] = [];
  for (const text of lines.slice(i)) {
    const m = FRAME.exec(text);
    if (!m) continue;
    frames.push({
      functionName: (m[1] ?? '').replace(/^async /, ''),
      file: toDisplayFile(m[2] ?? ''),
      line: Number(m[3]),
      column: Number(m[4]),
    });
  }
  return frames;
}

/**
 * Error.stack names frames with their receiver (`Timeout.waitForChild`, `Object.<anonymous>`);
 * the debugger's frames, in the same order, have the plain name (`waitForChild`). Prefer the plain
 * one where the two agree; positions stay the stack's, which are source-mapped.
 */
export function withPlainNames(parsed: StackFrame[], debuggerFrames: StackFrame[]): StackFrame[] {
  return parsed.map((frame, i) => {
    const plain = debuggerFrames[i]?.functionName;
    return plain && frame.functionName !== plain && frame.functionName.includes(plain) ? { ...frame, functionName: plain } : frame;
  });
}

function isNodeInternal(frame: StackFrame): boolean {
  return frame.file.startsWith('node:') || frame.file === 'native' || frame.file === '';
}

export interface Where {
  captured: boolean;
  frames: StackFrame[];
  /** The first frame that is not Node's own code: the code to blame. */
  top: StackFrame | null;
  /** The Node built-in it was inside (the frame just above `top`), e.g. `execSync`. */
  via: string | null;
}

export function locate(capture: RawCapture | undefined): Where {
  if (!capture) return { captured: false, frames: [], top: null, via: null };
  const parsed = capture.stack ? parseStack(capture.stack) : [];
  const frames = parsed.length > 0 ? withPlainNames(parsed, capture.frames) : capture.frames;
  // Landing in the heartbeat means the pause was delivered after the block ended: the stack is
  // not the blocker's, so say "unknown" rather than blame the wrong code.
  if (frames.length === 0 || frames.some((f) => f.functionName.endsWith(HEARTBEAT_NAME))) {
    return { captured: false, frames: [], top: null, via: null };
  }
  const index = frames.findIndex((f) => !isNodeInternal(f));
  if (index === -1) return { captured: true, frames, top: frames[0] ?? null, via: null };
  const above = index > 0 ? frames[index - 1] : undefined;
  return { captured: true, frames, top: frames[index] ?? null, via: above ? shortName(above.functionName) : null };
}

/** `Object.execSync` → `execSync`; `` stays ``. */
function shortName(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot === -1 ? name : name.slice(dot + 1);
}

export function placeOf(top: StackFrame | null): string {
  if (!top) return 'unknown';
  return `${top.functionName || '<anonymous>'} (${top.file}:${top.line})`;
}
