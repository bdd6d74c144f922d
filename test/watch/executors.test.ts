// watch({ executors }): tiny tasks shipped to a pool are flagged from the pool's own samples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { threads } from '../../src/threads/index.js';
import { tasks } from '../../src/task.js';
import { watch } from '../../src/watch/index.js';
import { adviseExecutors } from '../../src/watch/executors.js';

const t = tasks<typeof import('../fixtures/tasks.js')>(new URL('../fixtures/tasks.ts', import.meta.url));
const w = tasks<typeof import('../fixtures/auto/work.js')>(new URL('../fixtures/auto/work.ts', import.meta.url));

test('a tiny task awaited one by one on threads() is flagged: dispatch costs more than the work', async () => {
  await using pool = threads({ max: 1 });
  for (let i = 0; i < 400; i++) await pool.run(t.add, { a: i, b: 1 });
  const samples = pool.taskSamples();
  const add = samples.find((s) => s.task === 'tasks.ts#add');
  assert.ok(add, JSON.stringify(samples));
  assert.ok(add.count >= 5, `sampled ${add.count} runs`);
  const advice = adviseExecutors([pool]);
  assert.equal(advice.length, 1);
  assert.equal(advice[0]!.kind, 'tiny-task');
  assert.match(advice[0]!.message, /^tasks\.ts#add: shipping it to threads costs .* ms per call, more than the .* ms of work/);

  let seen: unknown;
  using handle = watch({ threshold: '10s', executors: [pool], onSummary: (s) => (seen = s) });
  const summary = handle.summary();
  assert.equal(summary.blocks, 0);
  assert.equal(summary.advice.length, 1);
  assert.equal(summary.advice[0]!.task, 'tasks.ts#add');
  assert.equal(summary.advice[0]!.kind, 'tiny-task');
  assert.equal(seen, undefined, 'the summary callback runs at exit, not before');
});

test('a worthwhile task is not flagged', async () => {
  // 25 ms of work per call: far above any dispatch cost, and above the few ms a loaded machine
  // adds to waking a sleeping worker (with 1 ms of work, two CPU hogs made the median round
  // trip 8 ms, and the advice was right to call that task tiny on that machine).
  await using pool = threads({ max: 1 });
  for (let i = 0; i < 20; i++) await pool.run(w.spin, 25);
  assert.deepEqual(adviseExecutors([pool]), []);
});
