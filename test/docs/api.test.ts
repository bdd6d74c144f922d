/**
 * Every export documented (scripts/check-api-docs.ts): typedoc's validation
 * (notDocumented, notExported, invalidLink) reports nothing — any undocumented
 * export fails npm test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('every export has a TSDoc comment (typedoc validation reports nothing)', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-api-docs.ts'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  process.stdout.write(`# ${r.stdout.trim().split('\n').pop()}\n`);
});
