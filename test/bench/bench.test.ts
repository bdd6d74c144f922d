import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bench, tasks, type BenchResult } from '../../src/index.js';

const t = tasks<typeof import('../fixtures/bench/tasks.js')>(new URL('../fixtures/bench/tasks.ts', import.meta.url));
const inputs = Array.from({ length: 6 }, (_, i) => ({ seed: `s${i}`, rounds: 200 }));

function check(r: BenchResult, models: string[]) {
  assert.deepEqual(r.models.map((m) => m.model), ['sequential', ...models]);
  for (const m of r.models) {
    assert.equal(m.error, undefined, `${m.label}: ${m.error?.message}`);
    assert.equal(m.rounds.length, r.rounds);
    const s = m.summary!;
    assert.ok(s.throughput.median > 0 && s.wallMs.median > 0);
    assert.ok(s.throughput.min <= s.throughput.median && s.throughput.median <= s.throughput.max);
    assert.ok(s.latencyP50Ms.median <= s.latencyP99Ms.median);
    assert.ok(s.peakRssMb.median > 0);
    assert.ok(m.rounds.every((x) => x.loopDelay.timeline.length > 0 && x.loopDelay.maxMs >= x.loopDelay.p99Ms));
  }
  assert.ok(r.verdict.lines.length >= 2);
  assert.ok(r.verdict.kind === 'waits' || r.verdict.kind === 'calculates');
  // The result is plain data: it survives a JSON round trip unchanged.
  assert.deepEqual(JSON.parse(JSON.stringify(r)).models.length, r.models.length);
}

test('bench() runs the task on each model and inline, rounds in alternating order, medians and a verdict', async () => {
  const r = await bench(t.hash, inputs, { models: ['loop', 'threads', 'processes', 'auto'], rounds: 2, concurrency: 3 });
  check(r, ['loop', 'threads', 'processes', 'auto']);
  assert.equal(r.n, 6);
  assert.equal(r.warmup, 3);
  const seq = r.models[0]!;
  assert.deepEqual(seq.rounds.map((x) => x.order), [0, 4], 'first in round 1, last in round 2');
  // CPU of the children counts for processes(): more than nothing.
  assert.ok(r.models.find((m) => m.model === 'processes')!.summary!.cpuMs.median > 0);
  assert.ok(r.verdict.auto, 'what auto() chose');
  assert.match(r.verdict.lines.join('\n'), /auto\(\) chose (loop|threads|processes|inline)/);
  for (const m of r.models) {
    if (m.model === 'sequential' || m.model === 'auto') assert.equal(m.rule, null);
    else assert.ok(m.rule && typeof m.rule.right === 'boolean');
  }
});

test('bench() takes a generator function (fresh inputs each run) and repeats short inputs up to n', async () => {
  let calls = 0;
  const r = await bench(
    t.nap,
    function* () {
      calls++;
      yield 1;
      yield 2;
    },
    { n: 5, models: ['loop'], rounds: 2, warmup: 1 },
  );
  check(r, ['loop']);
  assert.equal(r.n, 5);
  assert.equal(calls, 4, 'one call per run: 2 models × 2 rounds');
  assert.equal(r.verdict.kind, 'waits');
});

test('bench() takes an async iterable once', async () => {
  async function* gen() {
    for (let i = 0; i < 4; i++) yield i * 2;
  }
  const r = await bench(t.picky, gen(), { models: ['loop'], rounds: 1 });
  check(r, ['loop']);
  assert.equal(r.n, 4);
});

test('a model that fails is recorded with its error; the others complete', async () => {
  // Functions cannot cross to a thread: threads() fails on cloning, loop() and inline run it.
  const r = await bench(t.tick, [{ cb: () => 1 }], { models: ['loop', 'threads'], rounds: 2, n: 3 });
  assert.equal(r.ok, false);
  const [seq, lp, th] = r.models;
  assert.ok(seq!.summary && lp!.summary);
  assert.equal(th!.error?.code, 'ERR_BOUNDWISE_TASK_INPUT');
  assert.equal(th!.rounds.length, 0);
  assert.equal(th!.summary, undefined);
  assert.match(r.verdict.lines.join('\n'), /threads\(\): failed \(TaskInputError/);
});

test('a task that throws fails every model, each with the error', async () => {
  const r = await bench(t.picky, [1], { models: ['loop', 'threads'], rounds: 1 });
  assert.equal(r.ok, false);
  for (const m of r.models) assert.equal(m.error?.name, 'RangeError', m.label);
  assert.match(r.verdict.lines[0]!, /No model completed/);
});

test('bench() rejects bad options and tasks with clear errors', async () => {
  await assert.rejects(bench(t.hash, inputs, { models: ['gpu' as 'loop'] }), { code: 'ERR_BOUNDWISE_INVALID_OPTION', message: /models.*loop, threads, processes, auto/ });
  await assert.rejects(bench(t.hash, inputs, { rounds: 0 }), { code: 'ERR_BOUNDWISE_OPTION_RANGE', message: /rounds/ });
  await assert.rejects(bench(t.hash, inputs, { nope: 1 } as never), { code: 'ERR_BOUNDWISE_INVALID_OPTION', message: /unknown option "nope"/ });
  await assert.rejects(bench((() => 1) as never, inputs), { code: 'ERR_BOUNDWISE_INVALID_OPTION', message: /reference/ });
  await assert.rejects(bench(t.hash, [], {}), { code: 'ERR_BOUNDWISE_INVALID_OPTION', message: /no input/ });
  await assert.rejects(bench(t.hash, 42 as never), { code: 'ERR_BOUNDWISE_INVALID_OPTION', message: /iterable/ });
  const missing = tasks<{ absent(): void }>(new URL('../fixtures/bench/tasks.ts', import.meta.url));
  await assert.rejects(bench(missing.absent, [1]), { code: 'ERR_BOUNDWISE_TASK_NOT_FOUND', message: /hash, nap, picky, tick/ });
});
