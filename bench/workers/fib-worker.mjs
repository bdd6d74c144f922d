// The floor of the CPU case: a bare worker that computes fib(n) `count` times
// when told, with no pool around it (one message per worker per round).
import { parentPort } from 'node:worker_threads';
import { fib } from './noop-task.mjs';
parentPort.on('message', ({ n, count }) => {
  for (let i = 0; i < count; i++) fib(n);
  parentPort.postMessage(count);
});
