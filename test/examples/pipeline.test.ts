import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../examples/pipeline/main.js';

test("the guides' pipeline (quick): every row writes every document with the same features; pipeline() names its bottleneck", async () => {
  const r = await run({ quick: true });
  if (r.rows.length === 0) return assert.ok(r.skipped, 'skipped, and says why');
  for (const check of r.checks) assert.ok(check.ok, check.name);
  assert.deepEqual(
    r.rows.map((row) => row.model),
    ['sequential', 'naive chain on the loop', 'Promise.all per stage', 'pipeline()', 'pipeline(), tune: true'],
  );
  assert.ok(r.notes.some((n) => /^pipeline\(\) explained: (stage \d|the source|the consumer)/.test(n)), r.notes.join('\n'));
});
