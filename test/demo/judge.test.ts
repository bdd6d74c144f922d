import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { byResponsiveness, byWallTime, calculatesRule, GOOD_WITHIN, mark, waitsRule } from '../../src/demo/judge.js';

describe('rule-of-thumb marks', () => {
  test('the rule is right when what it says matches what was measured', () => {
    const cases = [
      ['use', 'good', true],
      ['use', 'bad', false],
      ['avoid', 'good', false],
      ['avoid', 'bad', true],
    ] as const;
    for (const [says, measured, right] of cases) assert.deepEqual(mark(says, measured), { says, measured, right });
  });

  test('good by wall time: within GOOD_WITHIN of the best, boundary included', () => {
    assert.equal(byWallTime(100, 100), 'good');
    assert.equal(byWallTime(100 * GOOD_WITHIN, 100), 'good');
    assert.equal(byWallTime(100 * GOOD_WITHIN + 0.01, 100), 'bad');
    assert.equal(byWallTime(250, 100, 3), 'good');
  });

  test('good by responsiveness: the longest gap stays under the limit', () => {
    assert.equal(byResponsiveness(50, 50), 'good');
    assert.equal(byResponsiveness(51, 50), 'bad');
  });

  test('what the guides say per model', () => {
    const table = [
      ['loop()', 'use', 'avoid'],
      ['threads()', 'use', 'avoid'],
      ['processes()', 'avoid', 'use'],
      ['processes(), chunkSize 500', 'avoid', 'use'],
      ['sequential', 'avoid', 'avoid'],
    ] as const;
    for (const [model, waits, calculates] of table) {
      assert.equal(waitsRule(model), waits, model);
      assert.equal(calculatesRule(model), calculates, model);
    }
  });
});
