import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verdict, RESPONSIVE_MS } from '../../src/bench/verdict.js';
import { median, spread, summarize } from '../../src/bench/summarize.js';
import { coarsen } from '../../src/bench/loop-delay.js';
import { resampleDelays } from '../../src/report/timeline.js';
import type { BenchModel, ModelResult, RoundSample } from '../../src/bench/types.js';

/** A model's one round with the given figures (the rest fixed). */
function model(m: BenchModel, o: { wall: number; cpu: number; p99: number; rss?: number; decision?: RoundSample['decision'] }, seqWall: number): ModelResult {
  const round: RoundSample = {
    round: 1, order: 0, warmupMs: 1, wallMs: o.wall, throughput: 100_000 / o.wall,
    latency: { p50Ms: 1, p95Ms: 2, p99Ms: 3, maxMs: 4 }, cpuMs: o.cpu, cpuScope: 'process+children',
    peakRssMb: 100, addedRssMb: o.rss ?? 0,
    loopDelay: { p50Ms: 0, p99Ms: o.p99, maxMs: o.p99, timeline: [] },
    ...(o.decision && { decision: o.decision }),
  };
  return { model: m, label: m === 'sequential' ? 'sequential' : `${m}()`, rounds: [round], summary: summarize([round], seqWall), rule: null };
}

const cases: Array<{ name: string; rows: Array<[BenchModel, number, number, number]>; recommended: BenchModel; kind: 'waits' | 'calculates'; marks: Partial<Record<BenchModel, boolean>> }> = [
  {
    name: 'CPU work: threads fastest and free; loop() blocks; the rule (processes) is wrong about threads',
    // model, wall ms, cpu ms, loop delay p99 ms
    rows: [['sequential', 1000, 990, 1000], ['loop', 1000, 990, 990], ['threads', 300, 1000, 2], ['processes', 330, 1100, 3]],
    recommended: 'threads', kind: 'calculates', marks: { loop: true, threads: false, processes: true },
  },
  {
    name: 'waiting work: loop() as fast as threads and simpler',
    rows: [['sequential', 2000, 20, 1], ['loop', 100, 20, 1], ['threads', 95, 60, 1], ['processes', 400, 300, 1]],
    recommended: 'loop', kind: 'waits', marks: { loop: true, threads: true, processes: true },
  },
  {
    name: 'tiny work: inline beats every executor',
    rows: [['sequential', 5, 5, 4], ['loop', 8, 8, 6], ['threads', 60, 30, 1], ['processes', 200, 80, 1]],
    recommended: 'sequential', kind: 'calculates', marks: { loop: true, threads: true, processes: false },
  },
];

for (const c of cases) {
  test(`verdict: ${c.name}`, () => {
    const seqWall = c.rows[0]![1];
    const models = c.rows.map(([m, wall, cpu, p99]) => model(m, { wall, cpu, p99 }, seqWall));
    const { verdict: v, marks } = verdict(models);
    assert.equal(v.recommended, c.recommended, v.lines.join('\n'));
    assert.equal(v.kind, c.kind);
    for (const [m, right] of Object.entries(c.marks)) assert.equal(marks.get(m as BenchModel)?.right, right, `${m}: ${v.lines.join('\n')}`);
    assert.equal(marks.get('sequential'), null);
    assert.equal(v.ruleOfThumb.right + v.ruleOfThumb.wrong, 3);
  });
}

test('verdict: words carry the numbers, loop blocked, memory, and how close auto() came', () => {
  const models = [
    model('sequential', { wall: 1000, cpu: 990, p99: 1000 }, 1000),
    model('loop', { wall: 1000, cpu: 990, p99: 380 }, 1000),
    model('threads', { wall: 294, cpu: 1000, p99: 2 }, 1000),
    model('processes', { wall: 345, cpu: 1000, p99: 2, rss: 210 }, 1000),
    model('auto', { wall: 300, cpu: 1000, p99: 2, decision: { model: 'threads', behaviour: 'calculating', reason: 'calculates 96% of 41 ms' } }, 1000),
  ];
  const { verdict: v } = verdict(models);
  const text = v.lines.join('\n');
  assert.match(text, /^Use threads\(\): 3\.40× sequential/);
  assert.match(text, /loop\(\): 1\.00× sequential, loop blocked 380 ms/);
  assert.match(text, /processes\(\): 2\.90× sequential, loop delay p99 2\.0 ms, \+210 MB/);
  assert.match(text, /auto\(\) chose threads \(calculating\): 98% of the best throughput \(threads\(\)\)/);
  assert.equal(v.auto?.best, 'threads');
  assert.ok(Math.abs(v.auto!.ofBest! - 0.98) < 0.001);
  assert.match(text, /rule of thumb \(calculates → processes\) was right 2 and wrong 1 time \(threads\(\) said avoid, measured good\)/);
});

test('verdict: on a loaded machine the responsive limit follows the best p99 of the run', () => {
  const models = [model('sequential', { wall: 100, cpu: 99, p99: 100 }, 100), model('threads', { wall: 50, cpu: 99, p99: 40 }, 100), model('loop', { wall: 100, cpu: 99, p99: 100 }, 100)];
  const { verdict: v } = verdict(models);
  assert.equal(v.recommended, 'threads');
  assert.ok(40 > RESPONSIVE_MS / 2);
  assert.match(v.lines.join('\n'), /up to 120 ms counted as responsive/);
});

test('median, spread and coarsening', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
  assert.deepEqual(spread([5, 1, 3]), { median: 3, min: 1, max: 5 });
  const points = Array.from({ length: 1000 }, (_, i) => [i * 10, i === 500 ? 300 : 1] as [number, number]);
  const c = coarsen(points, 100);
  assert.equal(c.length, 100);
  assert.equal(Math.max(...c.map((p) => p[1])), 300, 'a spike survives coarsening');
});

test('resampleDelays: a blocked stretch rises as a ramp; a run that ended is null', () => {
  // Run A ticks every 10 ms for 1 s; run B is blocked from 0 to 500 ms, then ends.
  const a = Array.from({ length: 100 }, (_, i) => [(i + 1) * 10, 0] as [number, number]);
  const b: Array<[number, number]> = [[500, 490]];
  const { x, series } = resampleDelays([a, b], 20);
  assert.equal(x.length, 20);
  assert.ok(series[0]!.every((v) => v === 0));
  const ramp = series[1]!.slice(0, 9) as number[];
  assert.ok(ramp.every((v, i) => i === 0 || v > ramp[i - 1]!), `rising: ${ramp.join(',')}`);
  assert.equal(series[1]![9], 490);
  assert.ok(series[1]!.slice(10).every((v) => v === null));
});

test('verdict: inline, time the main thread waited for a core does not count as the task waiting', () => {
  const seq = model('sequential', { wall: 44_200, cpu: 4_130, p99: 44_200 }, 44_200);
  assert.equal(verdict([seq]).verdict.kind, 'waits', 'without the run-queue delay, 9% looks like waiting');
  seq.rounds[0]!.runQueueDelayMs = 38_000;
  const { verdict: v } = verdict([seq]);
  assert.equal(v.kind, 'calculates');
  assert.ok(Math.abs(v.cpuShare! - 4_130 / 6_200) < 1e-9);
});
