/**
 * Issue 14 for auto(): close({ timeout }) returns while calls wait behind a
 * probe (item 3); stats() adds up at every snapshot, calls waiting for a probe
 * or cancelled there included (item 12); a bad option starts nothing (item 10).
 * Each failed before its fix (close never returned; submitted 1 with
 * cancelled 10; the two threads of `min: 2` kept the process alive).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AutoStats } from '../../src/auto/index.js';
import { tasks } from '../../src/task.js';
import { warmAuto } from '../helpers/warm-auto.js';

const w = tasks<typeof import('../fixtures/auto/work.js')>(new URL('../fixtures/auto/work.ts', import.meta.url));

function addsUp(s: AutoStats, when: string): void {
  assert.equal(s.submitted, s.completed + s.failed + s.cancelled + s.queued + s.running, `${when}: ${JSON.stringify({ ...s, tasks: undefined, runTime: undefined, waitTime: undefined })}`);
}

// One CPU thread, started, and no blocking pool: the first call of the unknown task is its probe, the others wait behind it.
const narrow = () => warmAuto({ threads: { max: 1, cancelGrace: 50 }, maxBlockingThreads: 0 });

test('close({ timeout }) returns while calls wait behind a probe that never ends; every call settles', { timeout: 120_000 }, async () => {
  const pool = await narrow();
  const probe = pool.run(w.hang, undefined);
  const waiting = Array.from({ length: 3 }, () => pool.run(w.hang, undefined));
  addsUp(pool.stats(), 'while waiting');
  assert.equal(pool.stats().queued, 3, 'three calls wait behind the probe');
  const all = Promise.allSettled([probe, ...waiting]);
  await pool.close({ timeout: 100 });
  const settled = await all;
  assert.ok(settled.every((r) => r.status === 'rejected'), 'the probe and the waiting calls were cancelled');
  for (const r of settled.slice(1)) assert.equal(((r as PromiseRejectedResult).reason as Error).name, 'AbortError');
  const s = pool.stats();
  addsUp(s, 'after close');
  assert.equal(s.submitted, 5, 'the four calls, and the one that started the thread');
  assert.equal(s.cancelled, 4);
});

test('stats() adds up at every snapshot: calls cancelled while waiting behind a probe are submitted and cancelled', { timeout: 120_000 }, async () => {
  const pool = await narrow();
  const controller = new AbortController();
  const probe = pool.run(w.hang, undefined);
  const probeSettled = Promise.allSettled([probe]);
  const waiting = Array.from({ length: 10 }, () => pool.run(w.hang, undefined, { signal: controller.signal }));
  const waitingSettled = Promise.allSettled(waiting);
  const before = pool.stats();
  addsUp(before, 'before the abort');
  assert.equal(before.submitted, 12);
  controller.abort();
  // At once, not a microtask later: the counts never lag behind.
  const after = pool.stats();
  addsUp(after, 'right after the abort');
  assert.equal(after.submitted, 12);
  assert.equal(after.cancelled, 10);
  assert.equal(after.queued, 0);
  await waitingSettled;
  // An already-aborted signal, at the gate: submitted and cancelled too.
  await assert.rejects(pool.run(w.hang, undefined, { signal: controller.signal }), { name: 'AbortError' });
  addsUp(pool.stats(), 'after an already-aborted call');
  await pool.close({ timeout: 50 });
  assert.equal((await probeSettled)[0]!.status, 'rejected');
  addsUp(pool.stats(), 'after close');
});

test('an invalid option starts nothing: no thread outlives the error (the process exits by itself)', { timeout: 120_000 }, () => {
  const autoUrl = new URL('../../src/auto/index.ts', import.meta.url).href;
  const cases = [
    '{ threads: { min: 2 }, processes: { max: 0 } }',
    "{ threads: { min: 2 }, processes: { stdio: 'bogus' } }",
    "{ threads: { min: 2 }, loop: { concurrency: 0 } }",
  ];
  for (const options of cases) {
    // The OS threads of the process, before and right after the error (a started worker is one at once).
    const script = `import { auto } from ${JSON.stringify(autoUrl)}; import { readdirSync } from 'node:fs';
      const count = () => readdirSync('/proc/self/task').length;
      const before = count();
      try { auto(${options}); console.log('no error'); } catch (e) { console.log(e.code ?? e.name); }
      console.log('threads started: ' + (count() - before));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.signal, null, `auto(${options}): the process did not exit by itself (threads left running)`);
    assert.match(r.stdout, /ERR_BOUNDWISE_/, `auto(${options}) throws a boundwise error: ${r.stdout}${r.stderr}`);
    if (process.platform === 'linux') assert.match(r.stdout, /threads started: 0\b/, `auto(${options}) started nothing: ${r.stdout}`);
  }
});
