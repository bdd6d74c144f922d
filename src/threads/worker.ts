// Entry point of every pool thread: hand messages from the pool to the shared runner.
import { parentPort, threadId, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { createRunner } from '../pool/runner.js';
import type { ToWorker } from '../pool/protocol.js';

const port = parentPort;
if (!port) throw new Error('boundwise: threads/worker.js must be started as a worker thread');
/** Where answers go: the pool's own port once it arrives (the first message), which the pool can also read synchronously. */
let out: MessagePort = port;
const handle = createRunner({ post: (m, transfer) => out.postMessage(m, transfer) }, `thread ${threadId}`);

/**
 * After answering, a thread with nothing left to run polls its port for a few
 * microseconds before it goes back to sleep in its event loop: a caller that
 * awaits tasks one by one sends the next one within that window, and the thread
 * takes it without a wake-up (the most expensive part of a round trip).
 */
const SPIN_MS = 0.05;

function spin(): void {
  let until = performance.now() + SPIN_MS;
  while (handle.busy() === 0) {
    const next = receiveMessageOnPort(port as NonNullable<typeof port>);
    if (next) {
      handle(next.message as ToWorker);
      until = performance.now() + SPIN_MS;
    } else if (performance.now() > until) return;
  }
}

port.on('message', (m: ToWorker) => {
  if (m.t === 'port') {
    out = m.port;
    out.postMessage({ t: 'ready' });
    return;
  }
  handle(m);
  if (handle.busy() === 0) spin();
});
