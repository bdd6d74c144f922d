// Entry point of every pool thread: hand messages from the pool to the shared runner.
import { parentPort, threadId } from 'node:worker_threads';
import { createRunner } from '../pool/runner.js';
import type { ToWorker } from '../pool/protocol.js';

const port = parentPort;
if (!port) throw new Error('boundwise: threads/worker.js must be started as a worker thread');
const handle = createRunner({ post: (m, transfer) => port.postMessage(m, transfer) }, `thread ${threadId}`);
port.on('message', (m: ToWorker) => handle(m));
port.postMessage({ t: 'ready' });
