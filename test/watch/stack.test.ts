import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HEARTBEAT_NAME, locate, parseStack, placeOf, withPlainNames } from '../../src/watch/stack.js';
import type { RawCapture, StackFrame } from '../../src/watch/types.js';

const execStack = [
  'Error',
  '    at eval (eval at checkExecSyncError (node:child_process:1:1), <anonymous>:5:30)',
  '    at eval (eval at checkExecSyncError (node:child_process:1:1), <anonymous>:7:5)',
  '    at checkExecSyncError (node:child_process:882:7)',
  '    at execSync (node:child_process:963:15)',
  '    at Timeout.waitForChild (/app/src/jobs.ts:5:3)',
  '    at listOnTimeout (node:internal/timers:581:17)',
  '    at process.processTimers (node:internal/timers:519:7)',
].join('\n');

const capture = (stack: string | null, frames: StackFrame[] = [], pauseDelayMs = 1): RawCapture => ({ beat: 1, stack, frames, task: null, pauseDelayMs, running: 0, sleeping: 0 });

describe('parseStack', () => {
  const cases: Array<[string, string, StackFrame[]]> = [
    ['skips the watchdog’s own eval frames, keeps node: frames', execStack, [
      { functionName: 'checkExecSyncError', file: 'node:child_process', line: 882, column: 7 },
      { functionName: 'execSync', file: 'node:child_process', line: 963, column: 15 },
      { functionName: 'Timeout.waitForChild', file: '/app/src/jobs.ts', line: 5, column: 3 },
      { functionName: 'listOnTimeout', file: 'node:internal/timers', line: 581, column: 17 },
      { functionName: 'process.processTimers', file: 'node:internal/timers', line: 519, column: 7 },
    ]],
    ['file: URLs become paths; anonymous frames have no name', 'Error\n    at file:///app/a.mjs:3:9\n    at async run (file:///app/b.mjs:1:2)', [
      { functionName: '', file: '/app/a.mjs', line: 3, column: 9 },
      { functionName: 'run', file: '/app/b.mjs', line: 1, column: 2 },
    ]],
    ['a custom prepareStackTrace format yields nothing', 'Error: boom\n  -> somewhere', []],
  ];
  for (const [name, stack, expected] of cases) test(name, () => assert.deepEqual(parseStack(stack), expected));
});

describe('locate', () => {
  test('blames the first frame that is not Node’s own, via the built-in it was in', () => {
    const where = locate(capture(execStack));
    assert.equal(where.captured, true);
    assert.equal(where.top?.functionName, 'Timeout.waitForChild');
    assert.equal(where.via, 'execSync');
    assert.equal(placeOf(where.top), 'Timeout.waitForChild (/app/src/jobs.ts:5)');
  });
  test('prefers the debugger’s plain function names where they match', () => {
    const debuggerFrames: StackFrame[] = [
      { functionName: 'checkExecSyncError', file: 'node:child_process', line: 882, column: 7 },
      { functionName: 'execSync', file: 'node:child_process', line: 963, column: 15 },
      { functionName: 'waitForChild', file: 'file:///app/src/jobs.ts', line: 2, column: 394 },
    ];
    const where = locate(capture(execStack, debuggerFrames));
    assert.equal(where.top?.functionName, 'waitForChild');
    assert.equal(where.top?.line, 5, 'positions stay the (source-mapped) stack’s');
  });
  test('falls back to the debugger’s frames when the stack cannot be parsed', () => {
    const frames: StackFrame[] = [{ functionName: 'hash', file: '/app/h.js', line: 9, column: 1 }];
    assert.equal(locate(capture(null, frames)).top?.functionName, 'hash');
  });
  test('a pause that landed in the heartbeat is not blamed on anyone', () => {
    const stack = `Error\n    at Timeout.${HEARTBEAT_NAME} (/x/watch.js:1:1)\n    at listOnTimeout (node:internal/timers:581:17)`;
    const where = locate(capture(stack));
    assert.equal(where.captured, false);
    assert.equal(placeOf(where.top), 'unknown');
  });
  test('no capture at all → unknown', () => assert.equal(locate(undefined).captured, false));
  test('withPlainNames leaves unrelated names alone', () => {
    const parsed: StackFrame[] = [{ functionName: 'Foo.bar', file: '/a', line: 1, column: 1 }];
    assert.equal(withPlainNames(parsed, [{ functionName: 'baz', file: '', line: 1, column: 1 }])[0]?.functionName, 'Foo.bar');
  });
});
