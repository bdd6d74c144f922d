/** threads({ maxMemoryMb }): the heap a thread reports with each answer, checked between tasks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { threads } from '../../src/threads/index.js';
import { tasks } from '../../src/task.js';
import { OptionRangeError } from '../../src/errors.js';
import type { WorkerExit } from '../../src/control.js';

const m = tasks<typeof import('../fixtures/control/memory.js')>(new URL('../fixtures/control/memory.ts', import.meta.url));

test('threads: a thread whose heap passed maxMemoryMb finishes its task, then is replaced (workerExit reason "memory")', async () => {
  await using pool = threads({ max: 1, maxMemoryMb: 64 });
  const exits: WorkerExit[] = [];
  pool.on('workerExit', (e) => exits.push(e));
  assert.equal(await pool.run(m.workerId, undefined), 1, 'a small heap: the thread stays');
  assert.equal(await pool.run(m.workerId, undefined), 1);
  assert.equal(await pool.run(m.retain, 100), 1, 'the task that grew the heap completes');
  assert.equal(await pool.run(m.workerId, undefined), 2, 'the next task runs on a new thread');
  assert.deepEqual(
    exits.map((e) => [e.workerId, e.reason]),
    [[1, 'memory']],
  );
});

test('threads: below maxMemoryMb nothing is recycled; the option is validated', async () => {
  await using pool = threads({ max: 1, maxMemoryMb: 4096 });
  await pool.run(m.retain, 8);
  assert.equal(await pool.run(m.workerId, undefined), 1);
  assert.throws(() => threads({ maxMemoryMb: 0 }), (e: unknown) => e instanceof OptionRangeError && /maxMemoryMb/.test(e.message));
  assert.throws(() => threads({ maxMemoryMb: 1.5 }), OptionRangeError);
});
