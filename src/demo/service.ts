/**
 * The backend service of scenario 4: /health answers at once, /aggregate awaits
 * two upstream APIs, /thumbnail does CPU work through `thumb` — inline on the
 * event loop or handed to an executor. 127.0.0.1 only, on a free port.
 */
import { createServer } from 'node:http';
import { listenOnLoopback } from './loopback.js';
import { fetchPrice } from './tasks/apis.js';

export interface Thumb {
  width: number;
  height: number;
  checksum: string;
}

export interface Service {
  url: string;
  close(): Promise<void>;
}

export async function startService(
  thumb: (input: { size: number; seed: number }) => Thumb | Promise<Thumb>,
  upstreams: [string, string],
  size: number,
): Promise<Service> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const reply = (status: number, body: unknown) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    };
    const fail = (error: unknown) => reply(500, { error: String(error) });
    switch (url.pathname) {
      case '/health':
        return reply(200, { ok: true });
      case '/aggregate':
        return void Promise.all([fetchPrice(`${upstreams[0]}/stock`), fetchPrice(`${upstreams[1]}/price`)])
          .then(([a, b]) => reply(200, { total: a + b }), fail);
      case '/thumbnail': {
        const seed = Number(url.searchParams.get('seed') ?? Math.floor(Math.random() * 1000));
        return void Promise.resolve()
          .then(() => thumb({ size, seed }))
          .then((t) => reply(200, t), fail);
      }
      default:
        return reply(404, { error: 'not found' });
    }
  });
  server.keepAliveTimeout = 1000;
  return listenOnLoopback(server);
}
