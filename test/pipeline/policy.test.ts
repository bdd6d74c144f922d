import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findBottleneck } from '../../src/pipeline/bottleneck.js';
import { INITIAL_TUNE_STATE, tuneStep, type TuneStage, type TuneState } from '../../src/pipeline/tune-policy.js';

type S = Partial<TuneStage> & Pick<TuneStage, 'name'>;
const stage = (i: number, s: S): TuneStage => ({
  stage: i + 1,
  kind: 'map',
  model: 'threads',
  concurrency: 2,
  busy: 0,
  full: 0,
  starved: 0,
  blocked: 0,
  itemsIn: 100,
  min: 1,
  max: 8,
  peak: 2,
  ...s,
});
const stages = (...xs: S[]) => xs.map((s, i) => stage(i, s));

const FETCH_BLOCKED = { name: 'fetch', model: 'loop', concurrency: 64, busy: 1, full: 0.9, blocked: 0.7 };
const EXTRACT_BUSY = { name: 'extract', busy: 0.98, full: 0.95 };
const WRITE_STARVED = { name: 'write', concurrency: 1, busy: 0.2, full: 0.2, starved: 0.8 };

test('findBottleneck: table', () => {
  const rows: Array<{ why: string; stages: TuneStage[]; cores: number; stage: number; text: RegExp }> = [
    {
      why: 'the busy middle stage, with the one before blocked on it',
      stages: stages(FETCH_BLOCKED, EXTRACT_BUSY, WRITE_STARVED),
      cores: 2,
      stage: 2,
      text: /^stage 2 extract \(threads\) is the bottleneck: busy 98 %, all 2 slots full 95 %.*stage 1 fetch blocked 70 % waiting for it; stage 3 write starved 80 %; more threads would help only if its tasks wait rather than calculate \(2 of 2 cores busy: no/,
    },
    {
      why: 'fewer threads than cores: more would help',
      stages: stages(FETCH_BLOCKED, { ...EXTRACT_BUSY, concurrency: 2 }, WRITE_STARVED),
      cores: 8,
      stage: 2,
      text: /more threads would help \(2 of 8 cores in use: yes\)/,
    },
    {
      why: 'a full loop stage: more concurrency',
      stages: stages({ name: 'fetch', model: 'loop', concurrency: 16, busy: 1, full: 0.97 }, WRITE_STARVED),
      cores: 2,
      stage: 1,
      text: /more concurrency would help: all 16 slots were full 97 %/,
    },
    {
      why: 'busy but not full: the tasks themselves are slow',
      stages: stages({ name: 'fetch', model: 'loop', concurrency: 16, busy: 1, full: 0.1 }, WRITE_STARVED),
      cores: 2,
      stage: 1,
      text: /slots were all taken only 10 % of the time/,
    },
    {
      why: 'every stage starving: the source',
      stages: stages({ name: 'a', busy: 0.1, starved: 0.9 }, { name: 'b', busy: 0.1, starved: 0.9 }),
      cores: 2,
      stage: 0,
      text: /^the source is the bottleneck: stage 1 a \(threads\) waited for input 90 %/,
    },
    {
      why: 'the last stage blocked: the consumer',
      stages: stages({ name: 'a', busy: 0.5, blocked: 0.6 }, { name: 'b', busy: 0.3, blocked: 0.9 }),
      cores: 2,
      stage: 3,
      text: /^the consumer is the bottleneck: stage 2 b \(threads\) waited 90 %/,
    },
    { why: 'nothing yet', stages: stages({ name: 'a', itemsIn: 0 }), cores: 2, stage: 0, text: /nothing measured yet/ },
  ];
  for (const r of rows) {
    const b = findBottleneck(r.stages, r.cores);
    assert.equal(b.stage, r.stage, r.why);
    assert.match(b.text, r.text, r.why);
  }
});

test('tuneStep: table', () => {
  const trial = (stage: number, from: number, to: number, before: number): TuneState => ({ trial: { stage, from, to, before }, ceiling: {} });
  const rows: Array<{ why: string; stages: TuneStage[]; rate: number; state: TuneState; to: number | undefined; stage?: number; reason?: RegExp; ceiling?: Record<number, number> }> = [
    {
      why: 'a full bottleneck on threads gets one more',
      stages: stages(FETCH_BLOCKED, EXTRACT_BUSY, WRITE_STARVED),
      rate: 40,
      state: INITIAL_TUNE_STATE,
      stage: 2,
      to: 3,
      reason: /extract is the bottleneck \(all 2 slots full 95 %, busy 98 %\): 2 → 3/,
    },
    {
      why: 'a full bottleneck on the loop doubles',
      stages: stages({ name: 'fetch', model: 'loop', concurrency: 16, busy: 1, full: 0.97, max: 256 }, WRITE_STARVED),
      rate: 40,
      state: INITIAL_TUNE_STATE,
      stage: 1,
      to: 32,
    },
    {
      why: 'never above max',
      stages: stages({ ...EXTRACT_BUSY, concurrency: 8, max: 8 }, WRITE_STARVED),
      rate: 40,
      state: INITIAL_TUNE_STATE,
      to: undefined,
    },
    {
      why: 'never back to a level that did not help',
      stages: stages({ ...EXTRACT_BUSY, concurrency: 2 }, WRITE_STARVED),
      rate: 40,
      state: { trial: undefined, ceiling: { 1: 3 } },
      to: undefined,
    },
    {
      why: 'a raise that helped is kept',
      stages: stages(FETCH_BLOCKED, { ...EXTRACT_BUSY, concurrency: 3 }, WRITE_STARVED),
      rate: 60,
      state: trial(2, 2, 3, 40),
      to: undefined,
    },
    {
      why: 'a raise that did not help is undone, and remembered',
      stages: stages(FETCH_BLOCKED, { ...EXTRACT_BUSY, concurrency: 3 }, WRITE_STARVED),
      rate: 41,
      state: trial(2, 2, 3, 40),
      stage: 2,
      to: 2,
      reason: /raising extract from 2 to 3 did not help \(40\.0\/s → 41\.0\/s\): back to 2/,
      ceiling: { 2: 3 },
    },
    {
      why: 'a starved stage with idle slots gives them back (down to its peak + 1)',
      stages: stages({ name: 'fetch', model: 'loop', concurrency: 64, busy: 0.3, starved: 0.7, peak: 3 }, { name: 'slow', busy: 1, full: 0.5 }),
      rate: 40,
      state: INITIAL_TUNE_STATE,
      stage: 1,
      to: 4,
      reason: /fetch is starved 70 % and used at most 3 of 64 slots: 64 → 4/,
    },
    {
      why: 'never below min',
      stages: stages({ name: 'fetch', model: 'loop', concurrency: 8, min: 8, busy: 0.3, starved: 0.7, peak: 1 }, { name: 'slow', busy: 1, full: 0.5 }),
      rate: 40,
      state: INITIAL_TUNE_STATE,
      to: undefined,
    },
  ];
  for (const r of rows) {
    const { decision, state } = tuneStep(r.stages, r.rate, r.state);
    assert.equal(decision?.to, r.to, r.why);
    if (r.stage !== undefined) assert.equal(decision?.stage, r.stage, r.why);
    if (r.reason) assert.match(decision!.reason, r.reason, r.why);
    if (r.ceiling) assert.deepEqual(state.ceiling, r.ceiling, r.why);
  }
});
