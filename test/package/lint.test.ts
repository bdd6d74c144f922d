/**
 * The package as published: publint (package.json fields, exports, files) and
 * arethetypeswrong (types resolve for every entry) on the packed tarball. The
 * profile is esm-only: boundwise is ESM-only (package.json "type": "module",
 * import conditions only), which README says; CommonJS callers use import().
 * Packs once with --ignore-scripts: npm test has built dist/ already.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

test('publint and attw (esm-only) pass on the packed package', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'boundwise-pack-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: root, encoding: 'utf8' });
  assert.equal(pack.status, 0, pack.stderr);
  const tarball = join(dir, pack.stdout.trim().split('\n').pop()!);

  const publint = spawnSync(bin('publint'), ['run', tarball, '--strict'], { cwd: root, encoding: 'utf8' });
  assert.equal(publint.status, 0, `${publint.stdout}${publint.stderr}`);
  assert.match(publint.stdout, /All good/);

  const attw = spawnSync(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'ascii'], { cwd: root, encoding: 'utf8' });
  assert.equal(attw.status, 0, `${attw.stdout}${attw.stderr}`);
});
