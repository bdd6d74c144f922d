import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../examples/apis/main.js';

test('calling many APIs (quick): every model gets every answer, auto() explains its choice', async () => {
  const r = await run({ quick: true });
  assert.deepEqual(r.rows.map((row) => row.model), ['sequential', 'loop()', 'threads()', 'processes()', 'auto()']);
  for (const check of r.checks) assert.ok(check.ok, check.name);
  assert.ok(r.auto, 'auto() decision reported');
  assert.ok(['loop', 'threads', 'processes'].includes(r.auto.model));
  assert.match(r.auto.reason, /\S/);
  // Marks: the baseline and auto() are not judged; the others are.
  assert.equal(r.rows[0]!.rule, null);
  assert.equal(r.rows[4]!.rule, null);
  assert.ok(r.rows.slice(1, 4).every((row) => row.rule !== null));
  assert.ok(r.rows.every((row) => row.wallMs > 0 && row.peakRssMb > 0 && row.speedup !== null));
});
