import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pipeline } from '../../src/pipeline/index.js';
import { ManualClock } from '../loop/manual-clock.js';

const tick = () => new Promise((r) => setImmediate(r));

/** An async source the test feeds by hand. */
function feed<T>() {
  const items: T[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  return {
    push(...xs: T[]) {
      items.push(...xs);
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (items.length) yield items.shift() as T;
        else if (ended) return;
        else await new Promise<void>((r) => (wake = r));
      }
    },
  };
}

test('batch(n, { ms }): a partial batch goes on when its time is up; a full one at once; the timer is cleared', async () => {
  const clock = new ManualClock();
  const source = feed<number>();
  const it = pipeline(source, { clock }).batch(4, { ms: 100 })[Symbol.asyncIterator]();
  source.push(1, 2, 3);
  while (clock.pending === 0) await tick();
  const partial = it.next();
  clock.advance(99);
  await tick();
  clock.advance(1);
  assert.deepEqual(await partial, { done: false, value: [1, 2, 3] });
  assert.equal(clock.pending, 0);

  source.push(4, 5, 6, 7, 8);
  assert.deepEqual(await it.next(), { done: false, value: [4, 5, 6, 7] }, 'full before its time');
  while (clock.pending === 0) await tick(); // [8] started a new batch and its timer
  source.end();
  assert.deepEqual(await it.next(), { done: false, value: [8] }, 'the end flushes the rest');
  assert.equal((await it.next()).done, true);
  assert.equal(clock.pending, 0, 'no timer left');
});
