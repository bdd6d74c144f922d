// The checker's latency server: answers every request after `delayMs` with a
// small JSON body, on 127.0.0.1 and an ephemeral port.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LatencyServer {
  url: string;
  close(): Promise<void>;
}

export async function startLatencyServer(delayMs = 20): Promise<LatencyServer> {
  const server = createServer((req, res) => {
    const timer = setTimeout(() => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true, method: req.method, path: url.pathname, price: 42 }));
    }, delayMs);
    req.on('close', () => {
      if (!res.writableEnded) clearTimeout(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
