import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fmtMs, fmtSpeedup, renderScenario, ruleScore, table } from '../../src/demo/format.js';
import { bar, progress } from '../../src/demo/progress.js';
import { parseDemoArgs } from '../../src/demo/main.js';
import type { ScenarioResult } from '../../src/demo/types.js';

const result: ScenarioResult = {
  id: 'x',
  title: 'Example',
  workload: '3 things',
  rule: 'waits → async or threads',
  columns: [{ key: 'gap', label: 'longest gap' }],
  rows: [
    { model: 'sequential', wallMs: 1500, cpuMs: 20, cpuScope: 'process', peakRssMb: 80.4, addedRssMb: 1, speedup: 1, metrics: { gap: '12 ms' }, rule: null },
    { model: 'loop()', wallMs: 50, cpuMs: 5.25, cpuScope: 'process', peakRssMb: 81, addedRssMb: 2, speedup: 30, metrics: {}, rule: { says: 'use', measured: 'good', right: true } },
    { model: 'processes()', wallMs: 900, cpuMs: 700, cpuScope: 'process+children', peakRssMb: 200, addedRssMb: 120, speedup: 1.6667, metrics: { gap: '9 ms' }, rule: { says: 'avoid', measured: 'good', right: false } },
  ],
  auto: { model: 'loop', behaviour: 'waiting-async', reason: 'loop — waits' },
  checks: [{ name: 'all answered', ok: true }],
  notes: ['a note'],
};

describe('demo formatting', () => {
  test('numbers', () => {
    assert.equal(fmtMs(5.25), '5.3 ms');
    assert.equal(fmtMs(50), '50 ms');
    assert.equal(fmtMs(1500), '1.50 s');
    assert.equal(fmtMs(12_345), '12.3 s');
    assert.equal(fmtSpeedup(null), '—');
    assert.equal(fmtSpeedup(1.6667), '1.67×');
    assert.equal(fmtSpeedup(30), '30×');
  });

  test('tables pad every column to its widest cell; numbers align right', () => {
    const t = table(['a', 'num'], [['long text', '1'], ['x', '100']], [false, true]).split('\n');
    assert.equal(t[0], 'a          num');
    assert.equal(t[2], 'long text    1');
    assert.equal(t[3], 'x          100');
  });

  test('a scenario renders its rows, extra columns, marks, auto() line, checks and notes', () => {
    const text = renderScenario(result, 2);
    assert.match(text, /^2\. Example — 3 things/);
    assert.match(text, /longest gap/);
    assert.match(text, /loop\(\) .* use: right ✓/);
    assert.match(text, /200 MB \(\+120\)/);
    assert.match(text, /processes\(\) .* avoid: wrong ✗/);
    assert.match(text, /auto\(\) chose loop \(waiting-async\): loop — waits/);
    assert.match(text, /checks: all answered — all passed/);
    assert.match(text, /· a note/);
    assert.match(renderScenario({ ...result, checks: [{ name: 'bad', ok: false }] }), /CHECKS FAILED: bad/);
  });

  test('the rule-of-thumb score counts marked rows only', () => {
    assert.deepEqual(ruleScore([result, result]), { right: 2, wrong: 2 });
  });

  test('progress: plain lines off a terminal, a redrawn bar on one', () => {
    let plain = '';
    const p = progress(2, { isTTY: false, write: (s) => (plain += s) });
    p.step('a');
    p.step('b');
    p.done();
    assert.equal(plain, 'demo [1/2] a\ndemo [2/2] b\n');
    let tty = '';
    const q = progress(4, { isTTY: true, columns: 80, write: (s) => (tty += s) });
    q.step('one');
    q.step('two');
    q.done();
    const ESC = String.fromCharCode(27);
    assert.ok(tty.startsWith(`\r${ESC}[2Kdemo ░`), 'clears the line and draws the bar');
    assert.match(tty, /demo ░+ 0\/4/);
    assert.match(tty, /demo ██████░+ 1\/4 \d+s {2}two/);
    assert.equal(bar(0.5, 4), '██░░');
  });

  test('demo arguments', () => {
    assert.deepEqual(parseDemoArgs([]), {});
    assert.deepEqual(parseDemoArgs(['--quick', '--json']), { quick: true, json: true });
    assert.deepEqual(parseDemoArgs(['--json=out.json', '--only=cpu,tiny']), { json: 'out.json', only: ['cpu', 'tiny'] });
    assert.match((parseDemoArgs(['--only=nope']) as { error: string }).error, /unknown scenario nope/);
    assert.match((parseDemoArgs(['--fast']) as { error: string }).error, /unknown argument --fast/);
  });
});

test('a skipped scenario says so, why, and the command that enables it: no empty table, no "all passed"', () => {
  const r: ScenarioResult = {
    id: 'sqlite', title: 'A blocking database driver', workload: 'skipped', rule: 'a blocking library → threads', columns: [], rows: [], auto: null,
    checks: [], notes: [], skipped: { reason: 'it needs a synchronous SQLite driver', enable: 'npm install --no-save better-sqlite3' },
  };
  const text = renderScenario(r, 3);
  assert.equal(text, '3. A blocking database driver — SKIPPED: it needs a synchronous SQLite driver.\nTo run it: npm install --no-save better-sqlite3');
  assert.doesNotMatch(text, /all passed|model/);
});
