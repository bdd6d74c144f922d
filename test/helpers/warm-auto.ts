/**
 * An auto() whose threads are up before the test begins, as in a service that created it
 * at start-up: a new task is then probed on a thread. (While no thread has started, a new
 * task is probed on the loop instead; tests of that say so.)
 */
import { auto, type AutoOptions } from '../../src/auto/index.js';
import { tasks } from '../../src/task.js';

const w = tasks<typeof import('../fixtures/auto/work.js')>(new URL('../fixtures/auto/work.ts', import.meta.url));

export async function warmAuto(options: AutoOptions = {}): Promise<ReturnType<typeof auto>> {
  const pool = auto({ ...options, pin: { ...options.pin, [String(w.noop)]: 'threads' } });
  await pool.run(w.noop, undefined);
  return pool;
}
