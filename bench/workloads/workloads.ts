/**
 * The workloads: one per class of work the concurrency guides argue about, and
 * the seven of issue 13 that fooled auto() before. Each submits a burst to one
 * executor and waits for all of it; the driver (index.ts) times it.
 */
import type { Executor } from '../lib/boundwise.js';
import { tasks } from '../lib/boundwise.js';

interface WorkloadTasks {
  warm(): number;
  fetchJson(url: string): Promise<number>;
  fetchThree(url: string): Promise<number>;
  blockingWait(ms: number): number;
  hashRounds(input: { seed: string; rounds: number }): string;
  countTokens(text: string): number;
  flaky(input: { n: number; rounds: number }): string;
  readSmall(path: string): number;
  gzipBlock(level: number): Promise<number>;
  blur(passes: number): number;
  cpuThenAwait(input: { cpuMs: number; waitMs: number }): Promise<number>;
  parseJsonFile(path: string): number;
  lookup(key: string): number;
  hashPassword(input: { password: string; iterations: number }): string;
  sumValues(values: Float64Array): number;
  makeValues(n: number): Float64Array;
  spinFor(ms: number): number;
  readThenSpin(ms: number): Promise<number>;
}
export const t = tasks<WorkloadTasks>(new URL('./tasks.mjs', import.meta.url));

export type ModelName = 'loop' | 'threads' | 'processes' | 'auto';
export const MODEL_NAMES: readonly ModelName[] = ['loop', 'threads', 'processes', 'auto'];

export interface Context {
  /** The latency servers (in the driver's process): one answering after 20 ms, one after 15 ms. */
  url20: string;
  url15: string;
  /** A directory of 300 small files (0.txt …) and a 5 MB JSON file (big.json). */
  dir: string;
  quick: boolean;
  /** The executor is created inside the timing, with nothing started (--cold). */
  cold?: boolean;
}

export interface Workload {
  id: string;
  name: string;
  /** Models that cannot run it safely (a crash on the loop takes the process down). */
  skip?: ModelName[];
  /** Failures the workload causes on purpose. */
  expectedFailures?: number;
  /** The calls it submits (for the check that auto()'s counts add up). */
  calls: number;
  run(ex: Executor, ctx: Context): Promise<number>;
}

const failures = async (ps: Promise<unknown>[]) => (await Promise.allSettled(ps)).filter((x) => x.status === 'rejected').length;
const times = <T>(n: number, f: (i: number) => Promise<T>) => Array.from({ length: n }, (_, i) => f(i));

export function workloads(quick: boolean): Workload[] {
  const q = (full: number, small: number) => (quick ? small : full);
  const n = {
    waits: q(150, 60),
    fetch3: q(120, 40),
    blocking: q(40, 16),
    heavy: q(24, 8),
    heavyRounds: q(40_000, 20_000),
    tiny: q(20_000, 5_000),
    flaky: q(60, 30),
    files: q(300, 100),
    gzip: q(100, 40),
    blur: q(300, 100),
    mixed: q(150, 50),
    parses: q(40, 10),
    lookups: q(50_000, 10_000),
    pbkdf2: q(120, 30),
    payloads: q(120, 40),
  };
  // One 8 MB input, shared by every call of the large-input workload (each call copies it to a worker).
  const values = new Float64Array(1_000_000).map((_, i) => i % 7);
  const texts = Array.from({ length: n.tiny }, (_, i) => `token ${i} and a few more words ${i % 17}`);
  return [
    { id: 'fetch', name: `async burst: ${n.waits} requests at once to a server answering after 20 ms`, calls: n.waits,
      run: (ex, c) => failures(times(n.waits, (i) => ex.run(t.fetchJson, `${c.url20}/sku/${i}`))) },
    { id: 'fetch3', name: `async chains: ${n.fetch3} × 3 sequential requests to a 15 ms server`, calls: n.fetch3,
      run: (ex, c) => failures(times(n.fetch3, (i) => ex.run(t.fetchThree, `${c.url15}/chain/${i}`))) },
    { id: 'blocking', name: `blocking waits: ${n.blocking} synchronous 20 ms sleeps (Atomics.wait)`, calls: n.blocking,
      run: (ex) => failures(times(n.blocking, () => ex.run(t.blockingWait, 20))) },
    { id: 'heavy', name: `heavy CPU: ${n.heavy} × ${n.heavyRounds.toLocaleString('en')} SHA-256 rounds`, calls: n.heavy,
      run: (ex) => failures(times(n.heavy, (i) => ex.run(t.hashRounds, { seed: `s${i}`, rounds: n.heavyRounds }))) },
    { id: 'tiny', name: `tiny CPU: counting tokens in ${n.tiny.toLocaleString('en')} short strings`, calls: n.tiny,
      run: (ex) => failures(texts.map((s) => ex.run(t.countTokens, s))) },
    { id: 'mix', name: `the mix: waits, heavy CPU and tiny CPU submitted together`, calls: n.waits / 2 + n.heavy / 2 + n.tiny / 4,
      run: (ex, c) => failures([
        ...times(n.waits / 2, (i) => ex.run(t.fetchJson, `${c.url20}/mix/${i}`)),
        ...times(n.heavy / 2, (i) => ex.run(t.hashRounds, { seed: `m${i}`, rounds: n.heavyRounds })),
        ...texts.slice(0, n.tiny / 4).map((s) => ex.run(t.countTokens, s)),
      ]) },
    { id: 'crash', name: `a task that crashes its worker: ${n.flaky} tasks, 1 in 10 exits`, calls: n.flaky, skip: ['loop'], expectedFailures: n.flaky / 10,
      run: (ex) => failures(times(n.flaky, (i) => ex.run(t.flaky, { n: i, rounds: 2_000 }))) },
    { id: 'readfile', name: `short blocking syscalls: readFileSync of ${n.files} small files`, calls: n.files,
      run: (ex, c) => failures(times(n.files, (i) => ex.run(t.readSmall, `${c.dir}/${i % 300}.txt`))) },
    { id: 'gzip', name: `libuv-backed async work: ${n.gzip} × zlib.gzip of 64 KB`, calls: n.gzip,
      run: (ex) => failures(times(n.gzip, () => ex.run(t.gzipBlock, 6))) },
    { id: 'blur', name: `1 ms CPU: ${n.blur} small blurs`, calls: n.blur,
      run: (ex) => failures(times(n.blur, () => ex.run(t.blur, 3))) },
    { id: 'cpu-await', name: `CPU then await: ${n.mixed} × (5 ms CPU, then a 20 ms await)`, calls: n.mixed,
      run: (ex) => failures(times(n.mixed, () => ex.run(t.cpuThenAwait, { cpuMs: 5, waitMs: 20 }))) },
    { id: 'parse', name: `large synchronous parses: ${n.parses} × JSON.parse of 5 MB`, calls: n.parses,
      run: (ex, c) => failures(times(n.parses, () => ex.run(t.parseJsonFile, `${c.dir}/big.json`))) },
    { id: 'lookup', name: `a Map lookup × ${n.lookups.toLocaleString('en')}`, calls: n.lookups,
      run: (ex) => failures(times(n.lookups, (i) => ex.run(t.lookup, `k${i % 12_000}`))) },
    { id: 'pbkdf2', name: `native CPU: ${n.pbkdf2} × pbkdf2Sync (20,000 iterations)`, calls: n.pbkdf2,
      run: (ex) => failures(times(n.pbkdf2, (i) => ex.run(t.hashPassword, { password: `p${i}`, iterations: 20_000 }))) },
    { id: 'big-in', name: `a large input: ${n.payloads} × summing an 8 MB Float64Array passed by value`, calls: n.payloads,
      run: (ex) => failures(times(n.payloads, () => ex.run(t.sumValues, values))) },
    { id: 'big-out', name: `a large output: ${n.payloads} × building a 4 MB Float64Array`, calls: n.payloads,
      run: (ex) => failures(times(n.payloads, () => ex.run(t.makeValues, 500_000))) },
  ];
}
