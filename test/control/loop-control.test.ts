/**
 * loop()-only queue control: concurrency changed at run time (both ways, at once),
 * the rate limit's isRateLimited / onRateLimit(), and the cost-free path (no listener).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loop } from '../../src/loop/index.js';
import { OptionRangeError } from '../../src/errors.js';
import { ManualClock } from '../loop/manual-clock.js';

/** A task that waits until the test lets it go. */
function deferred() {
  let open!: () => void;
  const done = new Promise<void>((r) => (open = r));
  return { open, task: () => done };
}

test('loop().concurrency = n takes effect at once: raising starts queued tasks now, lowering holds new starts', async () => {
  await using io = loop({ concurrency: 1 });
  const gates = [1, 2, 3, 4, 5].map(() => deferred());
  const runs = gates.map((g) => io.run(g.task));
  assert.equal(io.pending, 1);
  assert.equal(io.size, 4);
  io.concurrency = 3;
  assert.equal(io.pending, 3, 'two more started within the setter');
  assert.equal(io.size, 2);
  io.concurrency = 1;
  assert.equal(io.concurrency, 1);
  for (const g of gates.slice(0, 3)) g.open();
  await Promise.all(runs.slice(0, 3));
  assert.equal(io.pending, 1, 'only one runs under the lowered limit');
  assert.equal(io.size, 1);
  for (const g of gates.slice(3)) g.open();
  await Promise.all(runs);
  assert.throws(() => (io.concurrency = 0), OptionRangeError);
  assert.equal(io.stats().concurrency, 1);
});

test('loop() with a rate: isRateLimited and onRateLimit(); "rateLimit" event', async () => {
  const clock = new ManualClock();
  await using io = loop({ concurrency: 10, rate: { limit: 2, interval: 1000 }, clock });
  assert.equal(io.isRateLimited, false);
  let events = 0;
  io.on('rateLimit', () => events++);
  const limited = io.onRateLimit();
  const runs = [1, 2, 3].map((n) => io.run(() => n));
  await limited;
  assert.equal(io.isRateLimited, true);
  assert.ok(events >= 1);
  assert.equal(io.size, 1, 'the third start waits for the window');
  await io.onRateLimit(); // already limited: at once
  clock.advance(1000);
  assert.deepEqual(await Promise.all(runs), [1, 2, 3]);
  clock.advance(1000);
  assert.equal(io.isRateLimited, false);
});

test('loop(): with no listener and no waiter, the hot path reports nothing (hot stays off)', async () => {
  await using io = loop({ concurrency: 2 });
  const hot = () => (io as unknown as { hot: boolean }).hot;
  assert.equal(hot(), false);
  await io.run(() => 1);
  const off = () => {};
  io.on('completed', off);
  assert.equal(hot(), true);
  io.off('completed', off);
  assert.equal(hot(), false);
  const idle = io.onIdle(); // already idle: resolves without becoming hot
  await idle;
  assert.equal(hot(), false);
  io.on('idle', off);
  io.removeAllListeners();
  assert.equal(hot(), false, 'removeAllListeners() turns it off');
  io.on('idle', off);
  assert.equal(hot(), true, 'and adding a listener again turns it on');
});

test('loop(): onSizeLessThan(n) for producer backpressure', async () => {
  await using io = loop({ concurrency: 1 });
  const g = deferred();
  const first = io.run(g.task);
  const queued = [1, 2, 3].map((n) => io.run(() => n));
  let passed = false;
  const waiting = io.onSizeLessThan(3).then(() => (passed = true));
  await Promise.resolve();
  assert.equal(passed, false);
  g.open();
  await waiting;
  await Promise.all([first, ...queued]);
  await assert.rejects(io.onSizeLessThan('x' as unknown as number), /onSizeLessThan/);
});
