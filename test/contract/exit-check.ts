// Spawned by the contract suite: create an executor from a factory, run a few
// tasks, close it, and then do nothing. The process must exit by itself: any
// thread, child process, timer or handle left behind would keep it alive.
import { tasks } from '../../src/task.js';
import type { ContractFactory } from './spec.js';

const factory = (await import(process.argv[2] as string)) as ContractFactory;
const t = tasks<typeof import('../fixtures/tasks.js')>(new URL('../fixtures/tasks.ts', import.meta.url));
const pool = factory.create({ slots: 2 });
const results = await Promise.all([1, 2, 3, 4].map((n) => pool.run(t.double, n)));
const mapped: number[] = [];
for await (const v of pool.map(t.double, [5, 6, 7])) mapped.push(v);
await pool.close();
process.stdout.write(JSON.stringify({ results, mapped }) + '\n');
