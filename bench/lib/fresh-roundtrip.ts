/**
 * One thread-pool contender in a process of its own, as a user meets it: start
 * the pool, WARM calls awaited one at a time, then SERIAL more, timed; prints
 * µs per round trip on stdout. Run by bench/threads.ts, case (f).
 *
 *   node --import tsx bench/lib/fresh-roundtrip.ts <contender-name>
 */
import { allPeers } from './thread-peers.js';

const WARM = 500;
const SERIAL = 3_000;
const name = process.argv[2];
const make = allPeers.find((m) => m.name === name);
if (!make) throw new Error(`no contender ${name}`);
const c = make();
for (let i = 0; i < WARM; i++) await c.run(i);
const start = performance.now();
for (let i = 0; i < SERIAL; i++) await c.run(i);
const us = ((performance.now() - start) * 1000) / SERIAL;
await c.close();
process.stdout.write(`${us}\n`);
