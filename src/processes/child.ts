// Entry point of every pool child process: hand messages from the pool to the
// shared runner, and leave as soon as the parent is gone.
import { createRunner, identity, WORKER_ID_ENV } from '../pool/runner.js';
import type { FromWorker, ToWorker } from '../pool/protocol.js';
import { watchParent } from './watchdog.js';
import { keepOpen } from '../pool/cpu.js';

const send = process.send?.bind(process) as ((message: FromWorker) => boolean) | undefined;
if (!send) throw new Error('boundwise: processes/child.js must be started by processes(), with an IPC channel');

// No orphans: the channel closes when the parent exits or is killed (even by SIGKILL).
process.on('disconnect', () => process.exit(0));

// `send` throws synchronously for values that cannot be cloned, which the runner
// turns into TaskOutputError.
identity.workerId = Number(process.env[WORKER_ID_ENV] ?? 0);
delete process.env[WORKER_ID_ENV]; // the task's environment is the user's
// Measured runs read the CPU clock twice: kept open, a read costs ~2 µs instead of ~30 (pool/cpu.ts).
keepOpen();
const handle = createRunner({ post: (message) => void send(message) }, `process ${process.pid}`);
process.on('message', (message: ToWorker) => handle(message));
// A dying child names the task whose code killed it, and what its batch or chunk had done
// (pool/attribution.ts); the pool reads it before it sees the channel close.
const lastWords = (): void => {
  const report = handle.crashReport();
  if (!report || !process.connected) return;
  try {
    send(report);
  } catch {
    // the channel is going: the pool falls back to its own rules
  }
};
process.on('uncaughtExceptionMonitor', lastWords);
process.on('exit', lastWords);
// Ready before any task is read: written to the pipe now, so even a child that
// dies on its first task has said it started (its crash is the task's, not a start failure).
send({ t: 'ready' });
// …and when the parent dies while this child is stuck in synchronous work (see watchdog.ts).
watchParent();
