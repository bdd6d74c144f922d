// watch() in this very process: the report arrives through onBlock, with the task hook.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { watch } from '../../src/watch/index.js';
import type { BlockReport } from '../../src/watch/types.js';
import { InvalidOptionError } from '../../src/errors.js';

const TASK = Symbol.for('boundwise.currentTask');
const self = fileURLToPath(import.meta.url);
const blockLine = readFileSync(self, 'utf8').split('\n').findIndex((l) => l.endsWith('-- BLOCK' + '-LINE')) + 1;

function blockHere(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {} // eslint-disable-line no-empty -- BLOCK-LINE
}

test('watch({ threshold, onBlock }) reports a block with the running task, then stops', async () => {
  let waiter: ((r: BlockReport) => void) | null = null;
  using handle = watch({ threshold: '50ms', onBlock: (r) => waiter?.(r) });
  assert.equal(handle.thresholdMs, 50);
  await new Promise((r) => setTimeout(r, 200)); // the worker is up and warmed
  // Only the report that follows our block counts (the test runner's own start-up may block too).
  const reported = new Promise<BlockReport>((resolve) => (waiter = resolve));
  (globalThis as Record<symbol, unknown>)[TASK] = 'tasks.js#resize';
  try {
    blockHere(300);
  } finally {
    delete (globalThis as Record<symbol, unknown>)[TASK];
  }
  // watch() keeps nothing alive by design; the test holds the loop open while it waits.
  const keepAlive = setInterval(() => {}, 1000);
  const r = await reported.finally(() => clearInterval(keepAlive));
  assert.equal(r.functionName, 'blockHere');
  assert.equal(r.file, self);
  assert.equal(r.line, blockLine);
  assert.equal(r.task, 'tasks.js#resize');
  assert.ok(r.durationMs >= 50);
  assert.ok(handle.summary().places.some((p) => p.place === r.place && p.count === 1));
});

test('bad options throw the usual errors', () => {
  assert.throws(() => watch({ threshold: 'soon' }), InvalidOptionError);
});

test('a loop() task that blocks the event loop is named in the report', async () => {
  const { loop } = await import('../../src/loop/index.js');
  const { tasks } = await import('../../src/task.js');
  const fixtures = new URL('../fixtures/auto/work.ts', import.meta.url);
  const w = tasks<typeof import('../fixtures/auto/work.js')>(fixtures);
  let waiter: ((r: BlockReport) => void) | null = null;
  using _handle = watch({ threshold: '50ms', onBlock: (r) => waiter?.(r) });
  await using pool = loop();
  await pool.run(w.tiny, 1); // the module is loaded: the next run calls the task at once
  await new Promise((r) => setTimeout(r, 200));
  const reported = new Promise<BlockReport>((resolve) => (waiter = resolve));
  const keepAlive = setInterval(() => {}, 1000);
  await pool.run(w.spin, 300);
  const r = await reported.finally(() => clearInterval(keepAlive));
  assert.equal(r.task, `${fixtures.href}#spin`);
  assert.equal(r.functionName, 'spin');
  assert.equal((globalThis as Record<symbol, unknown>)[TASK], undefined, 'the hook is cleared after the task');
});
