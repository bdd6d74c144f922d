/**
 * What does `watch` cost a busy server? An HTTP server on 127.0.0.1 runs in a child process,
 * once plain and once under `--import boundwise/watch/register`; autocannon loads it for a fixed time.
 * Runs alternate (off on, on off, …) so drift on a noisy machine hits both sides; the median
 * requests/s of each side is compared. Target: the watched server keeps > 95 % of the throughput.
 *
 *   tsx bench/watch-overhead.ts [--runs 5] [--seconds 3]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const register = fileURLToPath(new URL('../src/watch/register.ts', import.meta.url));

function serve(): void {
  // A small but real handler: build and serialise a response, like a JSON API.
  const server = createServer((req, res) => {
    const body = JSON.stringify({ path: req.url, items: Array.from({ length: 20 }, (_, i) => ({ i, name: `item-${i}` })) });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address && typeof address === 'object') process.stdout.write(`${address.port}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

async function startServer(watched: boolean): Promise<{ child: ChildProcess; port: number }> {
  const args = ['--import', 'tsx', ...(watched ? ['--import', register] : []), self, '--serve'];
  const child = spawn(process.execPath, args, {
    // stderr ignored: on a loaded 2-core machine the server is sometimes descheduled for > 100 ms,
    // which the watchdog rightly reports as a block; the reports are not the subject here.
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { child, port: Number(chunk.toString().trim()) };
}

async function load(port: number, seconds: number): Promise<number> {
  // Imported here, not at the top: the server child runs this same file and must stay small.
  const { default: autocannon } = await import('autocannon');
  const result = await autocannon({ url: `http://127.0.0.1:${port}/x`, connections: 32, duration: seconds });
  return result.requests.average;
}

async function measure(watched: boolean, seconds: number): Promise<number> {
  const { child, port } = await startServer(watched);
  try {
    await load(port, 1); // warm-up: JIT, connection setup
    return await load(port, seconds);
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : (process.argv[i + 1] ?? fallback);
}

export async function runWatchOverhead(): Promise<{ ratio: number }> {
  const runs = Number(arg('runs', '5'));
  const seconds = Number(arg('seconds', '3'));
  const off: number[] = [];
  const on: number[] = [];
  // ABBA order: a slow patch of the machine hits both sides alike.
  for (let i = 0; i < runs; i++) {
    for (const watched of i % 2 === 0 ? [false, true] : [true, false]) {
      (watched ? on : off).push(await measure(watched, seconds));
    }
  }
  const ratio = median(on) / median(off);
  console.log(`watch overhead (${runs} runs × ${seconds}s, 32 connections)`);
  console.log(`  req/s off: median ${Math.round(median(off))}  [${off.map(Math.round).join(', ')}]`);
  console.log(`  req/s on:  median ${Math.round(median(on))}  [${on.map(Math.round).join(', ')}]`);
  console.log(`  throughput ratio on/off: ${ratio.toFixed(3)}  (cost ${((1 - ratio) * 100).toFixed(1)} %, target < 5 %)`);
  return { ratio };
}

if (process.argv.includes('--serve')) serve();
else if (process.argv[1] === self) await runWatchOverhead();
