import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tasks } from '../../src/index.js';
import { pipeline, type StageStats } from '../../src/pipeline/index.js';
import { Gate } from '../helpers/gate.js';

const t = tasks<typeof import('./tasks.js')>(new URL('./tasks.ts', import.meta.url));
const tick = () => new Promise((r) => setImmediate(r));

/**
 * source ─▶ stage 1 (inline, 2 at once, buffer 3) ─▶ stage 2 (threads, 1 at once, buffer 2) ─▶ consumer
 * A stage holds at most `concurrency` items plus its buffer, and the source is
 * pulled only when stage 1 has a free slot: at most 2 + 3 + 1 + 2 = 8 items are
 * ever between the source and the consumer. (A full buffer lets its writer go on
 * only once half of it is free again, so it may hold less than its size.)
 */
test('a slow last stage: the source is never pulled more than the buffers hold, counted exactly', async () => {
  const gate = await Gate.start();
  let pulled = 0;
  let yielded = 0;
  let most = 0;
  function* source() {
    for (let i = 0; i < 40; i++) {
      pulled++;
      most = Math.max(most, pulled - yielded);
      yield { gate: gate.url, name: 'slow' };
    }
  }
  try {
    const p = pipeline(source())
      .map(async (x: { gate: string; name: string }) => x, { concurrency: 2, buffer: 3 })
      .map(t.held, { on: 'threads', concurrency: 1, buffer: 2 });
    const it = p[Symbol.asyncIterator]();
    const first = it.next();
    // Stage 2 holds its one task at the gate: stage 1 fills its buffer (3) and its slots (2), then stops.
    await gate.arrived('slow');
    while (p.stats().stages[0]!.buffered < 3 || p.stats().stages[0]!.itemsIn < 6) await tick();
    for (let i = 0; i < 20; i++) await tick();
    assert.equal(pulled, 6, '1 running in stage 2 + 3 buffered + 2 held by stage 1');
    assert.equal(p.stats().pulled, 6);

    // Let stage 2 run but read nothing: every stage fills up, then the source stops. Every item
    // pulled is accounted for: held by a stage or in a buffer, never more than 2 + 3 + 1 + 2.
    gate.open('slow');
    await first.then(() => yielded++);
    const full = () => {
      const [a, b] = p.stats().stages as [StageStats, StageStats];
      return a.held === 2 && a.inFlight === 0 && b.held === 1 && b.inFlight === 0 && b.buffered === 2;
    };
    while (!full()) await tick();
    for (let i = 0; i < 20; i++) await tick();
    const [a, b] = p.stats().stages as [StageStats, StageStats];
    assert.equal(pulled - yielded, a.held + a.buffered + b.held + b.buffered, 'every pulled item is held or buffered');
    assert.ok(pulled - yielded <= 8);

    for (let r = await it.next(); !r.done; r = await it.next()) yielded++;
    assert.equal(yielded, 40);
    assert.ok(most <= 8, `at most 8 items between source and consumer, saw ${most}`);
  } finally {
    await gate.close();
  }
});

test('200,000 items through three stages: never more in the pipeline than its bound', async () => {
  let pulled = 0;
  let yielded = 0;
  let most = 0;
  function* source() {
    for (let i = 0; i < 200_000; i++) {
      pulled++;
      most = Math.max(most, pulled - yielded);
      yield i;
    }
  }
  const p = pipeline(source(), { buffer: 4 })
    .map((n: number) => n + 1, { concurrency: 4 })
    .map(async (n) => n * 2, { concurrency: 8 })
    .map((n) => n - 1, { concurrency: 2 });
  let sum = 0;
  for await (const v of p) {
    yielded++;
    sum += v;
  }
  // 4 + 8 + 2 slots, 3 buffers of 4.
  assert.ok(most <= 4 + 8 + 2 + 3 * 4, `most ${most}`);
  assert.equal(p.stats().pulled, 200_000);
  assert.ok(sum > 0);
});
