/**
 * One ioredis connection watched for the two things boundwise must report
 * rather than retry forever: Redis not answering within a bounded time, and
 * credentials Redis refuses (retrying cannot fix a wrong password).
 */
import { Redis } from 'ioredis';
import { ClusterUnavailableError } from '../errors.js';
import { ioredisOptions, isAuthError, type ResolvedConnection } from './connection.js';

export class WatchedRedis {
  readonly client: Redis;
  /** Since when Redis has been unreachable (performance.now()), or undefined while it answers. */
  downSince: number | undefined = performance.now();
  everReady = false;
  lastError: unknown;
  /** Set once Redis refused the credentials: nothing will work until they change. */
  fatal: ClusterUnavailableError | undefined;
  private readonly waiters = new Set<{ resolve: () => void; reject: (e: unknown) => void; timer: NodeJS.Timeout }>();
  private readonly onUp: Array<() => void> = [];

  constructor(
    private readonly conn: ResolvedConnection,
    connectTimeout: number,
    name: string,
  ) {
    this.client = new Redis({ ...ioredisOptions(conn, connectTimeout), connectionName: name, lazyConnect: false });
    this.client.on('ready', () => {
      const wasDown = this.everReady && this.downSince !== undefined;
      this.downSince = undefined;
      this.everReady = true;
      for (const w of this.waiters) {
        clearTimeout(w.timer);
        w.resolve();
      }
      this.waiters.clear();
      if (wasDown) for (const f of this.onUp) f();
    });
    this.client.on('close', () => {
      this.downSince ??= performance.now();
    });
    this.client.on('error', (error: unknown) => {
      this.lastError = error;
      if (isAuthError(error) && !this.fatal) {
        this.fatal = new ClusterUnavailableError(conn.label, `refused the credentials (${(error as Error).message.split('\n')[0]}); check the user and password`, { cause: error });
        this.client.disconnect(false);
        for (const w of this.waiters) {
          clearTimeout(w.timer);
          w.reject(this.fatal);
        }
        this.waiters.clear();
      }
    });
  }

  get up(): boolean {
    return this.downSince === undefined && this.fatal === undefined;
  }

  /** Called after Redis comes back from an outage. */
  whenBack(f: () => void): void {
    this.onUp.push(f);
  }

  unavailable(ms: number): ClusterUnavailableError {
    const e = this.lastError instanceof Error ? this.lastError : undefined;
    return new ClusterUnavailableError(
      this.conn.label,
      `did not answer for ${ms} ms${e ? ` (last error: ${e.message.split('\n')[0]})` : ''}`,
      e ? { cause: e } : undefined,
    );
  }

  /** Resolves when Redis answers; rejects with ClusterUnavailableError after `ms` or at once on refused credentials. */
  ready(ms: number): Promise<void> {
    if (this.fatal) return Promise.reject(this.fatal);
    if (this.up) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(w);
          reject(this.fatal ?? this.unavailable(ms));
        }, ms),
      };
      this.waiters.add(w);
    });
  }

  async close(): Promise<void> {
    for (const w of this.waiters) clearTimeout(w.timer);
    this.waiters.clear();
    if (this.client.status === 'end') return;
    try {
      if (this.up) await this.client.quit();
      else this.client.disconnect(false);
    } catch {
      this.client.disconnect(false);
    }
  }
}
