/**
 * The contract's edge cases from the outside audit (issue 14), for every
 * executor where they apply: errors that are hard to send back (an uncloneable
 * `code`, another realm), a task aborted while it waits inside a batch, a crash
 * inside a chunk, and a crash that comes after its task settled. Executions are
 * counted in a file, so "ran exactly once" is checked, not assumed.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tasks } from '../../src/task.js';
import { Gate } from '../helpers/gate.js';
import { rejection } from '../helpers/rejection.js';
import type { ContractFactory } from './spec.js';
import { setTimeout as sleep } from 'node:timers/promises';

const e = tasks<typeof import('../fixtures/edges.js')>(new URL('../fixtures/edges.ts', import.meta.url));
const t = tasks<typeof import('../fixtures/tasks.js')>(new URL('../fixtures/tasks.ts', import.meta.url));

/** How many times each key was recorded in `file`. */
function counts(file: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of readFileSync(file, 'utf8').split('\n')) if (line) out.set(line, (out.get(line) ?? 0) + 1);
  return out;
}

export function defineEdgeCases(factoryUrl: URL): void {
  describe(`executor contract, edge cases: ${factoryUrl.pathname.split('/').pop()}`, async () => {
    const f = (await import(factoryUrl.href)) as ContractFactory;
    let gate: Gate;
    let dir: string;
    let seq = 0;
    const name = (base: string) => `${base}-${++seq}`;
    const counterFile = () => {
      const file = join(dir, `${++seq}.log`);
      writeFileSync(file, '');
      return file;
    };
    before(async () => {
      gate = await Gate.start();
      dir = mkdtempSync(join(tmpdir(), 'boundwise-edges-'));
    });
    after(async () => {
      await gate.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test('an error whose code cannot be cloned arrives as an error, not as a crash', async () => {
      await using pool = f.create({ slots: 1 });
      const symbol = await rejection(pool.run(e.failsWithSymbolCode, 'symbol code'));
      assert.equal(symbol.name, 'Error');
      assert.equal(symbol.message, 'symbol code');
      assert.match(String(symbol.code), /Symbol\(odd code\)/);
      const object = await rejection(pool.run(e.failsWithObjectCode, 'object code'));
      assert.equal(object.message, 'object code');
      assert.match(typeof object.code === 'string' ? object.code : String(object.code.kind), /odd/);
      assert.equal(pool.stats().crashed, 0, 'no worker died');
      assert.equal(await pool.run(t.echo, 'after'), 'after');
    });

    test('an error from another realm keeps its class name, message and code', async () => {
      await using pool = f.create({ slots: 1 });
      const realm = await rejection(pool.run(e.failsInOtherRealm, 'from a vm context'));
      assert.equal(realm.name, 'RealmError');
      assert.equal(realm.message, 'from a vm context');
      assert.equal(realm.code, 'E_REALM');
      const typeError = await rejection(pool.run(e.failsWithOtherRealmTypeError, 'realm type'));
      assert.equal(typeError.name, 'TypeError');
      assert.equal(typeError.message, 'realm type');
      if (f.remote) assert.ok(typeError instanceof TypeError, 'a built-in class comes back as this realm\'s own');
    });

    test('a task aborted while it waits inside a batch is skipped; every other task runs exactly once', async () => {
      await using pool = f.create({ slots: 1 });
      const file = counterFile();
      const h = name('hold');
      const holder = pool.run(t.hold, { gate: gate.url, name: h });
      await gate.arrived(h);
      const go = name('go');
      const controllers = Array.from({ length: 8 }, () => new AbortController());
      const runs = controllers.map((c, k) => pool.run(e.countedHeld, { file, key: String(k), gate: gate.url, name: go }, { signal: c.signal }));
      gate.open(h);
      await holder;
      await gate.arrived(go); // the first of them runs, the others wait behind it (in one batch on a pool)
      controllers[5]!.abort(new Error('not this one'));
      assert.equal((await rejection(runs[5]!)).message, 'not this one');
      // Not a timing assertion: longer than the factories' cancelGrace (200 ms), the time after
      // which a pool that thought the aborted task still ran would stop the worker.
      await sleep(500);
      gate.open(go);
      const settled = await Promise.allSettled(runs);
      assert.deepEqual(settled.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      const ran = counts(file);
      assert.deepEqual([...ran.keys()].sort(), ['0', '1', '2', '3', '4', '6', '7'], 'the aborted task never ran');
      for (const [key, n] of ran) assert.equal(n, 1, `task ${key} ran ${n} times`);
      assert.equal(pool.stats().crashed, 0);
    });

    for (const [how, task] of [
      ['process.exit()', e.countedExitsOn],
      ['an uncaught exception', e.countedCrashesOn],
    ] as const) {
      test(`map({ chunkSize }) with one input that crashes its worker (${how}): only that input fails`, { skip: !f.remote || f.name === 'auto' }, async () => {
        await using pool = f.create({ slots: 1 });
        const file = counterFile();
        const inputs = Array.from({ length: 10 }, (_, n) => ({ file, n, crashAt: 5 }));
        const before: number[] = [];
        const error = await rejection(
          (async () => {
            for await (const v of pool.map(task, inputs, { chunkSize: 10 })) before.push(v);
          })(),
        );
        assert.equal(error.name, 'WorkerCrashedError', String(error));
        assert.deepEqual(before, [0, 1, 2, 3, 4], 'the inputs before the crashing one are yielded');
        // In input order, the error is reached only once the whole chunk has settled: the rest ran too.
        const ran = counts(file);
        for (let n = 0; n < 10; n++) assert.equal(ran.get(String(n)), 1, `input ${n} ran ${ran.get(String(n))} times`);
        const s = pool.stats();
        assert.equal(s.crashed, 1);
        assert.equal(await pool.run(t.echo, 'after'), 'after');
      });
    }

    test('a crash from a task that has already settled does not fail the task running next', { skip: (!f.remote || f.name === 'auto' || f.name === 'cluster') && (f.name === 'cluster' ? 'a pool only: cluster() runs tasks in the workers\' own pools, whose late-crash count stays on their machine' : 'a pool only: auto() may run a tiny task inline, where a late throw is the caller\'s own') }, async () => {
      await using pool = f.create({ slots: 1 });
      const late = name('late');
      assert.equal(await pool.run(e.crashesLate, { gate: gate.url, name: late }), 'done early');
      const next = name('next');
      const innocent = pool.run(t.held, { gate: gate.url, name: next });
      await gate.arrived(next);
      gate.open(late); // the settled task's leftover timer now throws, while `next` runs
      await gate.arrived(next, 2); // `next` started again, on a fresh worker
      gate.open(next);
      assert.equal(await innocent, `${next}:open`);
      const s = pool.stats() as ReturnType<typeof pool.stats> & { lateCrashes?: number };
      assert.equal(s.crashed, 0, 'no task failed');
      assert.equal(s.failed, 0);
      assert.equal(s.lateCrashes, 1);
    });
  });
}
