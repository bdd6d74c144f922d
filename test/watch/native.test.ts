/**
 * Issue 14 item 15: a pure-JavaScript busy loop is CPU work on the event loop, never "a native call
 * that held the thread" — however slowly the pause landed on a loaded machine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heldByNativeCall, slowPauseMs, stateOf } from '../../src/watch/native.js';
import { adviceFor } from '../../src/watch/watch.js';

test('heldByNativeCall: the scheduler state decides once the pause was slow (table)', () => {
  const threshold = 100;
  const cases: Array<[string, { pauseDelayMs: number; running: number; sleeping: number }, boolean]> = [
    ['a prompt pause is running JavaScript', { pauseDelayMs: 3, running: 0, sleeping: 9 }, false],
    ['a slow pause of a runnable thread: a busy loop on a loaded machine', { pauseDelayMs: 180, running: 40, sleeping: 0 }, false],
    ['mostly runnable, a few sleeps (preempted, page faults)', { pauseDelayMs: 90, running: 30, sleeping: 4 }, false],
    ['a slow pause of a sleeping thread: execSync, Atomics.wait', { pauseDelayMs: 280, running: 1, sleeping: 70 }, true],
    ['no /proc (not Linux): the delay alone', { pauseDelayMs: 280, running: 0, sleeping: 0 }, true],
    ['no /proc, prompt', { pauseDelayMs: 5, running: 0, sleeping: 0 }, false],
    ['NaN delay is not slow', { pauseDelayMs: NaN, running: 0, sleeping: 5 }, false],
  ];
  for (const [name, evidence, expected] of cases) assert.equal(heldByNativeCall(evidence, threshold), expected, name);
  assert.equal(slowPauseMs(100), 25);
  assert.equal(slowPauseMs(1000), 250);
});

test('stateOf reads the state after the command name, even one with spaces and parentheses', () => {
  assert.equal(stateOf('4242 (node) R 1 4242 4242 0 -1'), 'R');
  assert.equal(stateOf('4242 (my (odd) name) S 1 4242'), 'S');
  assert.equal(stateOf('garbage'), '');
});

test('advice: CPU work for a busy loop, the native-call advice only for a native call', () => {
  assert.equal(adviceFor(null, false, 'spinFor'), 'CPU work on the event loop: move spinFor to threads()');
  assert.match(adviceFor(null, true, 'waitForChild'), /blocking native call in waitForChild/);
  assert.match(adviceFor('execSync', true, 'waitForChild'), /execSync\(\) blocks the event loop/);
});
