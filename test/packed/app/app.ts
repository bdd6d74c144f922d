// A TypeScript app using the installed package: every pool, with the task module
// named the TypeScript way (./tasks.js for tasks.ts) and by its own name.
import { auto, processes, tasks, threads, type Executor } from 'boundwise';

const conventional = tasks<typeof import('./tasks.js')>(new URL('./tasks.js', import.meta.url));
const direct = tasks<typeof import('./tasks.js')>(new URL('./tasks.ts', import.meta.url));

async function exercise(pool: Executor): Promise<unknown[]> {
  const out: unknown[] = [await pool.run(conventional.square, { n: 3 }), await pool.run(direct.later, 4)];
  for await (const v of pool.map(conventional.square, [{ n: 1 }, { n: 2 }], { chunkSize: 2 })) out.push(v);
  await pool.close();
  return out;
}

const result = {
  threads: await exercise(threads({ max: 1 })),
  processes: await exercise(processes({ max: 1 })),
  auto: await exercise(auto({ threads: { max: 1 }, processes: { max: 1 } })),
};
console.log(JSON.stringify(result));
