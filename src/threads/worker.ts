// Entry point of every pool thread: hand messages from the pool to the shared runner.
import { parentPort, threadId, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { createRunner, identity, reporting } from '../pool/runner.js';
import { keepOpen } from '../pool/cpu.js';
import type { ToWorker } from '../pool/protocol.js';
import { SpinPolicy, spinOnce } from './spin.js';

const port = parentPort;
if (!port) throw new Error('boundwise: threads/worker.js must be started as a worker thread');
/** Where answers go: the pool's own port once it arrives (the first message), which the pool can also read synchronously. */
let out: MessagePort = port;
identity.threadId = threadId;
const heapMb = (): number => getHeapStatistics().used_heap_size / 1_048_576;
const handle = createRunner({ post: (m, transfer) => out.postMessage(m, transfer) }, `thread ${threadId}`);

/**
 * After answering, a thread with nothing left to run may poll its port for a
 * few microseconds before it sleeps in its event loop, so that a caller
 * awaiting tasks one by one has its next task taken without a wake-up; the
 * policy (spin.ts) stops polling while the machine has no spare core.
 */
const policy = new SpinPolicy();
const inbox = port;
const pollOnce = (): boolean => {
  const next = receiveMessageOnPort(inbox);
  if (!next) return false;
  handle(next.message as ToWorker);
  return true;
};
const busy = (): boolean => handle.busy() > 0;
const now = () => performance.now();

// A dying thread names the task whose code killed it, and what its batch or chunk had done
// (pool/attribution.ts). Posting is synchronous, so the pool reads it before the exit.
const lastWords = (): void => {
  const report = handle.crashReport();
  try {
    if (report) out.postMessage(report);
  } catch {
    // an outcome that cannot be cloned: the pool falls back to its own rules
  }
};
process.on('uncaughtExceptionMonitor', lastWords);
process.on('exit', lastWords);

port.on('message', (m: ToWorker) => {
  if (m.t === 'port') {
    out = m.port;
    identity.workerId = m.w;
    reporting.heapMb = m.h === true ? heapMb : undefined;
    // Measured runs read this thread's CPU clock twice: a descriptor kept open makes that ~2 µs
    // instead of ~30 (Node closes a thread's descriptors when the thread exits).
    keepOpen();
    out.postMessage({ t: 'ready' });
    return;
  }
  handle(m);
  if (handle.busy() === 0 && policy.shouldSpin()) policy.record(spinOnce(pollOnce, busy, now));
});
