// What copying a task's input and output costs, as a worker measures it for auto() (TaskProfile.copy):
// real threads and a real child process, real structured clones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { threads } from '../../src/threads/index.js';
import { processes } from '../../src/processes/index.js';
import { tasks } from '../../src/task.js';
import type { TaskProfile } from '../../src/pool/protocol.js';

const w = tasks<typeof import('../fixtures/auto/work.js')>(new URL('../fixtures/auto/work.ts', import.meta.url));

function profiled(pool: ReturnType<typeof threads> | ReturnType<typeof processes>, input: unknown, transfer?: ArrayBuffer[]): Promise<TaskProfile> {
  return new Promise((resolve, reject) => {
    pool.submit(w.sumAll, input, false, transfer ? { transfer } : undefined, { onProfile: (p) => resolve(p) }).catch(reject);
  });
}

for (const [name, make] of [['threads', () => threads({ min: 1, max: 1 })], ['processes', () => processes({ min: 1, max: 1 })]] as const) {
  test(`${name}: a measured run says what copying its input and output cost`, async () => {
    await using pool = make();
    // 16 MB in: a clone of it is milliseconds of work on any machine.
    const big = await profiled(pool, new Float64Array(2_000_000).fill(1));
    assert.ok(big.copy !== undefined && big.copy > 0, JSON.stringify(big));
    // A few numbers in, a number out: nothing worth a clock read.
    const small = await profiled(pool, new Float64Array(4).fill(1));
    assert.ok(small.copy !== undefined && small.copy < big.copy, JSON.stringify(small));
    assert.equal((await profiled(pool, 7)).copy, 0);
  });
}

test('an input moved with transfer is not copied: no copy figure is taken', async () => {
  await using pool = threads({ min: 1, max: 1 });
  const values = new Float64Array(2_000_000).fill(1);
  const p = await profiled(pool, values, [values.buffer]);
  assert.equal(p.copy, undefined);
  assert.equal(values.length, 0, 'the buffer was moved, not copied');
});

test('a buffer too large to copy twice is not cloned to be measured', async () => {
  await using pool = threads({ min: 1, max: 1 });
  // 80 MB: over the 64 MB a measured run would clone a second time.
  const p = await profiled(pool, new Float64Array(10_000_000));
  assert.equal(p.copy, undefined);
  assert.ok(p.wall >= 0);
});
