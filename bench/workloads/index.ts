/**
 * The workload suite: the scenarios the concurrency guides argue about, each
 * run on loop(), threads(), processes() and auto(). Every (workload, model) runs
 * in a fresh process (one.ts), so nothing one model learned or started helps
 * another; its workers are started before timing, as in a service; auto()
 * starts knowing nothing, so its probing and learning are inside the measured
 * time. Prints, per run, the time of each model and auto()'s ratio to the best
 * fixed model, and at the end how often auto() was within 1.10×.
 *
 *   npx tsx bench/workloads/index.ts [--quick] [--runs 5] [--load] [--cold] [--json FILE] [--only fetch,gzip]
 *
 * --load: one CPU hog (a busy process, one core's worth) runs beside the suite.
 * --cold: each executor is created inside the timing and nothing is started first (a
 * script's first burst: the way an outside run measured it); else its workers are started
 * first, as in a service.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLatencyServer } from '../../examples/lib/latency-server.js';
import { median } from '../lib/measure.js';
import { MODEL_NAMES, workloads, type Context, type ModelName } from './workloads.js';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const value = (name: string) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
const quick = flag('--quick');
const withLoad = flag('--load');
const cold = flag('--cold');
const runs = Number(value('--runs') ?? (quick ? 1 : 5));
const only = (value('--only') ?? '').split(',').filter(Boolean);
const jsonAt = value('--json');
const TARGET = 1.1;

// Inputs: 300 small files and one 5 MB JSON file.
const dir = mkdtempSync(join(tmpdir(), 'boundwise-workloads-'));
for (let i = 0; i < 300; i++) writeFileSync(join(dir, `${i}.txt`), `file ${i} `.repeat(40));
const items = Array.from({ length: 42_000 }, (_, i) => ({ id: i, name: `item ${i}`, tags: ['a', 'b', 'c'], price: i * 1.5, ok: i % 2 === 0 }));
writeFileSync(join(dir, 'big.json'), JSON.stringify({ items }));

const server20 = await startLatencyServer(20);
const server15 = await startLatencyServer(15);
const ctx: Context = { url20: server20.url, url15: server15.url, dir, quick, cold };
const one = fileURLToPath(new URL('./one.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

interface One { ms: number; unexpected: number; choices?: string; agree?: boolean }

/** Run one workload on one model in a fresh process. The servers answer from this process, so the child is awaited asynchronously. */
function runOne(id: string, model: ModelName): Promise<One> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [one, id, model, JSON.stringify(ctx)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as One);
      } catch {
        reject(new Error(`${id} on ${model} exited with ${code}: ${out}`));
      }
    });
  });
}

let hog: ReturnType<typeof spawn> | undefined;
if (withLoad) hog = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
const stopHog = () => {
  if (hog?.pid !== undefined && hog.exitCode === null) hog.kill('SIGKILL');
};
process.on('exit', stopHog);

const suite = workloads(quick).filter((w) => only.length === 0 || only.includes(w.id));
type Row = { id: string; name: string; ms: Partial<Record<ModelName, number>>; ratio: number; best: ModelName; choices: string; agree: boolean; unexpected: Partial<Record<ModelName, number>> };
const allRuns: Array<{ run: number; load: number[]; rows: Row[] }> = [];
console.log(`boundwise workload suite (${quick ? 'quick' : 'full'}; ${runs} run(s); a fresh process per workload and model${cold ? '; cold: each executor created inside the timing' : ''}${withLoad ? '; one CPU hog running beside it' : ''})`);
for (let run = 1; run <= runs; run++) {
  const load = loadavg();
  const rows: Row[] = [];
  console.log(`\nrun ${run} of ${runs} — load average ${load.map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`  ${'workload'.padEnd(10)} ${MODEL_NAMES.map((m) => m.padStart(9)).join(' ')}   auto/best`);
  for (const w of suite) {
    const ms: Partial<Record<ModelName, number>> = {};
    const unexpected: Partial<Record<ModelName, number>> = {};
    let choices = '';
    let agree = true;
    for (const model of MODEL_NAMES) {
      if (w.skip?.includes(model)) continue;
      const r = await runOne(w.id, model);
      ms[model] = r.ms;
      if (r.unexpected) unexpected[model] = r.unexpected;
      if (model === 'auto') {
        choices = r.choices ?? '';
        agree = r.agree === true;
      }
    }
    const fixed = (['loop', 'threads', 'processes'] as const).filter((m) => ms[m] !== undefined);
    const best = fixed.reduce((a, b) => ((ms[a] as number) <= (ms[b] as number) ? a : b));
    const ratio = (ms.auto as number) / (ms[best] as number);
    rows.push({ id: w.id, name: w.name, ms, ratio, best, choices, agree, unexpected });
    const cells = MODEL_NAMES.map((m) => (ms[m] === undefined ? 'n/a' : (ms[m] as number).toFixed(0)).padStart(9)).join(' ');
    const notes = [!agree && 'explain()/stats() DISAGREE', Object.keys(unexpected).length > 0 && `unexpected failures ${JSON.stringify(unexpected)}`].filter(Boolean).join('; ');
    console.log(`  ${w.id.padEnd(10)} ${cells}   ${ratio.toFixed(2)} ${ratio <= TARGET ? '   ' : ' ✗ '}(best ${best}; auto: ${choices})${notes ? ` ${notes}` : ''}`);
  }
  allRuns.push({ run, load, rows });
}
stopHog();
await server20.close();
await server15.close();
rmSync(dir, { recursive: true, force: true });

// The summary: per workload, median time per model over the runs, auto's ratio per run, and how often it met the target.
console.log(`\nsummary over ${runs} run(s)${withLoad ? ' with one CPU hog' : ''} (medians of the runs; load average at the start of each run: ${allRuns.map((r) => r.load[0]!.toFixed(1)).join(', ')})`);
console.log(`| workload | ${MODEL_NAMES.join(' | ')} | auto / best (median) | per run | within ${TARGET}× |`);
console.log(`|---|${MODEL_NAMES.map(() => '---').join('|')}|---|---|---|`);
let met = 0;
for (const w of suite) {
  const rows = allRuns.map((r) => r.rows.find((x) => x.id === w.id)!);
  const med = (m: ModelName) => (rows[0]!.ms[m] === undefined ? 'n/a' : median(rows.map((x) => x.ms[m] as number)).toFixed(0));
  const ratios = rows.map((x) => x.ratio);
  const within = ratios.filter((x) => x <= TARGET).length;
  if (within >= Math.min(4, runs) && within * 5 >= runs * 4) met++;
  console.log(`| ${w.name} | ${MODEL_NAMES.map(med).join(' | ')} | ${median(ratios).toFixed(2)} | ${ratios.map((x) => x.toFixed(2)).join(' ')} | ${within} of ${runs} |`);
}
console.log(`\nauto() within ${TARGET}× of the best fixed model in at least 4 of 5 runs: ${met} of ${suite.length} workloads`);
if (jsonAt) writeFileSync(jsonAt, JSON.stringify({ withLoad, runs: allRuns }, null, 2));

