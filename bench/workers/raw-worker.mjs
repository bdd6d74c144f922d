// The floor: a bare worker that echoes messages, with no pool around it.
import { parentPort } from 'node:worker_threads';
import task from './noop-task.mjs';
parentPort.on('message', (m) => parentPort.postMessage({ id: m.id, v: task(m.v) }));
