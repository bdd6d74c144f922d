import { test } from 'node:test';
import assert from 'node:assert/strict';
import { durationError, parseDurationText, toMs } from '../../src/format/duration.js';
import { durationFlag, UsageError, unknownFlags } from '../../src/cli/usage.js';
import { parseThreshold } from '../../src/watch/threshold.js';

test('one duration rule: ms, s, m; a bare number is milliseconds', () => {
  const cases: Array<[string, number | undefined]> = [
    ['100', 100],
    ['100ms', 100],
    ['0.5s', 500],
    ['1.5s', 1_500],
    ['2m', 120_000],
    [' 250 ms ', 250],
    ['1S', 1_000],
    ['.5s', 500],
    ['1h', undefined],
    ['1m30s', undefined],
    ['soon', undefined],
    ['-5', undefined],
    ['', undefined],
  ];
  for (const [text, ms] of cases) assert.equal(parseDurationText(text), ms, text);
  assert.equal(toMs('timeout', 20), 20);
  assert.throws(() => toMs('timeout', 'x'), { message: durationError('timeout', 'x') });
});

test('the CLI and watch() give the same message for a bad duration', () => {
  assert.throws(() => durationFlag('--interval', '1h', 100), (e: unknown) => e instanceof UsageError && e.message === durationError('--interval', '1h'));
  assert.throws(() => parseThreshold('1h', 'threshold'), { message: durationError('threshold', '1h') });
  assert.equal(durationFlag('--interval', 100, 5), 100); // cac hands a bare number over as a number
  assert.equal(durationFlag('--interval', '1m', 5), 60_000);
  assert.equal(parseThreshold('1m'), 60_000);
  assert.equal(parseThreshold(100), 100);
  assert.throws(() => durationFlag('--threshold', '5ms', 100, { min: 10 }), /--threshold: must be at least 10 ms, got 5ms/);
});

test('unknownFlags: the flags before -- that a command does not declare', () => {
  const declared = new Set(['--json', '--interval', '-h', '--help']);
  assert.deepEqual(unknownFlags(['--json', '--interval', '5', '--bogus', '--', '--program-flag'], declared), ['--bogus']);
  assert.deepEqual(unknownFlags(['--json=x.json', '--no-json', '-hx', '-', '-5'], declared), ['-x']);
});
