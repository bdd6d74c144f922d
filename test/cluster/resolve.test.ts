// The worker's module policy as a pure function: table tests, no Redis needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveJobModule } from '../../src/cluster/resolve.js';
import { resolveConnection } from '../../src/cluster/connection.js';
import { repoRoot } from './harness.js';

test('resolveJobModule: only files under the real root, and allowed packages', () => {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'boundwise-resolve-')));
  try {
    const root = join(base, 'root');
    mkdirSync(join(root, 'sub'), { recursive: true });
    mkdirSync(join(base, 'outside'));
    writeFileSync(join(root, 'tasks.mjs'), 'export function f() {}\n');
    writeFileSync(join(root, 'sub', 'deep.ts'), 'export function g() {}\n');
    writeFileSync(join(root, 'notes.txt'), 'x');
    writeFileSync(join(base, 'outside', 'evil.mjs'), 'export function f() {}\n');
    symlinkSync(join(base, 'outside', 'evil.mjs'), join(root, 'link.mjs'));
    symlinkSync(join(root, 'tasks.mjs'), join(root, 'inner-link.mjs'));
    const policy = { root, allowPackages: ['typescript'] };
    const ok = (m: string, file: string) => assert.deepEqual(resolveJobModule(m, policy), { ok: true, href: pathToFileURL(file).href }, m);
    const refused = (m: unknown, why: RegExp) => {
      const r = resolveJobModule(m, policy);
      assert.equal(r.ok, false, String(m));
      assert.match((r as { reason: string }).reason, why, String(m));
    };
    ok('tasks.mjs', join(root, 'tasks.mjs'));
    ok('sub/deep.ts', join(root, 'sub', 'deep.ts'));
    ok('inner-link.mjs', join(root, 'tasks.mjs'));
    refused('../outside/evil.mjs', /"\.\."/);
    refused('sub/../tasks.mjs', /"\.\."/);
    refused('./tasks.mjs', /"\."/);
    refused(join(base, 'outside', 'evil.mjs'), /absolute/);
    refused('link.mjs', /outside --root/);
    refused('node:child_process', /URLs/);
    refused('child_process', /built-in/);
    refused('fs', /built-in/);
    refused('data:text/javascript,export function f(){}', /URLs/);
    refused(pathToFileURL(join(root, 'tasks.mjs')).href, /URLs/);
    refused('http://127.0.0.1/evil.mjs', /URLs/);
    refused('notes.txt', /only \.js/);
    refused('missing.mjs', /no such file/);
    refused('sub\\..\\..\\outside\\evil.mjs', /backslash/);
    refused('tasks.mjs\0', /NUL/);
    refused(42, /missing/);
    refused('package:left-pad', /not allowed/);
    refused('package:node:fs', /not a package/);
    refused('package:typescript/../../etc', /not a package/);
    const allowed = resolveJobModule('package:typescript', { root: repoRoot.replace(/\/$/, ''), allowPackages: ['typescript'] });
    assert.equal(allowed.ok, true);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('connection: the password never shows in the label', () => {
  assert.equal(resolveConnection('t', 'redis://:s3cret@10.0.0.5:6380/2').label, 'redis://:***@10.0.0.5:6380/2');
  assert.equal(resolveConnection('t', 'rediss://app:s3cret@cache.example').label, 'rediss://app:***@cache.example:6379');
  const o = resolveConnection('t', { host: 'h', password: 'pw', username: 'u', tls: true });
  assert.equal(o.label, 'rediss://u:***@h:6379');
  assert.equal(o.password, 'pw');
  assert.deepEqual(o.tls, {});
  assert.throws(() => resolveConnection('t', 'http://:s3cret@x'), (e: Error) => !e.message.includes('s3cret'));
  assert.throws(() => resolveConnection('t', 'not a url :s3cret@'), (e: Error) => !e.message.includes('s3cret'));
});
