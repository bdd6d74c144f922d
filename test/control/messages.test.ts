/**
 * messages(executor, task, input): a task's context.emit() messages as an async iterable that ends
 * when the task settles (its error thrown from the loop), on every executor; the result on .result.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { threads } from '../../src/threads/index.js';
import { processes } from '../../src/processes/index.js';
import { loop } from '../../src/loop/index.js';
import { auto } from '../../src/auto/index.js';
import { tasks, type TaskContext } from '../../src/task.js';
import { messages, type TaskCall } from '../../src/messages.js';
import type { Executor } from '../../src/executor.js';
import type { Progress } from '../fixtures/control/progress.js';

const p = tasks<typeof import('../fixtures/control/progress.js')>(new URL('../fixtures/control/progress.ts', import.meta.url));

const executors: Array<[string, () => Executor]> = [
  ['loop', () => loop()],
  ['threads', () => threads({ max: 1 })],
  ['processes', () => processes({ max: 1, killTimeout: 500 })],
  ['auto', () => auto()],
];

for (const [kind, make] of executors) {
  describe(`messages() on ${kind}`, () => {
    test('yields every message in order, ends when the task settles; the result is on .result', async () => {
      await using pool = make();
      const call: TaskCall<number, Progress> = messages(pool, p.count, 4);
      const seen: Progress[] = [];
      for await (const m of call) seen.push(m);
      assert.deepEqual(seen, [1, 2, 3, 4].map((done) => ({ done, of: 4 })));
      assert.equal(await call.result, 10);
    });

    test("the task's error is thrown from the loop after its messages, and .result rejects with it", async () => {
      await using pool = make();
      const call = messages(pool, p.failsAfter, 'bad input');
      const seen: number[] = [];
      await assert.rejects(
        (async () => {
          for await (const m of call) seen.push(m.done);
        })(),
        (e: unknown) => (e as Error).name === 'RangeError' && (e as Error).message === 'bad input',
      );
      assert.deepEqual(seen, [1, 2]);
      await assert.rejects(call.result, RangeError);
    });

    test('break leaves the loop; the task still completes; onMessage given too is called for every message', async () => {
      await using pool = make();
      const all: unknown[] = [];
      const call = messages(pool, p.count, 3, { onMessage: (m) => all.push(m) });
      for await (const m of call) {
        assert.equal(m.done, 1);
        break;
      }
      assert.equal(await call.result, 6);
      assert.equal(all.length, 3);
    });
  });
}

test('messages() on a loop() closure types its messages from TaskContext<M>', async () => {
  await using io = loop();
  const call = messages(io, async (n: number, { emit }: TaskContext<string>) => {
    emit(`got ${n}`);
    return n + 1;
  }, 1);
  const seen: string[] = [];
  for await (const m of call) seen.push(m);
  assert.deepEqual(seen, ['got 1']);
  assert.equal(await call.result, 2);
});
