/**
 * The idle thread's poll policy (src/threads/spin.ts): a pure rule, tested with
 * a scripted clock and a scripted port.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SKIP, PREEMPTED_MS, SESSION_MS, SPIN_MS, SpinPolicy, spinOnce } from '../../src/threads/spin.js';

/** A clock that advances `step` ms per read, with jumps at given reads. */
function clock(step: number, jumps: Record<number, number> = {}) {
  let t = 0;
  let reads = 0;
  return () => {
    t += step + (jumps[reads] ?? 0);
    reads++;
    return t;
  };
}

describe('spinOnce()', () => {
  test('nothing arrives: polls until SPIN_MS has passed, then says empty', () => {
    let polls = 0;
    const outcome = spinOnce(() => (polls++, false), () => false, clock(0.001));
    assert.equal(outcome, 'empty');
    // ~SPIN_MS / 1 µs polls; the exact count depends only on the scripted clock.
    assert.ok(polls >= SPIN_MS / 0.001 - 2 && polls <= SPIN_MS / 0.001 + 2, `${polls} polls`);
  });

  test('a task arrives: caught, and the window restarts after it', () => {
    let polls = 0;
    const outcome = spinOnce(() => ++polls === 10, () => false, clock(0.001));
    assert.equal(outcome, 'caught');
    assert.ok(polls > 10 + SPIN_MS / 0.001 - 2, 'it kept polling for a whole window after the catch');
  });

  test('the clock jumps between two empty polls: preempted, at once', () => {
    let polls = 0;
    const outcome = spinOnce(() => (polls++, false), () => false, clock(0.001, { 5: PREEMPTED_MS * 2 }));
    assert.equal(outcome, 'preempted');
    assert.equal(polls, 5);
  });

  test('the time a caught task ran for is not a preemption', () => {
    let polls = 0;
    // The read after the 3rd poll (which handled a task) is 5 ms later: the task's own run.
    const outcome = spinOnce(() => ++polls === 3, () => false, clock(0.001, { 3: 5 }));
    assert.equal(outcome, 'caught');
  });

  test('a caller that never stops sending: the spin still ends after SESSION_MS, so the event loop runs', () => {
    let polls = 0;
    // A task every poll, 10 µs apart; the bound on polls only keeps a broken spin from hanging the test.
    const outcome = spinOnce(() => ++polls < 1e6, () => false, clock(0.01));
    assert.equal(outcome, 'caught');
    assert.ok(polls <= SESSION_MS / 0.01 + 2, `${polls} polls: more than ${SESSION_MS} ms of them`);
  });

  test('a handled task that is still running (async) ends the spin', () => {
    let running = false;
    const outcome = spinOnce(() => (running = true), () => running, clock(0.001));
    assert.equal(outcome, 'caught');
  });
});

describe('SpinPolicy', () => {
  test('spins after every answer while spins catch tasks', () => {
    const p = new SpinPolicy();
    for (let i = 0; i < 100; i++) {
      assert.equal(p.shouldSpin(), true);
      p.record('caught');
    }
  });

  test('preempted or empty spins double the answers skipped, up to MAX_SKIP; a catch resets', () => {
    const p = new SpinPolicy();
    const skipped: number[] = [];
    for (let round = 0; round < 12; round++) {
      let n = 0;
      while (!p.shouldSpin()) n++;
      skipped.push(n);
      p.record(round % 2 ? 'empty' : 'preempted');
    }
    assert.deepEqual(skipped, [0, 1, 2, 4, 8, 16, 32, 64, 128, MAX_SKIP, MAX_SKIP, MAX_SKIP]);
    assert.equal(p.skipping, MAX_SKIP);
    while (!p.shouldSpin());
    p.record('caught');
    for (let i = 0; i < 10; i++) assert.equal(p.shouldSpin(), true, 'after a catch every answer spins again');
  });
});
