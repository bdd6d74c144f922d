import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../examples/cpu/main.js';

test('heavy computation (quick): threads(), processes(), loop() and auto() blur exactly as sequential does', async () => {
  const r = await run({ quick: true });
  assert.deepEqual(r.rows.map((row) => row.model), ['sequential', 'loop()', 'threads()', 'processes()', 'auto()']);
  const names = r.checks.map((c) => c.name);
  assert.deepEqual(names, ['loop() output = sequential', 'threads() output = sequential', 'processes() output = sequential', 'auto() output = sequential']);
  for (const check of r.checks) assert.ok(check.ok, check.name);
  assert.equal(r.auto?.behaviour, 'calculating');
  // processes() runs count their children's CPU time where /proc exists.
  const procs = r.rows.find((row) => row.model === 'processes()')!;
  if (process.platform === 'linux') assert.equal(procs.cpuScope, 'process+children');
});
