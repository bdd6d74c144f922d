import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { renderScenario, ruleScore } from '../../src/demo/format.js';
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
