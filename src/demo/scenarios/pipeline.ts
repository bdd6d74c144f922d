/**
 * 6. The guides' pipeline: fetch documents (waits, async), extract features
 * (calculates, tens of ms), write them in batches through a blocking driver
 * (node:sqlite or better-sqlite3). Run sequentially, as a naive chain on the event loop, with
 * a hand-wired Promise.all per stage, and as pipeline() — each stage on its
 * model, bounded buffers between them — with and without tune: true.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loop, pipeline, tasks, threads, type Pipeline } from '../../index.js';
import { startLatencyServer } from '../latency-server.js';
import { taskModule } from '../task-url.js';
import { loadDriver } from '../tasks/sqlite.js';
import { closeDocs, extract, fetchDoc, insertRows, type Features } from '../tasks/docs.js';
import { startTicker } from '../ticker.js';
import { byWallTime } from '../judge.js';
import { formatMs } from '../../format/duration.js';
import { markRows, measuredRow, setSpeedups } from './common.js';
import type { Row, Scenario, ScenarioOptions, ScenarioResult } from '../types.js';

const t = tasks<typeof import('../tasks/docs.js')>(taskModule('docs'));
const TITLE = "The guides' pipeline";
const RULE = 'each stage on the model its work needs';
const DELAY_MS = 50;
const BATCH = 20;
/** A cautious first guess for the fetch stage, the same in both pipeline() rows: tune: true may move it. */
const FETCH_CONCURRENCY = 2;

interface Outcome {
  written: number;
  digest: number;
  /** The pipeline rows: what explain() said, and what tune changed. */
  explain?: string;
  tuning?: string[];
}

const digestOf = (rows: Features[]) => rows.reduce((h, r) => (h + r.digest) >>> 0, 0);

function batches<T>(items: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
  return out;
}

function skipped(reason: string, enable: string): ScenarioResult {
  return { id: 'pipeline', title: TITLE, workload: 'skipped', rule: RULE, columns: [], rows: [], auto: null, checks: [], notes: [], skipped: { reason, enable } };
}

function build(inputs: { url: string; id: number }[], file: string, tune: boolean, seen: (f: Features) => void): Pipeline<number> {
  return pipeline(inputs, { tune })
    .map(t.fetchDoc, { on: 'loop', concurrency: FETCH_CONCURRENCY, maxConcurrency: 64, name: 'fetch' })
    .map(t.extract, { on: 'threads', name: 'extract' })
    .tap(seen, { name: 'digest' })
    .batch(BATCH)
    .map((rows: Features[]) => ({ file, rows }), { name: 'rows' })
    .map(t.insertRows, { on: 'threads', concurrency: 1, maxConcurrency: 1, name: 'write' });
}

export async function run({ quick = false, onStep = () => {} }: ScenarioOptions = {}): Promise<ScenarioResult> {
  const driver = loadDriver();
  if (!driver.name) return skipped(driver.reason, driver.enable);
  const n = quick ? 30 : 120;
  const server = await startLatencyServer(DELAY_MS);
  const dir = mkdtempSync(join(tmpdir(), 'boundwise-pipeline-'));
  const rows: Row[] = [];
  const outcomes: Outcome[] = [];
  let k = 0;
  const step = async (model: string, fn: (file: string) => Promise<Outcome>) => {
    onStep(model);
    const file = join(dir, `docs-${k++}.db`);
    const ticker = startTicker(10);
    const { row, value } = await measuredRow(model, () => fn(file));
    const ticks = ticker.stop();
    row.metrics = { rate: `${((n * 1000) / row.wallMs).toFixed(1)}/s`, gap: formatMs(ticks.maxGapMs) };
    rows.push(row);
    outcomes.push(value);
  };
  const inputs = Array.from({ length: n }, (_, id) => ({ url: server.url, id }));
  try {
    await step('sequential', async (file) => {
      const all: Features[] = [];
      for (const input of inputs) all.push(extract(await fetchDoc(input)));
      for (const b of batches(all, BATCH)) insertRows({ file, rows: b });
      return { written: all.length, digest: digestOf(all) };
    });
    await step('naive chain on the loop', async (file) => {
      // Every fetch at once, the CPU work and the blocking writes on the event loop.
      const all = await Promise.all(inputs.map(async (input) => extract(await fetchDoc(input))));
      for (const b of batches(all, BATCH)) insertRows({ file, rows: b });
      return { written: all.length, digest: digestOf(all) };
    });
    await step('Promise.all per stage', async (file) => {
      // Each stage on a fitting executor, but every item of a stage before the next starts, all held in memory.
      await using io = loop();
      await using cpu = threads();
      await using writer = threads({ max: 1 });
      const docs = await Promise.all(inputs.map((input) => io.run(t.fetchDoc, input)));
      const all = await Promise.all(docs.map((d) => cpu.run(t.extract, d)));
      const written = await Promise.all(batches(all, BATCH).map((b) => writer.run(t.insertRows, { file, rows: b })));
      return { written: written.reduce((a, b) => a + b, 0), digest: digestOf(all) };
    });
    for (const tune of [false, true]) {
      await step(tune ? 'pipeline(), tune: true' : 'pipeline()', async (file) => {
        const features: Features[] = [];
        const p = build(inputs, file, tune, (f) => void features.push(f));
        let written = 0;
        for await (const w of p) written += w;
        const summary = p.summary();
        return {
          written,
          digest: digestOf(features),
          explain: p.explain(),
          tuning: summary.tuning.map((c) => `${c.name} ${c.from} → ${c.to} at ${c.atMs} ms (${c.reason})`),
        };
      });
    }
  } finally {
    closeDocs();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  setSpeedups(rows, rows[0]!);
  const best = Math.min(...rows.map((r) => r.wallMs));
  markRows(
    rows,
    (model) => (model.startsWith('pipeline') || model.startsWith('Promise.all') ? 'use' : 'avoid'),
    (r) => byWallTime(r.wallMs, best),
    (r) => r.model !== 'sequential',
  );
  const [plain, tuned] = outcomes.slice(-2) as [Outcome, Outcome];
  const notes = [
    `fetch ${DELAY_MS} ms per document (${FETCH_CONCURRENCY} at once to start with in both pipeline() rows); extract on threads(); writes in batches of ${BATCH} through one thread.`,
    `pipeline() explained: ${plain.explain?.split('\n')[0]}`,
    `pipeline(), tune: true explained: ${tuned.explain?.split('\n')[0]}`,
    tuned.tuning?.length ? `tune changed: ${tuned.tuning.join('; ')}` : 'tune changed nothing',
  ];
  return {
    id: 'pipeline',
    title: TITLE,
    workload: `${n} documents: GET from a local server answering after ${DELAY_MS} ms, feature extraction (tens of ms of CPU), inserts in batches of ${BATCH} via ${driver.name}`,
    rule: RULE,
    columns: [
      { key: 'rate', label: 'docs/s' },
      { key: 'gap', label: 'longest loop gap' },
    ],
    rows,
    auto: null,
    checks: [
      { name: `every row wrote all ${n} documents`, ok: outcomes.every((o) => o.written === n) },
      { name: 'the same features every time', ok: outcomes.every((o) => o.digest === outcomes[0]!.digest) },
    ],
    notes,
  };
}

export const scenario: Scenario = { id: 'pipeline', title: TITLE, steps: 5, run };
