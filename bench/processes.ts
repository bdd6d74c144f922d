/**
 * processes() against tinypool's child_process runtime, poolifier's cluster
 * pool and a raw fork() echo, in one run, 2 children each:
 *   (a) 20,000 no-op tasks submitted at once → tasks/s
 *   (b) 2,000 no-op tasks awaited one at a time → µs per round trip
 *   (c) start a pool of 2 and run its first task → ms
 * plus processes() / threads() for (a) and (b). Medians of RUNS rounds
 * (default 5), contenders interleaved round-robin; ratios printed.
 *
 * Like a user in production, every contender runs compiled JavaScript with
 * plain children (execArgv: []): boundwise from dist/ (built by npm run bench),
 * so its children do not pay for tsx transforming
 * TypeScript, and no contender's children load the tsx loader (poolifier's
 * cluster workers cannot start under it at all). SOURCE=1 measures src/ under
 * tsx instead, with every contender's children inheriting the tsx flags except
 * poolifier's.
 *
 *   npx tsx bench/processes.ts        RUNS=7 npx tsx bench/processes.ts
 */
import { median } from './lib/measure.js';
import { burstRate, roundTrip, rows, withContenders } from './lib/dispatch.js';
import { printTable, printTarget, ratio } from './lib/report.js';
import { boundwiseThreads, processPeers as makePeers, type Boundwise } from './lib/process-peers.js';

const RUNS = Math.max(5, Number(process.env.RUNS ?? 5));
const BURST = 20_000;
const SERIAL = 2_000;
const US = 'boundwise processes()';

async function loadBoundwise(): Promise<{ bw: Boundwise; execArgv: string[]; how: string }> {
  if (process.env.SOURCE === '1') {
    const [{ processes }, { threads }, { tasks }] = await Promise.all([
      import('../src/processes/index.js'),
      import('../src/threads/index.js'),
      import('../src/task.js'),
    ]);
    return { bw: { processes, threads, tasks }, execArgv: process.execArgv, how: 'src/ under tsx, children inherit the tsx flags' };
  }
  // The compiled package in dist/ (npm run bench builds it first), as users get it.
  const { processes, threads, tasks } = await import('./lib/boundwise.js');
  // dist's classes are the same code as src's types describe (private members make them nominal).
  const bw = { processes, threads, tasks } as unknown as Boundwise;
  return { bw, execArgv: [], how: 'compiled JavaScript, plain children (execArgv: [])' };
}

const { bw, execArgv, how } = await loadBoundwise();
const processPeers = makePeers(bw, execArgv);
const PEERS = ['tinypool child_process', 'poolifier cluster'];

const contenders = () => [...Object.values(processPeers).map((make) => make()), boundwiseThreads(bw, execArgv)];

async function burst(): Promise<Record<string, number>> {
  let out: Record<string, number> = {};
  await withContenders(contenders, 500, async (cs) => {
    out = await burstRate(cs, BURST, RUNS);
  });
  printTable(`(a) ${BURST.toLocaleString('en')} no-op tasks submitted at once — tasks/s`, rows(out, 'tasks/s'), US, true);
  return out;
}

async function serial(): Promise<Record<string, number>> {
  let out: Record<string, number> = {};
  await withContenders(contenders, 500, async (cs) => {
    out = await roundTrip(cs, SERIAL, RUNS);
  });
  printTable(`(b) ${SERIAL.toLocaleString('en')} no-op tasks awaited one at a time — µs per round trip`, rows(out, 'µs'), US, false);
  return out;
}

async function startup(): Promise<Record<string, number>> {
  // Round-robin like compare(), but only construct → first result is timed; each pool is closed before the next starts.
  const all: Record<string, number[]> = Object.fromEntries(Object.keys(processPeers).map((n) => [n, []]));
  for (let round = -1; round < RUNS; round++) {
    for (const [name, make] of Object.entries(processPeers)) {
      const t0 = performance.now();
      const c = make();
      await c.run(1);
      const ms = performance.now() - t0;
      await c.close();
      if (round >= 0) (all[name] as number[]).push(ms);
    }
  }
  const out = Object.fromEntries(Object.entries(all).map(([n, runs]) => [n, median(runs)]));
  printTable('(c) start a pool of 2 and run its first task — ms', rows(out, 'ms'), US, false);
  return out;
}

console.log(`processes() benchmark — Node ${process.version}, 2 children each, medians of ${RUNS} rounds; ${how}`);
const a = await burst();
const b = await serial();
const c = await startup();

const best = (values: Record<string, number>, higher: boolean) =>
  PEERS.map((p) => values[p] as number).reduce((x, y) => (higher ? Math.max(x, y) : Math.min(x, y)));
const FLOOR = 'raw fork (advanced)';
const POOLIFIER = 'poolifier cluster';
console.log('\nTargets (issue 20): times are boundwise / the other (lower is better), rates boundwise / best peer');
printTarget('(a) tasks/s ≥ 10× the best peer (tinypool child_process, poolifier cluster)', ratio(a[US] as number, best(a, true), true), 10);
printTarget("(b) round trip ≤ 1× poolifier cluster's", (b[US] as number) / (b[POOLIFIER] as number), 1, false);
printTarget('(b) round trip ≤ 1.15× the bare fork with the same serialization (raw fork (advanced))', (b[US] as number) / (b[FLOOR] as number), 1.15, false);
printTarget("(c) start-up ≤ 1× poolifier cluster's", (c[US] as number) / (c[POOLIFIER] as number), 1, false);
console.log(`\nprocesses() / threads(): (a) ${(ratio(a[US] as number, a['boundwise threads()'] as number, true)).toFixed(2)}× the throughput, (b) ${((b[US] as number) / (b['boundwise threads()'] as number)).toFixed(2)}× the round trip`);
