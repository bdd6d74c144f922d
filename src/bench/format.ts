/** The bench's table and verdict for the terminal: plain text, so it pastes as it is. */
import { formatMb } from '../format/bytes.js';
import { formatMs } from '../format/duration.js';
import { formatSpeedup } from '../format/ratio.js';
import { table } from '../format/table.js';
import type { RuleMark } from '../demo/types.js';
import { median } from './summarize.js';
import { fmtRate } from './verdict.js';
import type { BenchResult, ModelResult } from './types.js';

function fmtRule(rule: RuleMark | null): string {
  return rule ? `${rule.says}: ${rule.right ? 'right ✓' : 'wrong ✗'}` : '—';
}

function row(m: ModelResult): string[] {
  const s = m.summary;
  if (!s) return [m.label, `failed: ${m.error?.code ?? m.error?.name ?? 'error'}`, '', '', '', '', '', '', '', '', ''];
  const range = s.throughput.max > s.throughput.min ? ` (${s.throughput.min.toFixed(0)}–${s.throughput.max.toFixed(0)})` : '';
  return [
    m.label,
    `${fmtRate(s.throughput.median)}${range}`,
    formatSpeedup(Number.isFinite(s.speedup) ? s.speedup : null),
    formatMs(s.wallMs.median),
    [s.latencyP50Ms, s.latencyP95Ms, s.latencyP99Ms].map((p) => formatMs(p.median)).join(' / '),
    formatMs(s.cpuMs.median),
    `${formatMb(s.peakRssMb.median)} (+${s.addedRssMb.median.toFixed(0)})`,
    `${formatMs(s.loopDelayP99Ms.median)} / ${formatMs(s.loopDelayMaxMs.median)}`,
    formatMs(median(m.rounds.map((r) => r.warmupMs))),
    fmtRule(m.rule),
  ];
}

export function renderBench(r: BenchResult): string {
  const rule = r.verdict.rule ? `rule of thumb (${r.verdict.rule})` : 'rule of thumb';
  const header = ['model', 'throughput', 'speed-up', 'wall', 'latency p50 / p95 / p99', 'CPU', 'peak RSS', 'loop delay p99 / max', 'warm-up', rule];
  const right = [false, true, true, true, true, true, true, true, true, false];
  const lines = [
    `boundwise bench — ${r.task}: ${r.n} inputs, ${r.concurrency} in flight on each executor, ${r.rounds} round${r.rounds === 1 ? '' : 's'} (medians, throughput range in brackets)`,
    `Node ${r.node}, ${r.cpus} cores, load average ${r.loadAverage.toFixed(1)} at start`,
    '',
    table(header, r.models.map(row), right),
    '',
    ...r.verdict.lines,
    '',
    `· Each run starts a fresh executor and warms it up with ${r.warmup} input${r.warmup === 1 ? '' : 's'} (the warm-up column, start-up included) before the measured window; the baseline calls the task inline, one input at a time.`,
    '· CPU: every thread of this process plus its child processes (from /proc). peak RSS: this process plus its children; (+N) MB is what the run added.',
    "· loop delay: how late the main thread's event loop ran during the run (perf_hooks.monitorEventLoopDelay) — what every other request would have waited.",
  ];
  for (const m of r.models) if (m.error) lines.push(`· ${m.label} failed: ${m.error.name}${m.error.code ? ` (${m.error.code})` : ''}: ${m.error.message}`);
  return `${lines.join('\n')}\n`;
}
