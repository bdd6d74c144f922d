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

const e = tasks<typeof import('../fixtures/edges.js')>(new URL('../fixtures/edges.ts', import.meta.url));
const t = tasks<typeof import('../fixtures/tasks.js')>(new URL('../fixtures/tasks.ts', import.meta.url));

/** How many times each key was recorded in `file`. */
export function counts(file: string): Map<string, number> {
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
    const _name = (base: string) => `${base}-${++seq}`;
    const _counterFile = () => {
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
  });
}
