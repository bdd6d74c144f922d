/**
 * The HTML reports as a person would look at them: real bench, classify and demo
 * runs, each report opened in headless Chromium. Every chart must have drawn
 * (a canvas with pixels on it), its legend must name the series, the tables
 * must hold the JSON's numbers, the page must log no error and fetch nothing.
 * Screenshots are saved under .bench-results/screenshots/ (or $BOUNDWISE_SCREENSHOTS).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { bench, pipeline, pipelineHtml, tasks } from '../../src/index.js';
import type { BenchResult } from '../../src/bench/types.js';
import { benchHtml } from '../../src/report/bench.js';
import { num } from '../../src/report/page.js';
import { runCli as cli } from '../helpers/run-cli.js';
import { launch, open, screenshot, skipReason, SCREENSHOTS } from './browser.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const out = resolve(root, '.bench-results/reports');
const skip = skipReason();
if (skip) console.log(`# SKIP: ${skip}`);

/** What a chart shows: whether it drew, how many coloured pixels its canvas has, its legend's labels. */
async function chart(page: Page, id: string): Promise<{ rendered: boolean; inked: number; legend: string[] }> {
  return page.evaluate((chartId) => {
    // Runs in the page: the DOM's types are not in this project's (Node) lib.
    const el = (globalThis as any).document.getElementById(chartId);
    const canvas = el.querySelector('canvas');
    let inked = 0;
    if (canvas) {
      const data: Uint8ClampedArray = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) inked++;
    }
    const legend = [...el.querySelectorAll('.u-legend .u-label')].map((n: any) => String(n.textContent).replace(/:$/, '').trim());
    return { rendered: el.getAttribute('data-rendered') === 'true', inked, legend };
  }, id);
}

/** A table's body as text cells, rows by their first cell. */
async function table(page: Page, id: string): Promise<Map<string, string[]>> {
  const rows = await page.evaluate(
    (tableId) =>
      [...(globalThis as any).document.querySelectorAll(`table[data-table="${tableId}"] tbody tr`)].map((tr: any) => [...tr.querySelectorAll('td')].map((td: any) => String(td.textContent).trim())) as string[][],
    id,
  );
  return new Map(rows.map((r) => [r[0]!, r.slice(1)]));
}

async function checkPage(page: Page, errors: string[], refused: string[], charts: Array<{ id: string; legend: string[] }>): Promise<void> {
  assert.equal(await page.evaluate(() => (globalThis as any).document.documentElement.getAttribute('data-charts') as string), String(charts.length), 'every chart was drawn');
  for (const c of charts) {
    const seen = await chart(page, c.id);
    assert.ok(seen.rendered, `${c.id} rendered`);
    assert.ok(seen.inked > 2000, `${c.id}: its canvas has ${seen.inked} coloured pixels`);
    for (const label of c.legend) assert.ok(seen.legend.includes(label), `${c.id}: legend "${label}" in ${JSON.stringify(seen.legend)}`);
  }
  assert.deepEqual(errors, [], 'no console errors');
  assert.deepEqual(refused, [], 'no request left the file');
}

describe('HTML reports in headless Chromium', { skip }, () => {
  let browser: Awaited<ReturnType<typeof launch>>;
  before(async () => {
    mkdirSync(out, { recursive: true });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    console.log(`# screenshots in ${SCREENSHOTS}, reports in ${out}`);
  });

  test('bench: throughput and latency bars with spread, loop delay over time, memory; tables hold the JSON numbers', async (t) => {
    const ts = tasks<typeof import('../fixtures/bench/tasks.js')>(new URL('../fixtures/bench/tasks.ts', import.meta.url));
    const result = await bench(ts.hash, Array.from({ length: 8 }, (_, i) => ({ seed: `r${i}`, rounds: 400 })), { models: ['loop', 'threads', 'processes'], rounds: 2, concurrency: 4 });
    const file = join(out, 'bench.html');
    writeFileSync(file, benchHtml(result));
    writeFileSync(join(out, 'bench.json'), JSON.stringify(result, null, 2));
    const json = JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8')) as BenchResult;
    const { page, errors, refused } = await open(browser.context, file);
    const labels = json.models.map((m) => m.label);
    await checkPage(page, errors, refused, [
      { id: 'chart-throughput', legend: ['throughput (median of 2 rounds)'] },
      { id: 'chart-latency', legend: ['p50', 'p95', 'p99'] },
      { id: 'chart-loop-delay', legend: labels },
      { id: 'chart-memory', legend: ['peak RSS', 'added by the run'] },
    ]);
    const throughput = await table(page, 'throughput');
    const latency = await table(page, 'latency');
    const delay = await table(page, 'loop-delay');
    const memory = await table(page, 'memory');
    for (const m of json.models) {
      const s = m.summary!;
      assert.deepEqual(throughput.get(m.label)!.slice(0, 4), [num(s.throughput.median), num(s.throughput.min), num(s.throughput.max), num(s.speedup, 2)], m.label);
      assert.deepEqual(latency.get(m.label), [num(s.latencyP50Ms.median), num(s.latencyP95Ms.median), num(s.latencyP99Ms.median)], m.label);
      assert.deepEqual(delay.get(m.label)!.slice(1), [num(s.loopDelayP99Ms.median), num(s.loopDelayMaxMs.median)], m.label);
      assert.deepEqual(memory.get(m.label)!.slice(0, 2), [num(s.peakRssMb.median), num(s.addedRssMb.median)], m.label);
    }
    const headline = await page.locator('.headline').innerText();
    assert.ok(headline.includes(json.verdict.lines[0]!), 'the verdict heads the page');
    t.diagnostic(`screenshot: ${await screenshot(page, 'bench')}`);
    await page.close();
  });

  test('classify: the timeline (CPU per thread, waiting, run-queue delay) under the verdict and recommendation', async (t) => {
    const file = join(out, 'classify.html');
    // Half a second of CPU on the main thread, then half a second waiting.
    const run = await cli(['classify', '--json', '--interval', '50ms', '--html', file, '--', process.execPath, '-e', 'const t = Date.now(); while (Date.now() - t < 500); setTimeout(() => {}, 500)']);
    assert.equal(run.code, 0, run.stderr);
    const json = JSON.parse(run.stdout) as { verdict: { summary: string }; recommendation: string[]; figures: { wallMs: number; cpuMs: number; runDelayMs: number; peakThreads: number } };
    const { page, errors, refused } = await open(browser.context, file);
    await checkPage(page, errors, refused, [{ id: 'chart-timeline', legend: ['waiting', 'CPU, all threads', 'busiest thread', 'run-queue delay'] }]);
    const headline = await page.locator('.headline').innerText();
    assert.ok(headline.includes(`Verdict: ${json.verdict.summary}`));
    assert.ok(headline.includes(json.recommendation[0]!));
    const figures = await table(page, 'figures');
    assert.deepEqual(figures.get('wall ms'), [num(json.figures.wallMs)]);
    assert.deepEqual(figures.get('CPU ms'), [num(json.figures.cpuMs)]);
    assert.deepEqual(figures.get('run-queue delay ms'), [num(json.figures.runDelayMs)]);
    assert.deepEqual(figures.get('peak threads'), [String(json.figures.peakThreads)]);
    assert.ok((await table(page, 'timeline')).size > 0);
    t.diagnostic(`screenshot: ${await screenshot(page, 'classify')}`);
    await page.close();
  });

  test("demo: each scenario's table as a chart, and the rule of thumb's score", async (t) => {
    const file = join(out, 'demo.html');
    const jsonFile = join(out, 'demo.json');
    const run = await cli(['demo', '--quick', '--only', 'tiny', '--json', jsonFile, '--html', file]);
    assert.ok(run.code === 0 || run.code === 1, run.stderr);
    const json = JSON.parse(readFileSync(jsonFile, 'utf8')) as import('../../src/demo/main.js').DemoReport;
    const { page, errors, refused } = await open(browser.context, file);
    await checkPage(page, errors, refused, [
      { id: 'chart-rule-of-thumb', legend: ['right', 'wrong'] },
      ...json.results.map((r) => ({ id: `chart-${r.id}`, legend: ['wall time', 'CPU time'] })),
    ]);
    const score = await table(page, 'rule-of-thumb');
    assert.deepEqual(score.get('all'), [String(json.ruleOfThumb.right), String(json.ruleOfThumb.wrong)]);
    for (const r of json.results) {
      const rows = await table(page, `scenario-${r.id}`);
      for (const row of r.rows) assert.deepEqual(rows.get(row.model)!.slice(0, 3), [num(row.wallMs), num(row.cpuMs), num(row.peakRssMb)], `${r.id} ${row.model}`);
    }
    t.diagnostic(`screenshot: ${await screenshot(page, 'demo')}`);
    await page.close();
  });

  test('pipeline stats: throughput, time shares and run time per stage, with the bottleneck', async (t) => {
    const ts = tasks<typeof import('../fixtures/bench/tasks.js')>(new URL('../fixtures/bench/tasks.ts', import.meta.url));
    const summary = await pipeline(Array.from({ length: 24 }, (_, i) => i))
      .map((n: number) => ({ seed: `p${n}`, rounds: 300 }), { name: 'make' })
      .map(ts.hash, { on: 'threads', name: 'hash' })
      .filter((h: string) => h.length > 0)
      .drain();
    const file = join(out, 'pipeline.html');
    writeFileSync(file, pipelineHtml(summary));
    const json = JSON.parse(JSON.stringify(summary)) as typeof summary;
    const { page, errors, refused } = await open(browser.context, file);
    await checkPage(page, errors, refused, [
      { id: 'chart-stage-throughput', legend: ['throughput'] },
      { id: 'chart-stage-time', legend: ['busy', 'full (every slot taken)', 'starved (waiting for input)', 'blocked (waiting for room downstream)'] },
      { id: 'chart-stage-run-time', legend: ['p50', 'p90', 'p99'] },
    ]);
    const rows = await table(page, 'stage-throughput');
    for (const st of json.stages) {
      assert.deepEqual(rows.get(`${st.stage}. ${st.name}`), [st.model, String(st.concurrency), String(st.itemsIn), String(st.itemsOut), String(st.skipped), String(st.failed), num(st.throughput)]);
    }
    assert.ok((await page.locator('.headline').innerText()).includes(json.bottleneck.text));
    t.diagnostic(`screenshot: ${await screenshot(page, 'pipeline')}`);
    await page.close();
  });
});
