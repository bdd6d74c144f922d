// The checker's latency server: answers every request after `delayMs` with a
// small JSON body (the one SNIPPETS.md promises), on 127.0.0.1 and an ephemeral
// port, through the demo's own listen/close (src/demo/loopback.ts).
import { createServer } from 'node:http';
import { listenOnLoopback, type Listening } from '../../src/demo/loopback.js';

export type LatencyServer = Listening;

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
  return listenOnLoopback(server);
}
