import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tasks, PipelineError, WorkerCrashedError } from '../../src/index.js';
import { pipeline } from '../../src/pipeline/index.js';
import { Gate } from '../helpers/gate.js';
import { rejection } from '../helpers/rejection.js';

const t = tasks<typeof import('./tasks.js')>(new URL('./tasks.ts', import.meta.url));

test('fail-fast: the first failure aborts the running tasks and rejects naming stage, item and cause', async () => {
  const gate = await Gate.start();
  try {
    const items = [{ name: 'a' }, { name: 'b' }, { name: 'bad', fail: true }].map((i) => ({ gate: gate.url, ...i }));
    const p = pipeline(items).map((x: (typeof items)[number]) => x).map(t.waitOrFail, { on: 'threads', concurrency: 3 });
    const done = rejection(p.toArray());
    await Promise.all([gate.arrived('a'), gate.arrived('b')]);
    gate.open('go');
    const e = await done;
    assert.ok(e instanceof PipelineError);
    assert.equal(e.code, 'ERR_BOUNDWISE_PIPELINE');
    assert.equal(e.stage, 2);
    assert.equal(e.stageName, 'waitOrFail');
    assert.equal(e.index, 2);
    assert.equal((e.cause as Error).name, 'RangeError');
    assert.match(e.message, /pipeline stage 2 waitOrFail failed on item 2: RangeError: bad is bad/);
    // Rejected only once the running tasks had seen their abort.
    assert.equal(gate.count('a-aborted'), 1);
    assert.equal(gate.count('b-aborted'), 1);
    assert.equal(p.stats().state, 'failed');
  } finally {
    await gate.close();
  }
});

test("onError: 'skip' drops the bad item; 'collect' keeps its error; a function replaces it", async () => {
  const inputs = [1, 2, 3, 4].map((n) => ({ n, bad: 3 }));
  const skipped = pipeline(inputs).map(t.failsOn, { on: 'threads', onError: 'skip' });
  assert.deepEqual(await skipped.toArray(), [1, 2, 4]);
  assert.equal(skipped.stats().stages[0]!.skipped, 1);

  const collected = await pipeline(inputs).map(t.failsOn, { on: 'threads', onError: 'collect' }).drain();
  assert.equal(collected.yielded, 3);
  assert.equal(collected.errors.length, 1);
  const e = collected.errors[0]!;
  assert.equal(e.index, 2);
  assert.deepEqual(e.item, { n: 3, bad: 3 });
  assert.equal((e.cause as Error).name, 'TypeError');

  const replaced = await pipeline(inputs).map(t.failsOn, { on: 'threads', onError: (_e, item) => -item.n }).toArray();
  assert.deepEqual(replaced, [1, 2, -3, 4]);
});

test('a crash in a worker stage fails only that item under skip; collect sees WorkerCrashedError', async () => {
  const inputs = Array.from({ length: 6 }, (_, n) => ({ n, crashAt: 4 }));
  assert.deepEqual(await pipeline(inputs).map(t.exitsOn, { on: 'threads', concurrency: 2, onError: 'skip' }).toArray(), [0, 1, 2, 3, 5]);
  const summary = await pipeline(inputs).map(t.exitsOn, { on: 'processes', concurrency: 2, onError: 'collect' }).drain();
  assert.equal(summary.yielded, 5);
  assert.ok(summary.errors[0]?.cause instanceof WorkerCrashedError);
});

test('a failing source rejects the pipeline as stage 0, after the items it gave', async () => {
  function* source() {
    yield 1;
    yield 2;
    throw new Error('disk gone');
  }
  const e = await rejection(pipeline(source()).map((n: number) => n).toArray());
  assert.ok(e instanceof PipelineError);
  assert.equal(e.stage, 0);
  assert.equal(e.index, 2);
  assert.match(e.message, /the pipeline source failed after 2: Error: disk gone/);
});

test('a failing closure stops a pipeline of inline stages', async () => {
  const e = await rejection(
    pipeline([1, 2, 3])
      .map((n: number) => {
        if (n === 2) throw new Error('two');
        return n;
      })
      .toArray(),
  );
  assert.equal(e.stage, 1);
  assert.equal(e.index, 1);
});
