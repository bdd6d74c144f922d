/**
 * scripts/test.mjs, the suite's runner: a file whose tests pass but whose process stays alive is
 * named, killed and fails the run; a file that hangs is killed with its whole process group; a
 * clean file passes. Fixtures in test/fixtures/runner (not *.test.ts, so the suite skips them).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string) => `test/fixtures/runner/${name}`;

function runner(files: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/test.mjs', ...files], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** Alive, and not a zombie waiting to be reaped by whoever inherited it. */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

test('a file that passes but keeps a listener open is named, killed, and fails the run; a clean file passes', async () => {
  // The leak grace is short here only to keep the test quick: the leaking file never closes its
  // server, so it is reported however long the grace is.
  const { code, out } = await runner([fixture('leaks.mjs'), fixture('clean.mjs')], { BOUNDWISE_TEST_LEAK_GRACE_MS: '300' });
  assert.equal(code, 1, out);
  assert.match(out, /━━━ test\/fixtures\/runner\/leaks\.mjs — LEAKED/);
  assert.match(out, /\[test watchdog\] .*leaks\.mjs: every test has finished, but the process is still alive/);
  assert.match(out, /a server listening on \{ address: '127\.0\.0\.1'/);
  assert.match(out, /━━━ test\/fixtures\/runner\/clean\.mjs — ok/);
  assert.match(out, /2 files: 1 ok, 1 not/);
  assert.match(out, /LEAKED: test\/fixtures\/runner\/leaks\.mjs/);
});

test('a file that hangs is killed with its whole process group', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bw-runner-'));
  const pidFile = join(dir, 'pid');
  try {
    // A hang lasts forever, so the verdict does not depend on how long the limit is.
    const { code, out } = await runner([fixture('hangs.mjs')], { BOUNDWISE_TEST_FILE_TIMEOUT_MS: '5000', HANGS_PID_FILE: pidFile });
    assert.equal(code, 1, out);
    assert.match(out, /━━━ test\/fixtures\/runner\/hangs\.mjs — TIMED OUT/);
    assert.match(out, /its process group was killed/);
    // On a very loaded machine the file may be killed before its test even started its child.
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8'));
      // A SIGKILLed process may take a moment to be scheduled and die: polled, bounded.
      for (let i = 0; i < 200 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(alive(pid), false, `the file's own child ${pid} was killed with it`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
