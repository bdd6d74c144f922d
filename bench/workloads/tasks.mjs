// The tasks of the workload suite: each a plain export with one clear behaviour.
// JavaScript, as in production: no TypeScript loader is needed in the workers.
import { createHash, pbkdf2Sync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile as readFileAsync } from 'node:fs/promises';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';

/** Nothing: used to start every executor's workers before timing. */
export function warm() {
  return 0;
}

/** Async waiting: one request to the local latency server. */
export async function fetchJson(url, { signal }) {
  const res = await fetch(url, { signal });
  const body = await res.json();
  return body.price;
}

/** Async waiting in a chain: three requests one after the other. */
export async function fetchThree(url, { signal }) {
  let total = 0;
  for (let i = 0; i < 3; i++) {
    const res = await fetch(`${url}/${i}`, { signal });
    total += (await res.json()).price;
  }
  return total;
}

/** Blocking waiting: a synchronous sleep, as a blocking driver would do. */
export function blockingWait(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  return ms;
}

/** Heavy CPU: SHA-256 chained `rounds` times (tens of ms). */
export function hashRounds({ seed, rounds }) {
  let h = Buffer.from(seed);
  for (let i = 0; i < rounds; i++) h = createHash('sha256').update(h).digest();
  return h.toString('hex', 0, 8);
}

/** Tiny CPU: microseconds. */
export function countTokens(text) {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 32) n++;
  return n + 1;
}

/** A few ms of CPU that crashes its worker on every tenth input. */
export function flaky({ n, rounds }) {
  const h = hashRounds({ seed: String(n), rounds });
  if (n % 10 === 9) process.exit(9);
  return h;
}

/** A short blocking syscall: one small file, from the page cache. */
export function readSmall(path) {
  return readFileSync(path).length;
}

/** Work handed to libuv's pool: an async gzip of 64 KB. */
const gzipAsync = promisify(gzip);
const block = Buffer.alloc(64 * 1024, 'boundwise gzip workload ');
export function gzipBlock(level) {
  return gzipAsync(block, { level }).then((b) => b.length);
}

/** About 1 ms of CPU: a 3×3 blur over a 160×120 image. */
const W = 160;
const H = 120;
const image = new Float64Array(W * H).map((_, i) => (i * 7919) % 255);
export function blur(passes) {
  let src = image;
  for (let p = 0; p < passes; p++) {
    const out = new Float64Array(W * H);
    for (let y = 1; y < H - 1; y++) {
      for (let x = 1; x < W - 1; x++) {
        let s = 0;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += src[(y + dy) * W + x + dx];
        out[y * W + x] = s / 9;
      }
    }
    src = out;
  }
  return src[W + 1];
}

/** CPU, then a wait: a 5 ms calculation followed by a 20 ms await. */
export async function cpuThenAwait({ cpuMs, waitMs }) {
  const done = spinFor(cpuMs);
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  return done;
}

/** A large synchronous parse: JSON.parse of a file of about 5 MB. */
export function parseJsonFile(path) {
  return JSON.parse(readFileSync(path, 'utf8')).items.length;
}

/** A Map lookup: nanoseconds. */
const table = new Map(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
export function lookup(key) {
  return table.get(key) ?? -1;
}

/** A password hash: pbkdf2Sync, CPU in native code. */
export function hashPassword({ password, iterations }) {
  return pbkdf2Sync(password, 'salt', iterations, 32, 'sha256').toString('hex', 0, 8);
}

/** A little work on a large input: the input must be copied to reach a worker (8 MB, ~1 ms of adding up). */
export function sumValues(values) {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s;
}

/** A large output from a small input: a 4 MB array that must be copied back from a worker. */
export function makeValues(n) {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = i * 0.5;
  return out;
}

/** `ms` of CPU by the clock: a small synchronous task of a chosen size. */
export function spinFor(ms) {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x++;
  return x > 0 ? 1 : 0;
}

/** Async, then CPU: reads this file, then calculates `ms` (the CPU is in a continuation, after an await). */
const self = new URL(import.meta.url);
export async function readThenSpin(ms) {
  const text = await readFileAsync(self, 'utf8');
  return text.length + spinFor(ms);
}
