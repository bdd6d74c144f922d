import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tasks, threads } from '../../src/index.js';
import { pipeline } from '../../src/pipeline/index.js';
import { Gate } from '../helpers/gate.js';
import { rejection } from '../helpers/rejection.js';

const t = tasks<typeof import('./tasks.js')>(new URL('./tasks.ts', import.meta.url));

function* endless(gate: string) {
  for (let i = 0; ; i++) yield { gate, name: `w${i}` };
}

test('signal: aborting mid-run stops the source and aborts running tasks; the reason is thrown', async () => {
  const gate = await Gate.start();
  try {
    const controller = new AbortController();
    const p = pipeline(endless(gate.url), { signal: controller.signal }).map(t.waitOrFail, { on: 'threads', concurrency: 2 });
    const done = rejection(p.toArray());
    await Promise.all([gate.arrived('w0'), gate.arrived('w1')]);
    controller.abort(new Error('user stopped'));
    const e = await done;
    assert.equal(e.message, 'user stopped');
    assert.equal(gate.count('w0-aborted') + gate.count('w1-aborted'), 2);
    assert.equal(p.stats().state, 'cancelled');
    assert.equal(p.stats().pulled, 2, 'no more taken after the two running');
  } finally {
    await gate.close();
  }
});

test('run.cancel(): resolves when everything stopped; a shared executor stays open, a created one is closed', async () => {
  const gate = await Gate.start();
  const shared = threads({ max: 2 });
  try {
    const p = pipeline(endless(gate.url))
      .map((x: { gate: string; name: string }) => x)
      .map(t.waitOrFail, { on: shared, concurrency: 1, name: 'shared' })
      .map((s: string) => ({ n: s.length, bad: -1 }))
      .map(t.failsOn, { on: 'threads', name: 'created' });
    const done = rejection(p.toArray());
    await gate.arrived('w0');
    await p.cancel();
    const e = await done;
    assert.equal(e.name, 'AbortError');
    await gate.arrived('w0-aborted'); // the task on the shared executor saw its signal abort
    assert.equal(await shared.run(t.square, 3), 9, 'the shared executor is still open');
  } finally {
    await shared.close();
    await gate.close();
  }
});

test('breaking out of for await stops the rest', async () => {
  let closed = false;
  function* source() {
    try {
      for (let i = 0; ; i++) yield i;
    } finally {
      closed = true;
    }
  }
  const p = pipeline(source()).map(t.square, { on: 'threads' });
  for await (const v of p) if (v >= 9) break;
  assert.equal(closed, true);
  assert.equal(p.stats().state, 'done');
});
