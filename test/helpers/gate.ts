/**
 * A coordination server for tests, reachable from any executor (event loop,
 * threads, child processes): tasks report that they arrived somewhere and wait
 * for the test to open a gate, over real HTTP on 127.0.0.1. Events, not timing.
 *
 *   GET /hit/NAME    → records an arrival at NAME, answers at once
 *   GET /wait/NAME   → records an arrival at NAME, answers when the test opens NAME
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export class Gate {
  readonly url: string;
  private readonly counts = new Map<string, number>();
  private readonly arrivalWaiters = new Map<string, Array<{ n: number; resolve: () => void }>>();
  private readonly opened = new Set<string>();
  private readonly waiting = new Map<string, ServerResponse[]>();

  private constructor(private readonly server: ReturnType<typeof createServer>) {
    const { port } = server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(): Promise<Gate> {
    const holder: { gate?: Gate } = {};
    const server = createServer((req, res) => holder.gate?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.gate = new Gate(server);
    return holder.gate;
  }

  /** How many times NAME was reached. */
  count(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  /** Resolves once NAME has been reached `n` times in all. */
  arrived(name: string, n = 1): Promise<void> {
    if (this.count(name) >= n) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.arrivalWaiters.get(name) ?? [];
      list.push({ n, resolve });
      this.arrivalWaiters.set(name, list);
    });
  }

  /** Let every task waiting at NAME (now and later) go on. */
  open(name: string): void {
    this.opened.add(name);
    for (const res of this.waiting.get(name) ?? []) res.end('open');
    this.waiting.delete(name);
  }

  async close(): Promise<void> {
    for (const list of this.waiting.values()) for (const res of list) res.end('closed');
    this.waiting.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const [, verb, name = ''] = (req.url ?? '').split('/');
    const n = this.count(name) + 1;
    this.counts.set(name, n);
    const list = this.arrivalWaiters.get(name) ?? [];
    this.arrivalWaiters.set(
      name,
      list.filter((w) => {
        if (n >= w.n) w.resolve();
        return n < w.n;
      }),
    );
    res.setHeader('connection', 'close');
    if (verb === 'wait' && !this.opened.has(name)) {
      const queue = this.waiting.get(name) ?? [];
      queue.push(res);
      this.waiting.set(name, queue);
      return;
    }
    res.end('ok');
  }
}
