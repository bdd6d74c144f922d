/**
 * A real redis-server for tests and benches: started on 127.0.0.1 on a free
 * port with its own temporary directory, stopped (and the directory removed)
 * after. `redisAvailable` says whether Debian's redis-server is installed, so
 * suites skip with a clear message only when it is not.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

/**
 * On Linux, children started through `setpriv --pdeathsig` die with the test
 * process even when it is killed (a test timeout), instead of being left behind.
 */
const pdeathsig = spawnSync('setpriv', ['--help'], { encoding: 'utf8' }).stdout?.includes('--pdeathsig') ?? false;
export function dieWithParent(command: string, args: string[], signal: NodeJS.Signals = 'SIGTERM'): [string, string[]] {
  return pdeathsig ? ['setpriv', ['--pdeathsig', signal, command, ...args]] : [command, args];
}

export const redisAvailable = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
export const redisSkip = redisAvailable ? false : 'redis-server is not installed (apt-get install -y redis-server); cluster tests skipped';

export interface RedisOptions {
  /** requirepass: clients must AUTH with it. */
  password?: string;
  /** Turn on the append-only file: a restart (SHUTDOWN on SIGTERM writes it out) keeps every job. */
  persist?: boolean;
}

export interface TestRedis {
  readonly port: number;
  /** redis://127.0.0.1:PORT (no password in it). */
  readonly url: string;
  readonly dir: string;
  /** Stop the server (SHUTDOWN: it writes its files first); `start()` brings it back on the same port and dir. */
  stopServer(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
  /** Stop and remove the directory. */
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves when the port accepts a connection. Event-driven retries, no fixed sleep as an assertion. */
async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (i > 2000) throw new Error(`redis-server did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function startRedis(options: RedisOptions = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'boundwise-redis-'));
  let child: ChildProcess | undefined;
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--save', '',
    '--daemonize', 'no',
    '--loglevel', 'warning',
    '--logfile', join(dir, 'redis.log'),
    '--maxmemory-policy', 'noeviction',
    ...(options.persist ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : ['--appendonly', 'no']),
    ...(options.password ? ['--requirepass', options.password] : []),
  ];
  const start = async (): Promise<void> => {
    const [command, argv] = dieWithParent('redis-server', args);
    child = spawn(command, argv, { stdio: 'ignore' });
    await waitForPort(port, child);
  };
  const stopServer = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = once(c, 'exit');
    c.kill(signal);
    await exited;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    stopServer,
    start,
    async close() {
      await stopServer();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
