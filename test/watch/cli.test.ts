// `boundwise watch -- node app.js`: JSON on stdout, exit codes and signals passed through.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { constants } from 'node:os';
import type { BlockReport, WatchSummary } from '../../src/watch/types.js';
import { cliTs, fixture, run } from './helpers.js';

const cli = (args: string[]) => run(['--import', 'tsx', cliTs, 'watch', ...args]);

describe('boundwise watch', () => {
  test('--json: one line per block, then the summary, field by field', async () => {
    const ran = await cli(['--json', '--threshold', '80ms', '--', process.execPath, fixture('exec.mjs')]);
    assert.equal(ran.code, 0);
    const lines = ran.stdout.split('\n').filter(Boolean);
    assert.deepEqual(lines.filter((l) => !l.startsWith('{')), ['exec done'], 'the program’s stdout passes through');
    const records = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as BlockReport | WatchSummary);
    const summary = records.at(-1) as WatchSummary;
    const blocks = records.slice(0, -1) as BlockReport[];
    const mine = blocks.filter((b) => b.file === fixture('exec.mjs'));
    assert.equal(mine.length, 1);
    const b = mine[0]!;
    assert.equal(b.type, 'block');
    assert.equal(b.thresholdMs, 80);
    assert.ok(b.durationMs >= 80, `duration ${b.durationMs} ≥ threshold`);
    assert.equal(b.functionName, 'waitForChild');
    assert.equal(b.line, 5);
    assert.equal(b.via, 'execSync');
    assert.equal(b.captured, true);
    assert.equal(b.count, 1);
    assert.equal(summary.type, 'summary');
    assert.equal(summary.blocks, blocks.length);
    const place = summary.places.find((p) => p.place === b.place);
    assert.deepEqual(place, { place: b.place, count: 1, totalMs: b.durationMs, longestMs: b.durationMs });
    assert.ok(summary.totalBlockedMs >= b.durationMs);
    assert.ok(summary.longest && summary.longest.durationMs >= b.durationMs);
  });

  test('human mode: reports and summary on stderr, program output untouched', async () => {
    const ran = await cli(['--', process.execPath, fixture('busy.mjs')]);
    assert.equal(ran.code, 0);
    assert.equal(ran.stdout, 'busy done\n');
    assert.match(ran.stderr, /in spinFor \(.*busy\.mjs:5\)/);
    assert.match(ran.stderr, /blocked in total/);
  });

  test('no block: no output of ours', async () => {
    // 1 s: module loading under tsx on a busy machine can block > 100 ms, and would rightly be reported.
    const ran = await cli(['--threshold', '1s', '--', process.execPath, fixture('quiet.mjs')]);
    assert.equal(ran.code, 0);
    assert.equal(ran.stdout, 'quiet done\n');
    assert.equal(ran.stderr, '');
  });

  test('exit code and signal come back (128 + signal)', async () => {
    assert.equal((await cli(['--threshold', '1s', '--', process.execPath, fixture('quiet.mjs'), '3'])).code, 3);
    assert.equal((await cli(['--threshold', '1s', '--', process.execPath, fixture('quiet.mjs'), 'SIGTERM'])).code, 128 + constants.signals.SIGTERM);
  });

  test('usage errors exit 2', async () => {
    assert.equal((await cli([])).code, 2);
    const bad = await cli(['--threshold', 'soon', '--', process.execPath, fixture('quiet.mjs')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--threshold/);
  });
});
