/**
 * Idle reaping keeps `min` workers: with min 1 and max 2, when both workers go
 * idle at once only one is stopped, and the one kept is a warm one (not a cold
 * replacement started after both were stopped). Both pools.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { threads } from '../../src/threads/index.js';
import { processes } from '../../src/processes/index.js';
import { tasks } from '../../src/task.js';
import { Gate } from '../helpers/gate.js';

const t = tasks<typeof import('../fixtures/tasks.js')>(new URL('../fixtures/tasks.ts', import.meta.url));
const e = tasks<typeof import('../fixtures/edges.js')>(new URL('../fixtures/edges.ts', import.meta.url));

const kinds = {
  threads: () => threads({ min: 1, max: 2, idleTimeout: 20 }),
  processes: () => processes({ min: 1, max: 2, idleTimeout: 20 }),
};

for (const [kind, make] of Object.entries(kinds)) {
  describe(`${kind}(): idle reaping`, () => {
    let gate: Gate;
    before(async () => {
      gate = await Gate.start();
    });
    after(() => gate.close());

    test('never goes below min when every worker goes idle at once', async () => {
      await using pool = make();
      const a = `${kind}-idle-a`;
      const b = `${kind}-idle-b`;
      // Two tasks hold both workers, so both exist; then each is asked who it is.
      const held = [pool.run(t.held, { gate: gate.url, name: a }), pool.run(t.held, { gate: gate.url, name: b })];
      await Promise.all([gate.arrived(a), gate.arrived(b)]);
      assert.equal(pool.stats().workers, 2);
      gate.open(a);
      gate.open(b);
      await Promise.all(held);
      const warm = new Set(await Promise.all([pool.run(e.whoRuns), pool.run(e.whoRuns)]));
      // Both idle now. Wait (polling, bounded by the test timeout) until the reaper has stopped one.
      while (pool.stats().workers > 1) await sleep(10);
      // Not a timing assertion: a chance for a wrongly stopped second worker to exit and a cold one to appear.
      await sleep(100);
      assert.equal(pool.stats().workers, 1, 'min workers are kept');
      const survivor = await pool.run(e.whoRuns);
      assert.ok(warm.has(survivor), `the worker kept (${survivor}) is one of the warm ones (${[...warm].join(', ')})`);
    });
  });
}
