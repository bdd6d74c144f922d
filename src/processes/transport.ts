/**
 * Child processes as pool workers: one child per slot, running ./child.(ts|js).
 * Children inherit the parent's execArgv, so under tsx (`--import tsx`) they
 * load TypeScript task modules too.
 *
 * Messages go over a socket pair of their own, the child's fd 3, in frames
 * (frames.ts), not over Node's IPC channel: the values are the same structured
 * clone as `fork({ serialization: 'advanced' })` (Map, Set, Date, BigInt and
 * typed arrays survive; functions throw synchronously at `send`, which the pool
 * turns into TaskInputError), but a message costs less CPU on both sides (no
 * serializer object for small values, no next-tick event per message, no read
 * buffer allocated per read in the child), and the child does not load Node's
 * child_process module at start-up.
 * When the parent dies, however it dies, the child reads the end of the socket
 * and leaves (the watchdog, for a child stuck in synchronous code: deathsig.ts).
 *
 *   pool ─send─▶ FrameWriter ─▶ socket (fd 3) ─▶ FrameReader ─▶ runner (child.ts)
 *   pool ◀─message─ FrameReader ◀─ socket ◀─ FrameWriter ◀─ post ─┘
 *
 * stdio: stdin is ignored (a pool child must not fight the parent for the
 * terminal). stderr is always a pipe, so the last lines can go into
 * WorkerCrashedError: with stdio 'inherit' its bytes are forwarded untouched to
 * the parent's stderr; with 'pipe' every line of stdout and stderr is written to
 * the parent's with the prefix "[process <pid>] ".
 *
 * Exit is reported on 'close' (after the message socket and stderr have ended),
 * not on 'exit': a message the child sent just before dying ('ready', a result)
 * is then always seen first, and the stderr tail is complete. A grandchild
 * holding a pipe open must not hide the exit, so 'exit' plus a bounded wait is
 * the fallback.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve as resolvePath } from 'node:path';
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import type { Socket } from 'node:net';
import type { ExitInfo, Transport, WorkerChannel, WorkerEvents } from '../pool/channel.js';
import type { FromWorker, ToWorker } from '../pool/protocol.js';
import { LineTail } from './lines.js';
import { rssMb } from './memory.js';
import { canUseDeathSignal, deathSignalSpawn } from './deathsig.js';
import { canUseGuardian, guard, release } from './guardian.js';
import { FrameReader, FrameWriter } from './frames.js';
import { PARENT_PID_ENV } from './watchdog.js';
import { WORKER_ID_ENV } from '../pool/runner.js';
import { inheritableExecArgv } from './exec-argv.js';
import { clearTimer, setTimer, type Timer } from '../durations.js';

// The entry sits next to this file: as .ts when running from source under tsx, else
// bundled into one CommonJS file by the build (scripts/bundle.mjs), which starts faster.
const entry = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './child.ts' : './child.cjs', import.meta.url));

/** ms to wait after 'exit' for the pipes to close before reporting the exit anyway. */
const CLOSE_FALLBACK_MS = 1_000;
/** stderr lines kept for WorkerCrashedError. */
const TAIL_LINES = 20;

export interface ProcessTransportOptions {
  env: Record<string, string | undefined> | undefined;
  execArgv: string[] | undefined;
  cwd: string | undefined;
  stdio: 'inherit' | 'pipe';
  /** The child script's arguments (processes({ argv })). */
  argv: string[];
  /** ms between SIGTERM and SIGKILL. */
  killTimeout: number;
}

type Refable = { ref(): void; unref(): void };

export class ProcessTransport implements Transport {
  readonly kind = 'processes' as const;
  constructor(private readonly options: ProcessTransportOptions) {}

  spawn(id: number, events: WorkerEvents): WorkerChannel {
    const o = this.options;
    const flags = childExecArgv(o.execArgv, o.cwd);
    // Where a guardian process (guardian.ts) or the kernel (deathsig.ts) kills the child with its
    // parent, no watchdog thread is needed; the guardian first, as it costs the child nothing.
    const guarded = canUseGuardian();
    const deathSignal = !guarded && canUseDeathSignal();
    const node = [...flags, entry, ...o.argv];
    const { command, args } = deathSignal ? deathSignalSpawn(node) : { command: process.execPath, args: node };
    const child = spawn(command, args, {
      stdio: ['ignore', o.stdio === 'pipe' ? 'pipe' : 'inherit', 'pipe', 'pipe'],
      env: { ...(o.env ?? process.env), [PARENT_PID_ENV]: guarded || deathSignal ? String(process.pid) : '', [WORKER_ID_ENV]: String(id) },
      ...(o.cwd !== undefined && { cwd: o.cwd }),
    });
    const pid = child.pid;
    if (guarded && pid !== undefined) {
      guard(pid);
      // Reaped: its pid may be reused, so the guardian must forget it.
      child.once('exit', () => release(pid));
    }
    // The messages' socket (fd 3 in the child); absent when the child could not be started.
    const channel = child.stdio[3] as Socket | null;
    const writer = new FrameWriter();
    if (channel) {
      const reader = new FrameReader<FromWorker>(events.message);
      channel.on('data', (chunk: Buffer) => reader.push(chunk));
      // A write to a child that has just died fails (EPIPE); its exit is reported on its own.
      channel.on('error', () => {});
    }
    const label = `process ${child.pid ?? '(not started)'}`;
    const prefix = `[${label}] `;
    const tail = new LineTail(TAIL_LINES, o.stdio === 'pipe' ? (line) => process.stderr.write(prefix + line + '\n') : undefined);
    const stderr = child.stderr as Readable;
    stderr.setEncoding('utf8');
    stderr.on('data', (chunk: string) => {
      tail.push(chunk);
      if (o.stdio === 'inherit') process.stderr.write(chunk);
    });
    stderr.on('end', () => tail.end());
    if (o.stdio === 'pipe') prefixLines(child.stdout as Readable, prefix);

    let lastError: unknown;
    let reported = false;
    let killTimer: Timer = undefined;
    let fallback: NodeJS.Timeout | undefined;
    const report = (code: number | null, signal: NodeJS.Signals | null) => {
      if (reported) return;
      reported = true;
      clearTimer(killTimer);
      if (fallback) clearTimeout(fallback);
      const info: ExitInfo = { code, signal };
      if (lastError !== undefined) info.error = lastError;
      const lines = tail.tail();
      if (lines.length) info.stderr = lines;
      events.exit(info);
    };
    child.on('error', (error) => {
      lastError = error;
      // It never started (bad cwd, no such executable): no 'exit' may follow.
      if (child.pid === undefined) report(null, null);
    });
    child.on('exit', (code, signal) => {
      clearTimer(killTimer);
      fallback = setTimeout(report, CLOSE_FALLBACK_MS, code, signal);
    });
    child.on('close', report);

    let stopping = false;
    const handles = (): Refable[] => [child, channel, child.stderr, child.stdout].filter(Boolean) as unknown as Refable[];
    return {
      label,
      send(message: ToWorker) {
        // A dead child's socket is closed: drop the message; its exit is on the way. A value that
        // cannot be cloned throws here, before anything is written.
        if (channel?.writable) channel.write(writer.encode(message));
      },
      terminate() {
        if (stopping) return;
        stopping = true;
        // Keep the parent alive until the child is gone, so close() can finish.
        for (const h of handles()) h.ref();
        if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
        if (o.killTimeout === 0) {
          child.kill('SIGKILL');
          return;
        }
        child.kill('SIGTERM');
        killTimer = setTimer(() => child.kill('SIGKILL'), o.killTimeout);
      },
      ref() {
        for (const h of handles()) h.ref();
      },
      unref() {
        if (stopping) return;
        for (const h of handles()) h.unref();
      },
      memoryMb: () => rssMb(child.pid),
    };
  }
}

/**
 * The children's flags: the user's, else the parent's minus those that name a
 * program to run or open a port (exec-argv.ts). Given flags replace the
 * parent's, as with threads(): include `--import tsx` for TypeScript tasks. With
 * another cwd, a module hook given as a bare or relative specifier
 * (`--import tsx`) would be looked up from that directory and not be found, so
 * it is resolved here, from the parent's side, first.
 */
export function childExecArgv(user: string[] | undefined, cwd: string | undefined): string[] {
  const argv = user ? [...user] : inheritableExecArgv(process.execArgv);
  if (cwd === undefined) return argv;
  return argv.map((arg, k) => {
    const flag = argv[k - 1] as string;
    if (k > 0 && HOOK_FLAGS.includes(flag)) return absoluteHook(flag, arg);
    const eq = arg.indexOf('=');
    const name = arg.slice(0, eq);
    return eq > 0 && HOOK_FLAGS.includes(name) ? `${name}=${absoluteHook(name, arg.slice(eq + 1))}` : arg;
  });
}

const HOOK_FLAGS = ['--import', '--require', '-r', '--loader', '--experimental-loader'];

function absoluteHook(flag: string, specifier: string): string {
  try {
    const require = flag === '--require' || flag === '-r';
    if (specifier.startsWith('.')) {
      const path = resolvePath(process.cwd(), specifier);
      return require ? path : pathToFileURL(path).href;
    }
    if (/^(\/|file:|data:|node:)/.test(specifier)) return specifier;
    if (require) return createRequire(resolvePath(process.cwd(), 'noop.js')).resolve(specifier);
    return import.meta.resolve(specifier);
  } catch {
    return specifier; // let the child report it
  }
}

/** stdio 'pipe': copy each line of a child's stdout to ours, prefixed. */
function prefixLines(stream: Readable, prefix: string): void {
  const lines = new LineTail(0, (line) => process.stdout.write(prefix + line + '\n'));
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => lines.push(chunk));
  stream.on('end', () => lines.end());
}
