import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { loop, tasks, threads, InvalidOptionError, OptionRangeError } from '../../src/index.js';
import { pipeline } from '../../src/pipeline/index.js';
import { Gate } from '../helpers/gate.js';

const t = tasks<typeof import('./tasks.js')>(new URL('./tasks.ts', import.meta.url));
const tick = () => new Promise((r) => setImmediate(r));

test('map keeps input order across a threads stage; stages chain with closures on the loop', async () => {
  const out = await pipeline([1, 2, 3, 4, 5, 6, 7, 8])
    .map((n: number) => n + 1)
    .map(t.square, { on: 'threads', concurrency: 2 })
    .filter((n) => n % 2 === 0)
    .map(async (n) => `#${n}`)
    .toArray();
  assert.deepEqual(out, ['#4', '#16', '#36', '#64']);
});

test('ordered: false passes a result on as soon as it finishes', async () => {
  const gate = await Gate.start();
  try {
    const p = pipeline([{ gate: gate.url, name: 'slow' }, { gate: gate.url, name: 'quick' }]).map(t.held, { on: 'loop', ordered: false, concurrency: 2 });
    const it = p[Symbol.asyncIterator]();
    gate.open('quick');
    assert.deepEqual(await it.next(), { done: false, value: 'quick' });
    gate.open('slow');
    assert.deepEqual(await it.next(), { done: false, value: 'slow' });
    assert.equal((await it.next()).done, true);
  } finally {
    await gate.close();
  }
});

test('ordered (default): a finished later item waits for the earlier one', async () => {
  const gate = await Gate.start();
  try {
    const p = pipeline([{ gate: gate.url, name: 'first' }, { gate: gate.url, name: 'second' }]).map(t.held, { on: 'loop', concurrency: 2 });
    const it = p[Symbol.asyncIterator]();
    const first = it.next();
    gate.open('second');
    while (p.stats().stages[0]!.inFlight !== 1) await tick();
    gate.open('first');
    assert.deepEqual(await first, { done: false, value: 'first' });
    assert.deepEqual(await it.next(), { done: false, value: 'second' });
    await it.return?.();
  } finally {
    await gate.close();
  }
});

test('flatMap: arrays from threads, async iterables from closures and from loop()', async () => {
  const fromThreads = await pipeline([1, 2, 3]).flatMap(t.range, { on: 'threads' }).toArray();
  assert.deepEqual(fromThreads, [0, 0, 1, 0, 1, 2]);
  async function* twice(x: string) {
    await tick();
    yield x;
    yield x.toUpperCase();
  }
  assert.deepEqual(await pipeline(['a', 'b']).flatMap(twice).toArray(), ['a', 'A', 'b', 'B']);
  const ex = loop();
  try {
    assert.deepEqual(await pipeline(['c']).flatMap(twice, { on: ex }).toArray(), ['c', 'C']);
  } finally {
    await ex.close();
  }
});

test('tap sees every item and passes it on; forEach runs to the end', async () => {
  const seen: number[] = [];
  assert.deepEqual(await pipeline([1, 2, 3]).tap((n: number) => void seen.push(n)).toArray(), [1, 2, 3]);
  assert.deepEqual(seen, [1, 2, 3]);
  const each: number[] = [];
  const summary = await pipeline([4, 5]).forEach((n: number) => void each.push(n));
  assert.deepEqual(each, [4, 5]);
  assert.equal(summary.state, 'done');
  assert.equal(summary.stages[0]!.itemsOut, 2);
});

test('batch(n) by size, the last batch partial', async () => {
  assert.deepEqual(await pipeline([1, 2, 3, 4, 5]).batch(2).toArray(), [[1, 2], [3, 4], [5]]);
});

test('take(n) stops the source: an endless generator is closed, upstream tasks aborted', async () => {
  let closed = false;
  let pulled = 0;
  function* endless() {
    try {
      for (let i = 0; ; i++) {
        pulled++;
        yield i;
      }
    } finally {
      closed = true;
    }
  }
  const p = pipeline(endless()).map(async (n: number) => n * 10, { concurrency: 4, buffer: 2 }).take(3);
  assert.deepEqual(await p.toArray(), [0, 10, 20]);
  assert.equal(closed, true);
  assert.ok(pulled <= 3 + 4 + 2 + 1, `pulled ${pulled}`);
});

test('sources: an async generator, a Readable; the result works with Readable.from()', async () => {
  async function* gen() {
    yield 1;
    yield 2;
  }
  assert.deepEqual(await pipeline(gen()).map((n: number) => n * 3).toArray(), [3, 6]);
  assert.deepEqual(await pipeline(Readable.from(['x', 'y'])).map((s: string) => s + '!').toArray(), ['x!', 'y!']);
  const stream = Readable.from(pipeline([1, 2, 3]).map((n: number) => n * 2));
  const got: number[] = [];
  for await (const v of stream) got.push(v as number);
  assert.deepEqual(got, [2, 4, 6]);
});

test('drain() returns the summary with per-stage stats; explain() names a stage', async () => {
  const p = pipeline([1, 2, 3, 4]).map(t.square, { on: 'threads', name: 'sq' }).map((n: number) => n);
  const summary = await p.drain();
  assert.equal(summary.yielded, 4);
  assert.equal(summary.pulled, 4);
  const [first, second] = summary.stages;
  assert.equal(first!.name, 'sq');
  assert.equal(first!.model, 'threads');
  assert.equal(first!.itemsIn, 4);
  assert.equal(first!.runTime.count, 4);
  assert.equal(second!.model, 'inline');
  assert.match(p.explain(), /1\. sq \(threads/);
});

test('auto stages report the model auto() chose', async () => {
  const summary = await pipeline([1, 2, 3, 4, 5, 6]).map(t.square).drain();
  assert.match(summary.stages[0]!.model, /^auto/);
});

test('a shared executor serves several stages and is left open', async () => {
  const ex = threads({ max: 2 });
  try {
    const out = await pipeline([1, 2, 3]).map(t.square, { on: ex }).map(t.square, { on: ex }).toArray();
    assert.deepEqual(out, [1, 16, 81]);
    assert.equal(await ex.run(t.square, 5), 25, 'still open');
    assert.equal(ex.stats().completed, 7);
  } finally {
    await ex.close();
  }
});

test('misuse: clear errors naming the option', () => {
  assert.throws(() => pipeline(42 as never), InvalidOptionError);
  assert.throws(() => pipeline([1]).map((n: number) => n, { concurency: 2 } as never), /unknown option "concurency"/);
  assert.throws(() => pipeline([1]).map((n: number) => n, { on: 'threads' }), /a plain function cannot run on 'threads'/);
  assert.throws(() => pipeline([1]).map(t.square, { on: 'gpu' as never }), InvalidOptionError);
  assert.throws(() => pipeline([1]).batch(0), OptionRangeError);
  assert.throws(() => pipeline([1]).map(t.square, { onError: 'ignore' as never }), /onError/);
  const p = pipeline([1]);
  void p[Symbol.asyncIterator]().next();
  assert.throws(() => p[Symbol.asyncIterator](), /runs once/);
});
