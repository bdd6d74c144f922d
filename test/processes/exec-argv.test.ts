/**
 * processes() children inherit the parent's Node flags except those that name a
 * program to run or open a port. The pure rule is table-tested; then a real
 * parent started with `node -e` uses processes() and must run its script once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inheritableExecArgv } from '../../src/processes/exec-argv.js';

const cases: Array<[string[], string[]]> = [
  // programs to run: the flag and its value go
  [['-e', 'code'], []],
  [['--eval', 'code'], []],
  [['--eval=code'], []],
  [['-p', '1+1'], []],
  [['--print', '1+1'], []],
  [['-pe', '1+1'], []],
  [['--run', 'build'], []],
  [['--input-type', 'module', '--input-type=commonjs'], []],
  [['-c'], []],
  [['--check'], []],
  [['-i'], []],
  [['--interactive'], []],
  // test runner and watch mode
  [['--test'], []],
  [['--test-only', '--test-reporter', 'spec', '--test-concurrency=2'], []],
  [['--test-name-pattern', 'x', '--test-timeout', '100'], []],
  [['--watch'], []],
  [['--watch-path', 'src', '--watch-preserve-output'], []],
  // debuggers on a port
  [['--inspect'], []],
  [['--inspect=0'], []],
  [['--inspect-brk=127.0.0.1:9230'], []],
  [['--inspect-wait'], []],
  [['--inspect-port', '9231'], []],
  [['--debug-port=9232'], []],
  // loaders, preloads and the rest pass through, in order
  [['--import', 'tsx'], ['--import', 'tsx']],
  [['--import=tsx', '--require', './setup.cjs', '-r', 'x'], ['--import=tsx', '--require', './setup.cjs', '-r', 'x']],
  [['--loader', 'ts-node/esm', '--experimental-loader=x'], ['--loader', 'ts-node/esm', '--experimental-loader=x']],
  [['--experimental-strip-types', '--no-warnings'], ['--experimental-strip-types', '--no-warnings']],
  [['--max-old-space-size=64', '--enable-source-maps'], ['--max-old-space-size=64', '--enable-source-maps']],
  [['--env-file=.env', '--conditions', 'dev'], ['--env-file=.env', '--conditions', 'dev']],
  // mixed: only the dropped ones go
  [
    ['--import', 'tsx', '--inspect=0', '--input-type=module', '-e', 'code', '--enable-source-maps'],
    ['--import', 'tsx', '--enable-source-maps'],
  ],
];

for (const [given, kept] of cases) {
  test(`inheritableExecArgv ${JSON.stringify(given)} → ${JSON.stringify(kept)}`, () => {
    assert.deepEqual(inheritableExecArgv(given), kept);
  });
}

test('a parent started with node -e runs its script once, not once more in every child', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'boundwise-eval-'));
  const marker = join(dir, 'runs.log');
  const pool = new URL('../../src/processes/index.ts', import.meta.url).href;
  const fixtures = new URL('../fixtures/tasks.ts', import.meta.url).href;
  // A child that re-ran this script would append to the marker; the depth guard keeps
  // such a child from starting a pool of its own (a fork bomb) while the bug is present.
  const script = `
    import { appendFileSync } from 'node:fs';
    appendFileSync(${JSON.stringify(marker)}, 'run\\n');
    if (process.env.BOUNDWISE_EVAL_DEPTH) process.exit(0);
    process.env.BOUNDWISE_EVAL_DEPTH = '1';
    const { processes, tasks } = await import(${JSON.stringify(pool)});
    const t = tasks(${JSON.stringify(fixtures)});
    const p = processes({ max: 2 });
    const out = await Promise.all([p.run(t.double, 1), p.run(t.double, 2), p.run(t.double, 3)]);
    await p.close();
    console.log(JSON.stringify(out));
  `;
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    // A safety net, not a timing assertion.
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(killer);
    const runs = readFileSync(marker, 'utf8').split('\n').filter(Boolean).length;
    assert.equal(runs, 1, `the -e script ran ${runs} times (children re-ran it)`);
    assert.equal(code, 0, err);
    assert.deepEqual(JSON.parse(out), [2, 4, 6]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
