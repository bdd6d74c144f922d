/**
 * Marking the rule of thumb against the measurement. The guides say, for each
 * kind of work, which models to use and which to avoid; a row's measurement is
 * "good" when that model did well, and the rule is right when the two agree.
 * Pure functions, tested table-driven.
 */
import type { RuleMark } from './types.js';

/** A model within this factor of the best wall time counts as doing well. */
export const GOOD_WITHIN = 1.5;

export function mark(says: RuleMark['says'], measured: RuleMark['measured']): RuleMark {
  return { says, measured, right: (says === 'use') === (measured === 'good') };
}

/** Good when the wall time is within GOOD_WITHIN of the best of the compared runs. */
export function byWallTime(wallMs: number, bestWallMs: number, factor = GOOD_WITHIN): RuleMark['measured'] {
  return wallMs <= bestWallMs * factor ? 'good' : 'bad';
}

/**
 * Good when the event loop stayed responsive: its worst gap between ticks of a
 * timer that should tick every `periodMs` stayed under `limitMs`.
 */
export function byResponsiveness(maxGapMs: number, limitMs: number): RuleMark['measured'] {
  return maxGapMs <= limitMs ? 'good' : 'bad';
}

/** The guides' rule for work that waits: async (the event loop) or threads; not processes. */
export function waitsRule(model: string): RuleMark['says'] {
  return model.startsWith('loop') || model.startsWith('threads') ? 'use' : 'avoid';
}

/** The guides' rule for work that calculates: processes (threads are held back by a global lock there). */
export function calculatesRule(model: string): RuleMark['says'] {
  return model.startsWith('processes') ? 'use' : 'avoid';
}
