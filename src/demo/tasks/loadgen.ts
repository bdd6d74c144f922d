/**
 * Task module: a bounded load generator, run on its own thread so its clock is
 * not the server's event loop. A fixed number of connections per path, each
 * sending its next request when the previous answer arrives, for a fixed time.
 *
 * Why not autocannon (a dev dependency, which the benches use): the demo runs from
 * the installed package (`npx boundwise demo`), so whatever it imports must be a
 * runtime dependency of every boundwise user — autocannon brings 20-odd packages
 * (hdr-histogram-js, chalk, cli-table3, …) for one scenario. And the scenario needs
 * different connection counts per path in one timed window with per-path p50/p99,
 * which would be one autocannon instance per path. This is 70 lines of node:http.
 */
import { Agent, request } from 'node:http';

export interface LoadInput {
  url: string;
  durationMs: number;
  /** Concurrent connections per path, e.g. { '/health': 2, '/thumbnail': 4 }. */
  connections: Record<string, number>;
}

export interface PathLoad {
  requests: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
}

function get(agent: Agent, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

export async function load({ url, durationMs, connections }: LoadInput): Promise<Record<string, PathLoad>> {
  const total = Object.values(connections).reduce((a, b) => a + b, 0);
  const agent = new Agent({ keepAlive: true, maxSockets: total });
  const end = performance.now() + durationMs;
  const out: Record<string, PathLoad> = {};
  try {
    await Promise.all(
      Object.entries(connections).map(async ([path, n]) => {
        const latencies: number[] = [];
        let errors = 0;
        await Promise.all(
          Array.from({ length: n }, async () => {
            while (performance.now() < end) {
              const t0 = performance.now();
              try {
                await get(agent, url + path);
                latencies.push(performance.now() - t0);
              } catch {
                errors++;
              }
            }
          }),
        );
        latencies.sort((a, b) => a - b);
        out[path] = { requests: latencies.length, errors, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: latencies.at(-1) ?? 0 };
      }),
    );
  } finally {
    agent.destroy();
  }
  return out;
}
