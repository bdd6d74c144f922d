import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../examples/sqlite/main.js';

test('blocking SQLite driver (quick): the timer cannot tick during queries on the event loop, and does on threads()', async () => {
  const r = await run({ quick: true });
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
