import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter } from '../../src/loop/rate.js';

test('rate limiter: at most `limit` starts in any window of `interval` (table)', () => {
  // Each row: limit, interval, then [time, expected delay before recording a start at that time].
  const cases: Array<{ limit: number; interval: number; steps: Array<[number, number]> }> = [
    { limit: 1, interval: 100, steps: [[0, 0], [50, 50], [100, 0], [150, 50], [250, 0]] },
    { limit: 2, interval: 100, steps: [[0, 0], [0, 0], [10, 90], [100, 0], [101, 0], [150, 50]] },
    { limit: 3, interval: 1000, steps: [[0, 0], [400, 0], [800, 0], [900, 100], [1000, 0], [1000, 400]] },
  ];
  for (const { limit, interval, steps } of cases) {
    const r = new RateLimiter(limit, interval);
    for (const [now, expected] of steps) {
      const wait = r.delay(now);
      assert.equal(wait, expected, `limit ${limit}/${interval} at t=${now}`);
      if (wait === 0) r.record(now);
    }
  }
});

test('rate limiter: a sliding window, never limit + 1 starts within one interval', () => {
  const r = new RateLimiter(5, 100);
  const starts: number[] = [];
  for (let t = 0; t < 1000; t += 7) {
    if (r.delay(t) === 0) {
      r.record(t);
      starts.push(t);
    }
  }
  for (let i = 0; i + 5 < starts.length; i++) {
    assert.ok((starts[i + 5] as number) - (starts[i] as number) >= 100, `starts ${i}..${i + 5} within one interval`);
  }
  assert.ok(starts.length >= 45, `the limiter also lets work through (${starts.length} starts)`);
});
