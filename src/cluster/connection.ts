/**
 * Where Redis is and how to log in: a `redis://` / `rediss://` URL or an object.
 * Everything that is shown to a person (errors, logs, stats) uses `label`, the
 * URL with any password replaced by `***`; the password itself only ever goes
 * to ioredis.
 */
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { InvalidOptionError } from '../errors.js';

export interface RedisConnection {
  /** redis://[user[:password]@]host[:port][/db] or rediss:// for TLS. Fields below override it. */
  url?: string;
  host?: string;
  port?: number;
  /** ACL user (Redis 6+). */
  username?: string;
  password?: string;
  db?: number;
  /** true (or TLS options: ca, cert, servername…) for TLS; implied by rediss://. */
  tls?: boolean | TlsOptions;
}

export type Connection = string | RedisConnection;

export interface ResolvedConnection {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls?: TlsOptions;
  /** For people: the URL without its password. */
  label: string;
}

const DEFAULT_PORT = 6379;

export function resolveConnection(owner: string, connection: unknown): ResolvedConnection {
  const given: RedisConnection =
    typeof connection === 'string' ? { url: connection } : connection && typeof connection === 'object' ? (connection as RedisConnection) : {};
  if (typeof connection !== 'string' && (connection === null || typeof connection !== 'object')) {
    throw new InvalidOptionError('connection', `${owner}: option "connection" must be a redis:// URL or { host, port, password, … }, got ${String(connection)}`);
  }
  let host = '127.0.0.1';
  let port = DEFAULT_PORT;
  let username: string | undefined;
  let password: string | undefined;
  let db = 0;
  let tls: TlsOptions | undefined;
  if (given.url !== undefined) {
    let u: URL;
    try {
      u = new URL(given.url);
    } catch {
      throw new InvalidOptionError('connection', `${owner}: option "connection" is not a URL: ${redactUrlText(String(given.url))}`);
    }
    if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
      throw new InvalidOptionError('connection', `${owner}: option "connection" must be a redis:// or rediss:// URL, got ${u.protocol}`);
    }
    host = u.hostname.replace(/^\[|\]$/g, '') || host;
    if (u.port) port = Number(u.port);
    if (u.username) username = decodeURIComponent(u.username);
    if (u.password) password = decodeURIComponent(u.password);
    const path = u.pathname.replace(/^\//, '');
    if (path) {
      db = Number(path);
      if (!Number.isInteger(db) || db < 0) throw new InvalidOptionError('connection', `${owner}: the database in the URL must be a number, got "${path}"`);
    }
    if (u.protocol === 'rediss:') tls = {};
  }
  if (given.host !== undefined) host = given.host;
  if (given.port !== undefined) port = given.port;
  if (given.username !== undefined) username = given.username;
  if (given.password !== undefined) password = given.password;
  if (given.db !== undefined) db = given.db;
  if (given.tls !== undefined && given.tls !== false) tls = given.tls === true ? {} : given.tls;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new InvalidOptionError('connection', `${owner}: the Redis port must be 1-65535, got ${String(port)}`);
  }
  const auth = username || password ? `${username ? encodeURIComponent(username) : ''}${password ? ':***' : ''}@` : '';
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const label = `${tls ? 'rediss' : 'redis'}://${auth}${hostPart}:${port}${db ? `/${db}` : ''}`;
  return { host, port, db, label, ...(username !== undefined && { username }), ...(password !== undefined && { password }), ...(tls && { tls }) };
}

/** A URL typed by a person, with its password (if any) hidden: for messages about a URL that did not parse. */
export function redactUrlText(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^@]*@/i, (_m, scheme: string | undefined) => `${scheme ?? ''}***@`);
}

/** Options for ioredis (also handed to BullMQ, which makes its own connections from them). */
export function ioredisOptions(c: ResolvedConnection, connectTimeout: number) {
  return {
    host: c.host,
    port: c.port,
    db: c.db,
    ...(c.username !== undefined && { username: c.username }),
    ...(c.password !== undefined && { password: c.password }),
    ...(c.tls && { tls: c.tls }),
    // Commands wait through a reconnect instead of failing after 20 retries:
    // boundwise bounds the wait itself (unavailableTimeout) and says why.
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    connectTimeout,
    // Reconnect quickly at first, then every second: a restarted Redis is found within ~1 s.
    retryStrategy: (times: number) => Math.min(50 * 2 ** times, 1_000),
  };
}

/** Errors that retrying cannot fix: wrong password, unknown user, missing ACL permission. */
export function isAuthError(error: unknown): boolean {
  const m = error instanceof Error ? error.message : String(error);
  return /WRONGPASS|NOAUTH|NOPERM|invalid password|invalid username-password/i.test(m);
}
