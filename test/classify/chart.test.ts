// The cores-over-time chart: pure, intervals in, lines out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coresChart } from '../../src/classify/chart.js';
import type { Interval } from '../../src/classify/types.js';

const interval = (k: number, cpu: number): Interval => ({
  startMs: k * 100,
  endMs: (k + 1) * 100,
  userMs: cpu,
  systemMs: 0,
  cpuMs: cpu,
  runDelayMs: 0,
  voluntarySwitches: 0,
  busyThreadsVoluntarySwitches: 0,
  involuntarySwitches: 0,
  topThreadsMs: [cpu],
  threads: 1,
  processes: 1,
});

test('one core of two: the lower half full, the upper half empty', () => {
  const lines = coresChart(Array.from({ length: 20 }, (_, k) => interval(k, 100)), 2);
  // 4 rows (two per core) + axis + time labels.
  assert.equal(lines.length, 6);
  assert.match(lines[0]!, /^2 ┤ {20}$/);
  assert.match(lines[2]!, /^1 ┤█{20}$/);
  assert.match(lines[3]!, /^ {2}│█{20}$/);
  assert.match(lines[4]!, /^0 └─{20}$/);
  assert.match(lines[5]!, /0 ms.*2\.00 s/);
});

test('idle then two cores: the chart rises to the top', () => {
  const lines = coresChart([...Array.from({ length: 10 }, (_, k) => interval(k, 0)), ...Array.from({ length: 10 }, (_, k) => interval(k + 10, 200))], 2);
  assert.equal(lines[0], `2 ┤${' '.repeat(10)}${'█'.repeat(10)}`);
  assert.equal(lines[3], `  │${' '.repeat(10)}${'█'.repeat(10)}`);
});

test('a quarter core shows as a half-height block in the lowest row', () => {
  const lines = coresChart(Array.from({ length: 20 }, (_, k) => interval(k, 25)), 2);
  assert.equal(lines[3], `  │${'▄'.repeat(20)}`);
});

test('scales beyond the machine when the peak is higher, at most 8 rows', () => {
  const lines = coresChart(Array.from({ length: 30 }, (_, k) => interval(k, 1600)), 4);
  assert.equal(lines.length, 10);
  assert.match(lines[0]!, /^16 ┤█+$/);
});

test('no samples', () => {
  assert.deepEqual(coresChart([], 2), ['(no samples to chart)']);
});
