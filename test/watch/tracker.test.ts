import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BlockTracker } from '../../src/watch/tracker.js';
import { parseThreshold } from '../../src/watch/threshold.js';
import { InvalidOptionError, OptionRangeError } from '../../src/errors.js';

describe('BlockTracker', () => {
  test('counts repeats by place and sums the summary', () => {
    const t = new BlockTracker();
    assert.equal(t.add({ place: 'a (x.js:1)', durationMs: 120 }), 1);
    assert.equal(t.add({ place: 'b (y.js:2)', durationMs: 500 }), 1);
    assert.equal(t.add({ place: 'a (x.js:1)', durationMs: 150 }), 2);
    assert.deepEqual(t.summary(), {
      type: 'summary',
      blocks: 3,
      totalBlockedMs: 770,
      longest: { place: 'b (y.js:2)', durationMs: 500 },
      places: [
        { place: 'b (y.js:2)', count: 1, totalMs: 500, longestMs: 500 },
        { place: 'a (x.js:1)', count: 2, totalMs: 270, longestMs: 150 },
      ],
      advice: [],
    });
  });
  test('empty summary', () => assert.deepEqual(new BlockTracker().summary(), { type: 'summary', blocks: 0, totalBlockedMs: 0, longest: null, places: [], advice: [] }));
});

describe('parseThreshold', () => {
  const ok: Array<[unknown, number]> = [[undefined, 100], [250, 250], ['250', 250], ['50ms', 50], ['0.5s', 500], [' 20 ms ', 20]];
  for (const [input, ms] of ok) test(`${JSON.stringify(input)} → ${ms}`, () => assert.equal(parseThreshold(input), ms));
  const bad: Array<[unknown, new (...a: any[]) => Error]> = [['fast', InvalidOptionError], [true, InvalidOptionError], [5, OptionRangeError], ['1ms', OptionRangeError], [Number.NaN, OptionRangeError]];
  for (const [input, cls] of bad) test(`${String(input)} is rejected`, () => assert.throws(() => parseThreshold(input), cls));
});
