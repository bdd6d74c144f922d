import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../examples/sqlite/main.js';

test('blocking SQLite driver (quick): the timer cannot tick during queries on the event loop, and does on threads()', async (t) => {
  const r = await run({ quick: true });
  if (r.skipped) {
    // Node 20 without better-sqlite3: the scenario says why and how to enable it, and runs nothing.
    assert.match(r.skipped.reason, /node:sqlite|better-sqlite3/);
    assert.match(r.skipped.enable, /^npm (install --no-save|rebuild) better-sqlite3/);
    assert.equal(r.rows.length, 0);
    t.skip(`skipped here: ${r.skipped.reason}`);
    return;
  }
  assert.ok(r.rows.length > 0, `scenario ran (${r.notes.join(' ')})`);
  for (const check of r.checks) assert.ok(check.ok, check.name);
  const ticks = (model: string) => r.rows.find((row) => row.model === model)!.metrics.ticks as number;
  // A synchronous loop of queries gives a 10 ms timer no turn at all: exactly zero ticks.
  assert.equal(ticks('sequential'), 0);
  assert.ok(ticks('threads()') > ticks('sequential'));
  assert.ok(ticks('threads()') > ticks('loop()'));
  const marks = Object.fromEntries(r.rows.map((row) => [row.model, row.rule?.says]));
  assert.deepEqual(marks, { sequential: 'avoid', 'loop()': 'avoid', 'threads()': 'use', 'auto()': undefined });
});
