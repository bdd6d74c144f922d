// `boundwise classify` as users run it: exit codes, messages, --json, --pid.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runClassify } from './run-cli.js';

const emptyDir = mkdtempSync(join(tmpdir(), 'no-proc-'));
after(() => rmSync(emptyDir, { recursive: true, force: true }));

describe('bad inputs', () => {
  test('a command that does not exist: clear message, exit 127', async () => {
    const r = await runClassify(['--', 'no-such-command-boundwise-xyz', '--flag']);
    assert.equal(r.code, 127);
    assert.match(r.stderr, /command not found: no-such-command-boundwise-xyz/);
    assert.equal(r.stdout, '');
  });

  test('a PID that does not exist: usage error, exit 2', async () => {
    const r = await runClassify(['--pid', '999999999']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no process with PID 999999999/);
  });

  test('a PID that is not a number: exit 2', async () => {
    const r = await runClassify(['--pid', 'abc']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad --pid "abc"/);
  });

  test('a bad --duration: exit 2, naming the value', async () => {
    const r = await runClassify(['--pid', String(process.pid), '--duration', 'soon']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--duration: expected a duration such as 100 \(milliseconds\), 250ms, 1\.5s or 2m, got "soon"/);
  });

  test('a bad --interval: exit 2, naming the value', async () => {
    const r = await runClassify(['--interval', '1h', '--', 'true']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--interval: expected a duration such as .*, got "1h"/);
  });

  test('a command without --: exit 2, says --', async () => {
    const r = await runClassify(['python3', 'app.py']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /missing -- before the command "python3 app\.py"/);
  });

  test('neither -- nor --pid: exit 2', async () => {
    const r = await runClassify([]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /missing -- and a command to run/);
  });

  test('an unknown --lang: exit 2', async () => {
    const r = await runClassify(['--lang', 'cobol', '--', 'true']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad --lang "cobol"/);
  });

  test('no /proc: says it needs Linux, runs nothing', async () => {
    const r = await runClassify(['--', 'sh', '-c', 'echo ran'], { BOUNDWISE_PROC_ROOT: emptyDir });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /needs Linux/);
    assert.doesNotMatch(r.stdout + r.stderr, /ran/);
  });
});

describe('running a command', () => {
  test("passes the program's exit code through", async () => {
    const r = await runClassify(['--', 'sh', '-c', 'exit 3']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /exited with code 3/);
    assert.match(r.stderr, /verdict: /);
  });

  test('a program killed by a signal: exit 128 + signal', async () => {
    const r = await runClassify(['--', 'sh', '-c', 'kill -TERM $$']);
    assert.equal(r.code, 128 + 15);
    assert.match(r.stderr, /killed by SIGTERM/);
  });

  test("human mode: the program's stdout stays on stdout, the report goes to stderr", async () => {
    const r = await runClassify(['--', 'sh', '-c', 'echo program-output']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'program-output\n');
    assert.match(r.stderr, /cores used over time/);
    assert.match(r.stderr, /recommendation \(any language, detected from default\)/);
  });

  test("--json: stdout is the JSON report alone, the program's stdout goes to stderr", async () => {
    const r = await runClassify(['--json', '--lang', 'python', '--', 'sh', '-c', 'echo program-output']);
    assert.equal(r.code, 0);
    const report = JSON.parse(r.stdout) as { verdict: { kind: string }; language: string; languageSource: string; exit: { code: number }; figures: { wallMs: number } };
    assert.equal(report.exit.code, 0);
    assert.equal(report.language, 'python');
    assert.equal(report.languageSource, '--lang');
    assert.equal(typeof report.verdict.kind, 'string');
    assert.ok(report.figures.wallMs > 0);
    assert.match(r.stderr, /program-output/);
  });
});

describe('--pid', () => {
  test('watches a running process for --duration and reports it waiting', async () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const r = await runClassify(['--json', '--pid', String(sleeper.pid), '--duration', '600ms', '--interval', '50ms']);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as { mode: string; pid: number; verdict: { kind: string }; series: unknown[]; command: string[] };
      assert.equal(report.mode, 'attach');
      assert.equal(report.pid, sleeper.pid);
      assert.deepEqual(report.command, ['sleep', '30']);
      assert.equal(report.verdict.kind, 'waiting');
      assert.ok(report.series.length >= 3);
    } finally {
      sleeper.kill();
    }
  });

  test('stops when the watched process exits', async () => {
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    // End the process once the command says it is watching: the command must notice and report.
    const r = await runClassify(['--pid', String(sleeper.pid), '--duration', '1m'], {}, (stderr) => {
      if (stderr.includes('watching pid')) sleeper.kill();
    });
    sleeper.kill();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`watching pid ${sleeper.pid} \\(sleep 60\\) for 60 s`));
    assert.match(r.stderr, /exited while watched/);
    assert.match(r.stderr, /verdict: waiting/);
  });
});
