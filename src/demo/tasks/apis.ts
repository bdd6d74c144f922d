/** Task module: call a (local) HTTP API and read one field — work that waits. */
export async function fetchPrice(url: string, { signal }: { signal?: AbortSignal } = {}): Promise<number> {
  const res = await fetch(url, signal ? { signal } : {});
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  const body = (await res.json()) as { price: number };
  return body.price;
}
