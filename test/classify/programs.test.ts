// Real Python 3 and Node programs (about a second each) classified by the real CLI.
// They run one after another; the verdicts, not the numbers, are asserted, and the
// thresholds leave room for another test file running beside this one on 2 cores.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fixture, runClassify } from './run-cli.js';

/** The real interpreter, not a version-manager shim (pyenv's adds ~100 ms of shell start-up CPU). */
function findPython(): string | undefined {
  try {
    return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}
const python = findPython();

interface Report {
  verdict: { kind: string; summary: string; parallelCores?: number; waitsIn?: string; reasons: string[] };
  language: string;
  recommendation: string[];
  exit: { code: number | null };
}

async function classifyProgram(command: string[]): Promise<Report> {
  const r = await runClassify(['--json', '--', ...command]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Report;
}

function expectVerdict(report: Report, kind: string): void {
  assert.equal(report.verdict.kind, kind, `${report.verdict.summary}\n${report.verdict.reasons.join('\n')}`);
}

describe('Python programs', { skip: python === undefined && 'python3 not installed' }, () => {
  const py = (name: string) => classifyProgram([python!, fixture(name)]);

  test('a sleep loop is waiting, blocked in one thread', async () => {
    const r = await py('sleep_loop.py');
    expectVerdict(r, 'waiting');
    assert.equal(r.verdict.waitsIn, 'one-thread', r.verdict.reasons.join('\n'));
    assert.equal(r.language, 'python');
    assert.match(r.recommendation.join('\n'), /asyncio/);
  });

  test('asyncio with many concurrent sleeps is waiting, on an event loop, and is not told to use asyncio', async () => {
    const r = await py('asyncio_sleeps.py');
    expectVerdict(r, 'waiting');
    assert.equal(r.verdict.waitsIn, 'event-loop', r.verdict.reasons.join('\n'));
    assert.doesNotMatch(r.recommendation.join('\n'), /use asyncio/);
  });

  test('threads doing blocking sleeps are waiting, in threads, and are not told to use threads', async () => {
    const r = await py('blocking_threads.py');
    expectVerdict(r, 'waiting');
    assert.equal(r.verdict.waitsIn, 'threads', r.verdict.reasons.join('\n'));
    assert.doesNotMatch(r.recommendation.join('\n'), /run those calls in threads/);
  });

  test('a busy loop calculates on one core', async () => {
    const r = await py('busy_loop.py');
    expectVerdict(r, 'calculating-one-core');
    assert.match(r.recommendation.join('\n'), /ProcessPoolExecutor/);
  });

  test('four CPU-bound threads are lock-bound (the GIL)', async () => {
    const r = await py('gil_threads.py');
    expectVerdict(r, 'lock-bound');
    assert.match(r.recommendation.join('\n'), /multiprocessing/);
  });

  test('multiprocessing.Pool(2) doing CPU work is parallel on 2 cores', async () => {
    const r = await py('pool2.py');
    expectVerdict(r, 'calculating-parallel');
    assert.equal(r.verdict.parallelCores, 2);
  });
});

describe('Node programs', () => {
  test('a busy loop calculates on one core', async () => {
    const r = await classifyProgram([process.execPath, fixture('busy_loop.mjs')]);
    expectVerdict(r, 'calculating-one-core');
    assert.equal(r.language, 'node');
    assert.match(r.recommendation.join('\n'), /threads\(\)/);
  });

  test('two busy worker threads are parallel on 2 cores', async () => {
    const r = await classifyProgram([process.execPath, fixture('two_workers.mjs')]);
    expectVerdict(r, 'calculating-parallel');
    assert.equal(r.verdict.parallelCores, 2);
  });
});
