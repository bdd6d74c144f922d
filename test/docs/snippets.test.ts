/**
 * Every ```ts and ```js block of README.md and docs/ type-checks strictly
 * against the built package and runs (scripts/check-snippets.ts; conventions in
 * docs/contributing.md). npm test builds dist/ first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('doc snippets type-check and run', () => {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-snippets.ts'], { cwd: root, encoding: 'utf8', env });
  const output = `${r.stdout}${r.stderr}`;
  assert.equal(r.status, 0, output);
  const summary = /snippets: (\d+) checked/.exec(output);
  assert.ok(summary && Number(summary[1]) > 0, output);
  process.stdout.write(`# ${output.trim().split('\n').pop()}\n`);
});
