// A TypeScript task module, as a user writes it (types that must be stripped or compiled).
interface Box {
  n: number;
}

export function square(input: Box): number {
  const n: number = input.n;
  return n * n;
}

export async function later(n: number): Promise<string> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  return `later ${n}`;
}
