/**
 * The learning cost of a new task: auto()'s first burst of a task it has never
 * seen, against the best fixed model's first burst of the same size, each in a
 * fresh process with its workers started (issue 13's target: at most
 * max(20 ms, 5 % of the best model's time), bursts of 100 to 100,000 calls).
 *
 *   npx tsx bench/workloads/learning.ts [--rounds 5] [--sizes 100,1000,10000,100000] [--task countTokens,lookup]
 *   npx tsx bench/workloads/learning.ts --task blur,gzipBlock --sizes 100,1000 (short tasks; 100,000 blurs would take minutes)
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { median } from '../lib/measure.js';
import { loop, threads, auto, type Executor } from '../lib/boundwise.js';
import { t } from './workloads.js';

const argv = process.argv.slice(2);
const value = (name: string) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
type Model = 'loop' | 'threads' | 'auto';
const inputs = {
  countTokens: (i: number) => ([t.countTokens, `token ${i} and a few more words ${i % 17}`] as const),
  lookup: (i: number) => [t.lookup, `k${i % 12_000}`] as const,
  // Short, not tiny: 1 ms of CPU (threads win), and work handed to libuv behind a promise (the loop's).
  blur: () => [t.blur, 3] as const,
  gzipBlock: () => [t.gzipBlock, 6] as const,
};
type TaskName = keyof typeof inputs;

if (argv[0] === '--child') {
  const [, model, name, n] = argv as [string, Model, TaskName, string];
  // auto()'s threads are started by its warm-up too (the task pinned there), as in one.ts: else only
  // the other models would have their workers up, and auto() would pay a thread's start inside the burst.
  const ex: Executor = model === 'loop' ? loop() : model === 'threads' ? threads() : auto({ pin: { [String(t.warm)]: 'threads' } });
  await Promise.all(Array.from({ length: 4 }, () => ex.run(t.warm, undefined)));
  const calls = Number(n);
  const start = performance.now();
  await Promise.all(Array.from({ length: calls }, (_, i) => {
    const [task, input] = inputs[name](i);
    return ex.run(task as never, input as never);
  }));
  const ms = performance.now() - start;
  await ex.close();
  console.log(JSON.stringify({ ms }));
  process.exit(0);
}

const rounds = Number(value('--rounds') ?? 5);
const sizes = (value('--sizes') ?? '100,1000,10000,100000').split(',').map(Number);
const taskNames = (value('--task') ?? 'countTokens,lookup').split(',') as TaskName[];
const self = fileURLToPath(import.meta.url);
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const one = (model: Model, task: TaskName, n: number): number => {
  const r = spawnSync(tsx, [self, '--child', model, task, String(n)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${model} ${task} ${n}: ${r.stderr}`);
  return (JSON.parse(r.stdout.trim().split('\n').pop() as string) as { ms: number }).ms;
};

console.log(`learning cost of a new task (fresh process per burst, medians of ${rounds}; load average ${loadavg()[0]!.toFixed(1)})`);
console.log('| task | calls | loop | threads | auto | auto − best | allowed | met |');
console.log('|---|---|---|---|---|---|---|---|');
for (const task of taskNames) {
  for (const n of sizes) {
    const ms: Record<Model, number[]> = { loop: [], threads: [], auto: [] };
    for (let r = 0; r < rounds; r++) for (const m of ['loop', 'threads', 'auto'] as const) ms[m].push(one(m, task, n));
    const med = (m: Model) => median(ms[m]);
    const best = Math.min(med('loop'), med('threads'));
    const cost = med('auto') - best;
    const allowed = Math.max(20, 0.05 * best);
    console.log(`| ${task} | ${n.toLocaleString('en')} | ${med('loop').toFixed(1)} | ${med('threads').toFixed(1)} | ${med('auto').toFixed(1)} | ${cost.toFixed(1)} ms | ${allowed.toFixed(1)} ms | ${cost <= allowed ? 'yes' : 'no'} |`);
  }
}
