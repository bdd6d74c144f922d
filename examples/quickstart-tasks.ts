// Task module for the quickstart: plain exported functions.
import { createHash } from 'node:crypto';

/** CPU work: hash a buffer many times over. */
export function digest({ seed, rounds }: { seed: string; rounds: number }): string {
  let h = Buffer.from(seed);
  for (let i = 0; i < rounds; i++) h = createHash('sha256').update(h).digest();
  return h.toString('hex').slice(0, 16);
}
