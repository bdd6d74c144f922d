/** Task fixtures for the pipeline tests: coordination through the HTTP Gate, never timing. */
import type { TaskContext } from '../../src/task.js';

export interface Held {
  gate: string;
  name: string;
  fail?: boolean;
}

/** Fails when told to, once the test opens `go`; otherwise waits for its signal (and reports that it was aborted). */
export async function waitOrFail({ gate, name, fail }: Held, { signal }: TaskContext): Promise<string> {
  if (fail) {
    await fetch(`${gate}/wait/go`);
    throw new RangeError(`${name} is bad`);
  }
  await fetch(`${gate}/hit/${name}`);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await fetch(`${gate}/hit/${name}-aborted`);
  throw signal.reason;
}

/** Reports arrival at `name`, waits until the test opens it, returns the name. */
export async function held({ gate, name }: Held, { signal }: TaskContext): Promise<string> {
  const res = await fetch(`${gate}/wait/${name}`, { signal });
  await res.text();
  return name;
}

export function square(n: number): number {
  return n * n;
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Exits its worker on one chosen input. */
export function exitsOn({ n, crashAt }: { n: number; crashAt: number }): number {
  if (n === crashAt) process.exit(7);
  return n;
}

export function failsOn({ n, bad }: { n: number; bad: number }): number {
  if (n === bad) throw new TypeError(`${n} is bad`);
  return n;
}
