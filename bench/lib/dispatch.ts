/**
 * The two dispatch measurements every pool benchmark makes, on any contenders:
 * a burst submitted at once (tasks/s) and tasks awaited one at a time (µs per
 * round trip); plus the bare request/response client the "raw" floors use.
 */
import { compare, type Sample } from './measure.js';

export interface Contender {
  name: string;
  run(input: unknown): Promise<unknown>;
  close(): Promise<void>;
}

/** Start the contenders, warm them (workers started, modules loaded), run `fn`, close them. */
export async function withContenders(make: () => Contender[], warm: number, fn: (cs: Contender[]) => Promise<void>): Promise<void> {
  const cs = make();
  for (const c of cs) await Promise.all(Array.from({ length: warm }, (_, i) => c.run(i)));
  try {
    await fn(cs);
  } finally {
    for (const c of cs) await c.close();
  }
}

/** `n` no-op tasks submitted at once: tasks per second, median of `runs`; `samples` gets every run. */
export async function burstRate(cs: Contender[], n: number, runs: number, samples?: Record<string, Sample>): Promise<Record<string, number>> {
  const measured = await compare(
    Object.fromEntries(cs.map((c) => [c.name, () => Promise.all(Array.from({ length: n }, (_, i) => c.run(i)))])),
    runs,
  );
  if (samples) Object.assign(samples, measured);
  return Object.fromEntries(Object.entries(measured).map(([name, s]) => [name, n / (s.ms / 1000)]));
}

/** `n` no-op tasks awaited one at a time: µs per round trip, median of `runs`. */
export async function roundTrip(cs: Contender[], n: number, runs: number): Promise<Record<string, number>> {
  const samples = await compare(
    Object.fromEntries(
      cs.map((c) => [
        c.name,
        async () => {
          for (let i = 0; i < n; i++) await c.run(i);
        },
      ]),
    ),
    runs,
  );
  return Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, (s.ms * 1000) / n]));
}

export function rows(values: Record<string, number>, unit: string) {
  return Object.entries(values).map(([name, value]) => ({ name, value, unit }));
}

/**
 * The floor: bare workers (threads or children) that echo `{ id, v }`, used
 * round-robin with one message per task and a map of resolvers.
 */
export function echoClient<W>(
  name: string,
  workers: W[],
  send: (worker: W, message: { id: number; v: unknown }) => void,
  listen: (worker: W, onMessage: (m: { id: number; v: unknown }) => void) => void,
  close: () => Promise<void>,
): Contender {
  const pending = new Map<number, (v: unknown) => void>();
  for (const w of workers) listen(w, (m) => pending.get(m.id)?.(m.v));
  let id = 0;
  return {
    name,
    run: (v) =>
      new Promise((resolve) => {
        const n = ++id;
        pending.set(n, (value) => {
          pending.delete(n);
          resolve(value);
        });
        send(workers[n % workers.length] as W, { id: n, v });
      }),
    close,
  };
}

/**
 * A peer's close that may not finish: poolifier's destroy() has been seen to wait
 * forever after a burst on a loaded machine (its workers idle, the promise never
 * settled). After `ms` the bench says so and runs `force` (terminate its workers
 * itself), so one peer's shutdown cannot hang the whole benchmark.
 */
export async function boundedClose(name: string, close: () => Promise<unknown>, force: () => Promise<unknown> | unknown, ms = 10_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  let outcome: 'closed' | 'late';
  try {
    outcome = await Promise.race([close().then(() => 'closed' as const), late]);
  } finally {
    clearTimeout(timer);
  }
  if (outcome === 'late') {
    console.log(`  (${name}: close did not finish in ${ms / 1000} s; its workers were stopped by the bench)`);
    await force();
  }
}
