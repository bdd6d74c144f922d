import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adviseFromStats, type AdviceKind, type TaskStatsForAdvice } from '../../src/watch/advise.js';

const base: TaskStatsForAdvice = { task: 't.js#f', model: 'loop', count: 50, medianRunMs: 1, medianCpuMs: 0.5, dispatchOverheadMs: 0 };

const cases: Array<[string, Partial<TaskStatsForAdvice>, AdviceKind[]]> = [
  ['tiny task on threads: dispatch costs more than the work', { model: 'threads', medianRunMs: 0.02, medianCpuMs: 0.02, dispatchOverheadMs: 0.15 }, ['tiny-task']],
  ['tiny task on processes', { model: 'processes', medianRunMs: 0.5, dispatchOverheadMs: 2 }, ['tiny-task']],
  ['a worthwhile task on threads', { model: 'threads', medianRunMs: 40, medianCpuMs: 39, dispatchOverheadMs: 0.2 }, []],
  ['CPU-heavy on loop', { medianRunMs: 35, medianCpuMs: 34 }, ['cpu-on-loop']],
  ['CPU-heavy on loop, measured synchronous stretch', { medianRunMs: 60, medianCpuMs: 30, medianBlockedMs: 32 }, ['cpu-on-loop']],
  ['blocking call on loop: holds the loop, little CPU', { medianRunMs: 300, medianCpuMs: 2, medianBlockedMs: 300 }, ['blocking-on-loop']],
  ['I/O-bound on loop: long wall time, loop free', { medianRunMs: 300, medianCpuMs: 1, medianBlockedMs: 0.3 }, []],
  ['I/O-bound on loop without blocked measurement', { medianRunMs: 300, medianCpuMs: 1 }, []],
  ['too few runs to say anything', { model: 'threads', count: 3, medianRunMs: 0.01, dispatchOverheadMs: 1 }, []],
  ['short CPU on loop is fine', { medianRunMs: 3, medianCpuMs: 3 }, []],
];

for (const [name, over, kinds] of cases) {
  test(name, () => {
    const advice = adviseFromStats([{ ...base, ...over }]);
    assert.deepEqual(advice.map((a) => a.kind), kinds);
    for (const a of advice) {
      assert.equal(a.task, 't.js#f');
      assert.match(a.message, /t\.js#f/);
    }
  });
}

test('accepts the { tasks } shape and keeps task order', () => {
  const advice = adviseFromStats({
    tasks: [
      { ...base, task: 'a#cpu', medianCpuMs: 50, medianRunMs: 50 },
      { ...base, task: 'b#tiny', model: 'processes', medianRunMs: 0.1, dispatchOverheadMs: 3 },
    ],
  });
  assert.deepEqual(advice.map((a) => [a.task, a.kind]), [['a#cpu', 'cpu-on-loop'], ['b#tiny', 'tiny-task']]);
  assert.match(advice[0]!.message, /threads\(\)/);
  assert.match(advice[1]!.message, /loop\(\)|chunkSize/);
});
