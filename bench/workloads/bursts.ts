/**
 * Bursts of calls, one process per model: `--bursts` bursts of `--calls` calls at
 * once, of `--ms` of CPU each, ms per burst. Whether auto() keeps a 0.2 ms
 * synchronous task on threads burst after burst (threads are ~1.8× the loop on 2
 * cores), and does not call it tiny once its dispatch-cost estimate has seen
 * round trips that waited for the burst's own submission. `--async`: an async
 * function that reads a file, then calculates (its CPU after an await): whether
 * auto() moves it to threads after its first bursts on the loop.
 *
 *   npx tsx bench/workloads/bursts.ts [--ms 0.2,0.5] [--calls 2000] [--bursts 4]
 *   npx tsx bench/workloads/bursts.ts --async --ms 5 --calls 60
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loop, threads, auto, type Executor } from '../lib/boundwise.js';
import { t } from './workloads.js';

const argv = process.argv.slice(2);
const value = (name: string) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
type Model = 'loop' | 'threads' | 'auto';

if (argv[0] === '--one') {
  const [, model, msText, callsText, burstsText, kind] = argv as [string, Model, string, string, string, string];
  const task = kind === 'async' ? t.readThenSpin : t.spinFor;
  const ex: Executor = { loop: () => loop(), threads: () => threads(), auto: () => auto() }[model]();
  await Promise.all(Array.from({ length: 4 }, () => ex.run(t.warm, undefined)));
  const times: number[] = [];
  for (let b = 0; b < Number(burstsText); b++) {
    const start = performance.now();
    await Promise.all(Array.from({ length: Number(callsText) }, () => ex.run(task, Number(msText))));
    times.push(performance.now() - start);
  }
  let where = '';
  if (model === 'auto') {
    const report = Object.entries((ex as ReturnType<typeof auto>).stats().tasks).find(([name]) => name.endsWith(`#${task.name}`))?.[1];
    if (report) where = `${report.model}: ${Object.entries(report.profile.runsByModel).filter(([, n]) => n > 0).map(([m, n]) => `${n} on ${m}`).join(', ')}`;
  }
  await ex.close();
  console.log(JSON.stringify({ times, where }));
} else {
  const sizes = (value('--ms') ?? '0.2,0.5').split(',').map(Number);
  const calls = value('--calls') ?? '2000';
  const bursts = value('--bursts') ?? '4';
  const kind = argv.includes('--async') ? 'async' : 'sync';
  const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
  const self = fileURLToPath(import.meta.url);
  console.log(`bursts of ${calls} ${kind === 'async' ? 'async calls (read, then calculate)' : 'calls'} at once, ${bursts} per process, ms per burst`);
  for (const ms of sizes) {
    for (const model of ['loop', 'threads', 'auto'] as const) {
      const r = spawnSync(tsx, [self, '--one', model, String(ms), calls, bursts, kind], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${model} failed: ${r.stderr}`);
      const { times, where } = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { times: number[]; where: string };
      console.log(`  ${String(ms).padEnd(5)} ms  ${model.padEnd(8)} ${times.map((x) => x.toFixed(0).padStart(6)).join('')}${where ? `   (${where})` : ''}`);
    }
  }
}
