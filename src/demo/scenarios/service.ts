/**
 * 4. A backend service under a bounded load: /aggregate (awaits two upstream
 * calls), /thumbnail (CPU) and /health. What does /thumbnail done inline cost
 * /health, against handing it to threads(), processes() or auto()? The load
 * runs on its own thread, so its clock is not the server's event loop.
 */
import { auto, processes, tasks, threads, type Executor } from '../../index.js';
import { startLatencyServer } from '../latency-server.js';
import { startService, type Thumb } from '../service.js';
import { taskModule } from '../task-url.js';
import { thumbnail } from '../tasks/image.js';
import type { LoadInput, PathLoad } from '../tasks/loadgen.js';
import { calculatesRule } from '../judge.js';
import { formatMs } from '../../format/duration.js';
import { autoDecision, markRows, measuredRow } from './common.js';
import type { Row, Scenario, ScenarioOptions, ScenarioResult } from '../types.js';

const img = tasks<typeof import('../tasks/image.js')>(taskModule('image'));
const gen = tasks<typeof import('../tasks/loadgen.js')>(taskModule('loadgen'));
const SIZE = 384;
const CONNECTIONS = { '/health': 2, '/aggregate': 4, '/thumbnail': 4 };
const TITLE = 'A backend service';
/** A fixed seed whose thumbnail every mode must get right. */
const PROBE_SEED = 7;

interface ModeResult {
  load: Record<string, PathLoad>;
  probe: Thumb;
}

export async function run({ quick = false, onStep = () => {} }: ScenarioOptions = {}): Promise<ScenarioResult> {
  const durationMs = quick ? 600 : 3000;
  const up1 = await startLatencyServer(20);
  const up2 = await startLatencyServer(30);
  const loader = threads({ min: 1, max: 1 });
  const rows: Row[] = [];
  const results: ModeResult[] = [];
  const expected = thumbnail({ size: SIZE, seed: PROBE_SEED }).checksum;
  let decision;

  /** One mode: a fresh service whose /thumbnail goes through `thumb`, under the same load. */
  const mode = async (model: string, make: () => { thumb: (i: { size: number; seed: number }) => Thumb | Promise<Thumb>; close?: () => Promise<void> }, children = false) => {
    onStep(model);
    const { row, value } = await measuredRow(model, async (): Promise<ModeResult> => {
      const m = make();
      const service = await startService(m.thumb, [up1.url, up2.url], SIZE);
      try {
        // Warm up, as a running service would be: workers started, modules loaded.
        await Promise.all([0, 1].map((seed) => m.thumb({ size: SIZE, seed })));
        const input: LoadInput = { url: service.url, durationMs, connections: CONNECTIONS };
        const load = await loader.run(gen.load, input);
        const probe = (await (await fetch(`${service.url}/thumbnail?seed=${PROBE_SEED}`)).json()) as Thumb;
        return { load, probe };
      } finally {
        await service.close();
        await m.close?.();
      }
    }, { children });
    const h = value.load['/health']!;
    const t = value.load['/thumbnail']!;
    const a = value.load['/aggregate']!;
    row.metrics = {
      healthP99: h.p99,
      healthP50: h.p50,
      thumbsPerSec: t.requests / (durationMs / 1000),
      health99: formatMs(h.p99),
      health50: formatMs(h.p50),
      aggregate99: formatMs(a.p99),
      thumbs: `${(t.requests / (durationMs / 1000)).toFixed(0)}/s`,
    };
    rows.push(row);
    results.push(value);
  };

  try {
    await loader.run(gen.load, { url: up1.url, durationMs: 0, connections: {} });
    await mode('inline', () => ({ thumb: thumbnail }));
    const pooled = (model: string, ex: () => Executor, children = false) =>
      mode(model, () => {
        const e = ex();
        return { thumb: (i) => e.run(img.thumbnail, i), close: () => e.close() };
      }, children);
    await pooled('threads()', () => threads());
    await pooled('processes()', () => processes(), true);
    await mode('auto()', () => {
      const e = auto();
      return {
        thumb: (i) => e.run(img.thumbnail, i),
        close: async () => {
          decision = autoDecision(e.explain(img.thumbnail));
          await e.close();
        },
      };
    }, true);
  } finally {
    await loader.close();
    await up1.close();
    await up2.close();
  }

  const p99s = rows.map((r) => r.metrics.healthP99 as number);
  const best = Math.min(...p99s);
  markRows(
    rows,
    (model) => (model === 'inline' ? 'avoid' : calculatesRule(model)),
    (r) => ((r.metrics.healthP99 as number) <= 2 * best + 5 ? 'good' : 'bad'),
    (r) => r.model !== 'auto()',
  );
  const sum = (path: string, k: 'requests' | 'errors') => results.map((r) => r.load[path]?.[k] ?? 0);
  return {
    id: 'service',
    title: TITLE,
    workload: `${durationMs / 1000} s of bounded load per mode on 127.0.0.1: ${Object.entries(CONNECTIONS).map(([p, n]) => `${n} connections on ${p}`).join(', ')}; a thumbnail is a ${SIZE}×${SIZE} blur`,
    rule: 'calculates → processes',
    columns: [
      { key: 'health99', label: '/health p99' },
      { key: 'health50', label: '/health p50' },
      { key: 'aggregate99', label: '/aggregate p99' },
      { key: 'thumbs', label: 'thumbnails' },
    ],
    rows,
    auto: decision ?? null,
    checks: [
      { name: 'every mode answered /health, /aggregate and /thumbnail', ok: ['/health', '/aggregate', '/thumbnail'].every((p) => sum(p, 'requests').every((n) => n > 0)) },
      { name: 'no request failed', ok: ['/health', '/aggregate', '/thumbnail'].every((p) => sum(p, 'errors').every((n) => n === 0)) },
      { name: 'every mode made the same thumbnail', ok: results.every((r) => r.probe.checksum === expected) },
    ],
    notes: [
      `"good" here means /health stayed fast: p99 within 2× (+5 ms) of the best mode's. The guides' pattern: an async front that hands CPU work to a pool.`,
      'Wall time is the mode\'s whole run (start, warm-up, load, close); CPU includes the load generator\'s thread.',
    ],
  };
}

export const scenario: Scenario = { id: 'service', title: TITLE, steps: 4, run };
