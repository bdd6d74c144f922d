// A task module that imports boundwise itself: in a child process it then holds a second copy of
// the runner's modules beside the child's bundled entry (dist/processes/child.cjs).
import { transfer } from 'boundwise';

export function bytes(n, context) {
  context.emit(`from worker ${context.workerId}`);
  const data = new Uint8Array(n).fill(7);
  return transfer({ data, threadId: context.threadId, workerId: context.workerId }, [data.buffer]);
}

export function fail() {
  const error = new Error('no such order');
  error.code = 'E_ORDER';
  throw error;
}
