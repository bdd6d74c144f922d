// Prints the resident memory of this process with an idle pool of 2 started
// threads: boundwise threads() or piscina, as named by argv[2].
import { setTimeout as sleep } from 'node:timers/promises';

const which = process.argv[2];
const task = new URL('./noop-task.mjs', import.meta.url);
let run;
let close;
if (which === 'boundwise') {
  // The subpath a memory-minded user imports: only the thread pool is loaded.
  const { threads, tasks } = await import('../../dist/threads/index.js');
  const pool = threads({ min: 2, max: 2 });
  const t = tasks(task);
  run = (x) => pool.run(t.noop, x);
  close = () => pool.close();
} else {
  const { Piscina } = await import('piscina');
  const pool = new Piscina({ filename: task.href, minThreads: 2, maxThreads: 2 });
  run = (x) => pool.run(x);
  close = () => pool.destroy();
}
await Promise.all([1, 2, 3, 4].map(run));
await sleep(300);
process.stdout.write(`${process.memoryUsage().rss}\n`);
await close();
