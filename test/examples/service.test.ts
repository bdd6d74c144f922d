import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../examples/service/main.js';

test('backend service (quick): every mode serves all three routes without errors and the same thumbnail', async () => {
  const r = await run({ quick: true });
  assert.deepEqual(r.rows.map((row) => row.model), ['inline', 'threads()', 'processes()', 'auto()']);
  for (const check of r.checks) assert.ok(check.ok, check.name);
  for (const row of r.rows) {
    assert.equal(typeof row.metrics.healthP99, 'number');
    assert.ok((row.metrics.thumbsPerSec as number) > 0, `${row.model} made thumbnails`);
  }
  assert.equal(r.auto?.model, 'threads');
});
