import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agreeingIntervals } from '../../src/classify/report.js';

test('the peak and chart agree with the CPU total: intervals scaled down, never up', () => {
  // `sleep 2`: one 10 ms clock tick lands in a 100 ms interval, the exit accounting says 0 ms.
  const ticks = [{ startMs: 0, endMs: 100, cpuMs: 10 }, { startMs: 100, endMs: 200, cpuMs: 0 }];
  assert.deepEqual(agreeingIntervals(ticks, 0).map((i) => i.cpuMs), [0, 0]);
  assert.deepEqual(agreeingIntervals(ticks, 5).map((i) => i.cpuMs), [5, 0]);
  // CPU the samples missed (a child reaped at the end) is not spread over time.
  assert.deepEqual(agreeingIntervals(ticks, 50).map((i) => i.cpuMs), [10, 0]);
});
