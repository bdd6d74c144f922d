import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDemo } from '../../src/demo/main.js';
import { run } from '../../examples/tiny/main.js';

test('tiny tasks (quick) through the demo runner: same totals everywhere, auto() runs them inline, JSON and plain progress', async () => {
  let out = '';
  let err = '';
  const report = await runDemo({
    quick: true,
    only: ['tiny'],
    json: true,
    stdout: { write: (s: string) => (out += s) },
    stderr: { isTTY: false, write: (s: string) => (err += s) },
  });
  assert.equal(report.ok, true);
  const parsed = JSON.parse(out) as typeof report;
  assert.equal(parsed.results.length, 1);
  const r = parsed.results[0]!;
  assert.equal(r.id, 'tiny');
  for (const check of r.checks) assert.ok(check.ok, check.name);
  assert.equal(r.auto?.behaviour, 'tiny');
  assert.equal(r.auto?.model, 'loop');
  // Not a terminal: one plain line per step, no cursor control.
  assert.equal(err.split('\n').filter((l) => l.startsWith('demo [')).length, 6);
  assert.ok(!err.includes(String.fromCharCode(27)), 'no escape sequences');
  assert.equal(typeof run, 'function');
});
