// Entry point of every pool child process: hand messages from the pool to the
// shared runner, and leave as soon as the parent is gone.
import { createRunner } from '../pool/runner.js';
import type { FromWorker, ToWorker } from '../pool/protocol.js';
import { watchParent } from './watchdog.js';

const send = process.send?.bind(process) as ((message: FromWorker) => boolean) | undefined;
if (!send) throw new Error('boundwise: processes/child.js must be started by processes(), with an IPC channel');

// No orphans: the channel closes when the parent exits or is killed (even by SIGKILL).
process.on('disconnect', () => process.exit(0));

// `send` throws synchronously for values that cannot be cloned, which the runner
// turns into TaskOutputError.
const handle = createRunner({ post: (message) => void send(message) }, `process ${process.pid}`);
process.on('message', (message: ToWorker) => handle(message));
// Ready before any task is read: written to the pipe now, so even a child that
// dies on its first task has said it started (its crash is the task's, not a start failure).
send({ t: 'ready' });
// …and when the parent dies while this child is stuck in synchronous work (see watchdog.ts).
watchParent();
