/**
 * The bench's verdict: which model to use for this task, in words with the
 * numbers behind it; what auto() chose and how close it came; the rule of thumb
 * marked against the measurement as the demo marks it. A pure function of the
 * medians, tested table-driven.
 */
import { GOOD_WITHIN, calculatesRule, mark, waitsRule } from '../demo/judge.js';
import { formatMs } from '../format/duration.js';
import { formatSpeedup } from '../format/ratio.js';
import type { RuleMark } from '../demo/types.js';
import { median } from './summarize.js';
import type { BenchModel, BenchVerdict, ModelResult } from './types.js';

/** The main thread stayed responsive when its event-loop delay p99 stayed under this… */
export const RESPONSIVE_MS = 50;
/**
 * …or within this factor of the lowest p99 any executor reached in the run: on a
 * loaded machine the main thread waits for a core whatever the model, and that
 * floor is the host's, not the model's.
 */
export const RESPONSIVE_FLOOR_FACTOR = 3;
/** Inline, CPU time at least this share of the wall time: the task calculates; below it, it waits. */
export const CALCULATES_SHARE = 0.5;
/** A simpler model within this share of the best throughput is preferred (fewer moving parts). */
export const SIMPLER_WITHIN = 0.9;

const SIMPLICITY: BenchModel[] = ['sequential', 'loop', 'threads', 'processes'];

type Summarized = ModelResult & { summary: NonNullable<ModelResult['summary']> };

export function fmtRate(perSecond: number): string {
  const digits = perSecond >= 100 ? 0 : perSecond >= 10 ? 1 : 2;
  return `${perSecond.toFixed(digits)}/s`;
}

/** The loop-delay p99 up to which a model counts as responsive in this run. */
export function responsiveLimit(models: readonly ModelResult[]): number {
  const p99s = models.filter((m) => m.summary && m.model !== 'sequential').map((m) => m.summary!.loopDelayP99Ms.median);
  return p99s.length === 0 ? RESPONSIVE_MS : Math.max(RESPONSIVE_MS, RESPONSIVE_FLOOR_FACTOR * Math.min(...p99s));
}

function clause(m: ModelResult, limit: number): string {
  if (!m.summary) return `${m.label}: failed (${m.error?.name ?? 'Error'}: ${m.error?.message ?? 'unknown'})`;
  const s = m.summary;
  const loop = s.loopDelayP99Ms.median <= limit ? `loop delay p99 ${formatMs(s.loopDelayP99Ms.median)}` : `loop blocked ${formatMs(s.loopDelayMaxMs.median)}`;
  const memory = s.addedRssMb.median >= 20 ? `, +${s.addedRssMb.median.toFixed(0)} MB` : '';
  return `${m.label}: ${formatSpeedup(s.speedup)} sequential, ${loop}${memory}`;
}

/** The verdict, and the rule-of-thumb mark of each model (by model). */
export function verdict(models: readonly ModelResult[]): { verdict: BenchVerdict; marks: Map<BenchModel, RuleMark | null> } {
  const ok = models.filter((m): m is Summarized => m.summary !== undefined);
  const limit = responsiveLimit(models);
  const responsive = (m: Summarized) => m.summary.loopDelayP99Ms.median <= limit;
  const sequential = ok.find((m) => m.model === 'sequential');
  const others = ok.filter((m) => m.model !== 'auto');
  const bestRate = Math.max(0, ...others.map((m) => m.summary.throughput.median));
  const best = others.find((m) => m.summary.throughput.median === bestRate) ?? null;

  // The recommendation: responsive models only; the simplest within SIMPLER_WITHIN of the fastest of them.
  const candidates = others.filter(responsive);
  const pool = candidates.length > 0 ? candidates : others;
  const top = Math.max(0, ...pool.map((m) => m.summary.throughput.median));
  const recommended =
    SIMPLICITY.map((model) => pool.find((m) => m.model === model)).find((m) => m !== undefined && m.summary.throughput.median >= top * SIMPLER_WITHIN) ?? null;

  // Inline, the task runs on the main thread: time that thread waited for a core (a crowded
  // machine) was not the task waiting, so it leaves the wall time the share is taken of.
  const cpuShare = sequential ? inlineCpuShare(sequential) : null;
  const kind = cpuShare === null ? null : cpuShare >= CALCULATES_SHARE ? 'calculates' : 'waits';
  const rule = kind === 'calculates' ? 'calculates → processes' : kind === 'waits' ? 'waits → async or threads' : null;
  const says = kind === 'calculates' ? calculatesRule : waitsRule;

  const marks = new Map<BenchModel, RuleMark | null>();
  let right = 0;
  let wrong = 0;
  for (const m of models) {
    if (!m.summary || !kind || m.model === 'sequential' || m.model === 'auto') {
      marks.set(m.model, null);
      continue;
    }
    const fastEnough = m.summary.throughput.median * GOOD_WITHIN >= bestRate;
    const r = mark(says(m.model), fastEnough && responsive(m as Summarized) ? 'good' : 'bad');
    marks.set(m.model, r);
    if (r.right) right++;
    else wrong++;
  }

  const autoResult = ok.find((m) => m.model === 'auto');
  const decision = autoResult?.rounds.at(-1)?.decision;
  const autoVerdict = autoResult && decision
    ? { chose: decision.model, behaviour: decision.behaviour, reason: decision.reason, ofBest: bestRate > 0 ? autoResult.summary.throughput.median / bestRate : null, best: best?.model ?? null }
    : null;

  const lines: string[] = [];
  if (!recommended) {
    lines.push('No model completed the run: see the errors above.');
  } else {
    const s = recommended.summary;
    const figures = `${fmtRate(s.throughput.median)}, loop delay p99 ${formatMs(s.loopDelayP99Ms.median)}`;
    if (candidates.length === 0) lines.push(`Every model blocked the event loop (p99 over ${formatMs(limit)}); the fastest was ${recommended.label} (${figures}).`);
    else if (recommended.model === 'sequential') lines.push(`Call it inline: no executor beat calling it sequentially (${figures}); here they cost more than the work.`);
    else lines.push(`Use ${recommended.label}: ${formatSpeedup(s.speedup)} sequential (${figures}).`);
  }
  const clauses = models.filter((m) => m.model !== 'sequential').map((m) => clause(m, limit));
  if (clauses.length > 0) lines.push(`${clauses.join('; ')}.`);
  if (autoVerdict) {
    const close = autoVerdict.ofBest === null ? '' : `: ${(autoVerdict.ofBest * 100).toFixed(0)}% of the best throughput (${labelOf(models, autoVerdict.best)})`;
    lines.push(`auto() chose ${autoVerdict.chose} (${autoVerdict.behaviour})${close}. Why: ${autoVerdict.reason}`);
  } else if (models.some((m) => m.model === 'auto' && m.error)) {
    lines.push('auto() failed: see its error.');
  }
  if (limit > RESPONSIVE_MS) lines.push(`The machine was loaded: the best loop delay p99 of any executor was ${formatMs(limit / RESPONSIVE_FLOOR_FACTOR)}, so up to ${formatMs(limit)} counted as responsive.`);
  if (kind && cpuShare !== null) {
    const wrongOnes = models.filter((m) => marks.get(m.model)?.right === false).map((m) => `${m.label} said ${marks.get(m.model)!.says}, measured ${marks.get(m.model)!.measured}`);
    lines.push(
      `Inline, the task ${kind} (CPU ${(cpuShare * 100).toFixed(0)}% of its wall time); the rule of thumb (${rule}) was right ${right} and wrong ${wrong} time${wrong === 1 ? '' : 's'}` +
        `${wrongOnes.length ? ` (${wrongOnes.join('; ')})` : ''}.`,
    );
  }
  return {
    verdict: { recommended: recommended?.model ?? null, clauses, lines, cpuShare, kind, rule, ruleOfThumb: { right, wrong }, auto: autoVerdict },
    marks,
  };
}

/** CPU ÷ (wall − run-queue delay), median over the baseline's rounds, at most 1. */
export function inlineCpuShare(sequential: ModelResult): number {
  const shares = sequential.rounds.map((r) => r.cpuMs / Math.max(1e-9, r.wallMs - Math.min(r.wallMs * 0.95, r.runQueueDelayMs ?? 0)));
  return Math.min(1, median(shares));
}

function labelOf(models: readonly ModelResult[], model: BenchModel | null): string {
  return models.find((m) => m.model === model)?.label ?? String(model);
}
