// Entry point of every pool child process: hand messages from the pool to the
// shared runner, and leave as soon as the parent is gone.
import { Socket, type OnReadOpts, type SocketConstructorOpts } from 'node:net';
import { createRunner, identity, WORKER_ID_ENV } from '../pool/runner.js';
import type { FromWorker, ToWorker } from '../pool/protocol.js';
import { FrameReader, FrameWriter } from './frames.js';
import { watchParent } from './watchdog.js';
import { keepOpen } from '../pool/cpu.js';

// The pool's socket is fd 3 (transport.ts). It is read into one buffer, over and over (`onread`),
// not as stream chunks: no buffer is allocated per read, no 'data' event goes through the stream.
const readInto = Buffer.allocUnsafeSlow(64 * 1024);
// Messages are read from the event loop only, after this script has made `handle`.
const reader = new FrameReader<ToWorker>((message) => handle(message), true);
const onread: OnReadOpts = {
  buffer: readInto,
  callback: (n) => {
    reader.push(readInto.subarray(0, n));
    return true;
  },
};
let channel: Socket;
try {
  // `onread` is a constructor option too (Node's net.Socket reads it there), though @types/node lists it for connect() only.
  channel = new Socket({ fd: 3, readable: true, writable: true, onread } as SocketConstructorOpts);
} catch (cause) {
  throw new Error('boundwise: processes/child.js must be started by processes(), with its socket as fd 3', { cause });
}
const writer = new FrameWriter();
// Throws synchronously for values that cannot be cloned, which the runner turns into TaskOutputError.
const send = (message: FromWorker): void => void channel.write(writer.encode(message));

// No orphans: the socket ends when the parent exits or is killed (even by SIGKILL).
channel.on('end', () => process.exit(0));
channel.on('error', () => process.exit(0));

identity.workerId = Number(process.env[WORKER_ID_ENV] ?? 0);
delete process.env[WORKER_ID_ENV]; // the task's environment is the user's
// Measured runs read the CPU clock twice: kept open, a read costs ~2 µs instead of ~30 (pool/cpu.ts).
// Opened once the first messages have been read (the check phase comes after the poll), while the
// first task's module is read from disk: not on the way to 'ready' and the first answer.
setImmediate(keepOpen);
const handle = createRunner({ post: send }, `process ${process.pid}`);
// A dying child names the task whose code killed it, and what its batch or chunk had done
// (pool/attribution.ts); the pool reads it before it sees the socket close. A write to the
// socket is tried at once (libuv writes when nothing is queued), so it leaves before the exit.
const lastWords = (): void => {
  const report = handle.crashReport();
  if (!report || !channel.writable) return;
  try {
    send(report);
  } catch {
    // the socket is going: the pool falls back to its own rules
  }
};
process.on('uncaughtExceptionMonitor', lastWords);
process.on('exit', lastWords);
// Ready before any task is read: written to the socket now, so even a child that
// dies on its first task has said it started (its crash is the task's, not a start failure).
send({ t: 'ready' });
// Task modules are ES modules, and a process's first import() sets up Node's ES module loader
// (~2.5 ms of the first task module's 4.5 here). Set up now, with a built-in module that every
// file import needs anyway, while the pool answers 'ready' (when it held the first task for
// whichever child started first: Pool.takeIdle); a task already waiting on the socket is read
// just after. A variable, so that the bundler leaves it an import().
const loaderWarmUp = 'node:fs/promises';
import(loaderWarmUp).catch(() => {});
// …and when the parent dies while this child is stuck in synchronous work (see watchdog.ts).
watchParent();
