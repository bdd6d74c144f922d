/**
 * `npm run bench`: every benchmark, one after the other, each in its own
 * process (so one cannot warm or pollute another), against the compiled
 * package. Output goes to the terminal and to .bench-results/ (one file each).
 *
 *   npm run bench [-- --quick] [-- --load[=N]] [-- only-substring…]
 *
 * --load runs N CPU hogs (default 2, one per core here) beside the benches that take it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const benches = ['threads.ts', 'processes.ts', 'loop.ts', 'workloads/index.ts', 'watch-overhead.ts', 'pipeline.ts', 'cluster.ts'];
const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith('--'));
const passed = args.filter((a) => a === '--quick' || a.startsWith('--load'));
const out = fileURLToPath(new URL('../.bench-results/', import.meta.url));
mkdirSync(out, { recursive: true });

let failed = 0;
for (const bench of benches) {
  if (only.length && !only.some((o) => bench.includes(o))) continue;
  const file = fileURLToPath(new URL(`./${bench}`, import.meta.url));
  console.log(`\n━━ ${bench} ${'━'.repeat(Math.max(0, 60 - bench.length))}`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', file, ...passed], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(r.stdout);
  writeFileSync(`${out}${bench.replace(/\W+/g, '-')}.txt`, r.stdout);
  if (r.status !== 0) {
    failed++;
    console.log(`(${bench} exited with ${r.status ?? r.signal})`);
  }
}
process.exitCode = failed ? 1 : 0;
