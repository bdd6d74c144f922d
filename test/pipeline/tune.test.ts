import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tasks } from '../../src/index.js';
import { pipeline } from '../../src/pipeline/index.js';
import { Gate } from '../helpers/gate.js';
import { ManualClock } from '../loop/manual-clock.js';

const t = tasks<typeof import('./tasks.js')>(new URL('./tasks.ts', import.meta.url));
const tick = () => new Promise((r) => setImmediate(r));

test('tune: true gives the full bottleneck more slots, within maxConcurrency, and says why', async () => {
  const gate = await Gate.start();
  const clock = new ManualClock();
  try {
    const items = Array.from({ length: 6 }, () => ({ gate: gate.url, name: 'held' }));
    const p = pipeline(items, { tune: { intervalMs: 100 }, clock })
      .map(t.held, { on: 'loop', concurrency: 1, maxConcurrency: 2, name: 'slow' })
      .map((s: string) => s.length);
    const all = p.toArray();
    await gate.arrived('held', 1);
    // Every slot of 'slow' stays taken (its task waits at the gate): it is the bottleneck.
    for (let look = 0; look < 6; look++) {
      while (clock.pending === 0) await tick();
      clock.advance(100);
    }
    await gate.arrived('held', 2);
    const tuning = p.stats().tuning;
    assert.equal(tuning[0]?.stage, 1);
    assert.equal(tuning[0]?.from, 1);
    assert.equal(tuning[0]?.to, 2);
    assert.match(tuning[0]!.reason, /slow is the bottleneck \(all 1 slots full \d+ %/);
    assert.ok(tuning.every((c) => c.to <= 2), 'never above maxConcurrency');
    assert.match(p.explain(), /tuned at \d+ ms: stage 1 slow 1 → 2/);
    gate.open('held');
    assert.deepEqual(await all, [4, 4, 4, 4, 4, 4]);
    assert.equal(clock.pending, 0, 'the tuner stopped with the run');
  } finally {
    await gate.close();
  }
});
