// The tasks of the workload suite: each a plain export with one clear behaviour.
// JavaScript, as in production: no TypeScript loader is needed in the workers.
import { createHash } from 'node:crypto';

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
