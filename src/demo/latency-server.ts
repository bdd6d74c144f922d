/**
 * A local HTTP server that answers after a fixed delay: the "remote API" the
 * waiting scenarios call. Listens on 127.0.0.1 only, on a free port.
 */
import { createServer, type Server } from 'node:http';
import { listenOnLoopback } from './loopback.js';

export interface LatencyServer {
  url: string;
  /** Requests answered so far. */
  readonly served: number;
  close(): Promise<void>;
}

export async function startLatencyServer(delayMs: number): Promise<LatencyServer> {
  let served = 0;
  const server: Server = createServer((req, res) => {
    const timer = setTimeout(() => {
      served++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ path: req.url, price: 42 }));
    }, delayMs);
    res.on('close', () => clearTimeout(timer));
  });
  server.keepAliveTimeout = 1000;
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    get served() {
      return served;
    },
    close,
  };
}
