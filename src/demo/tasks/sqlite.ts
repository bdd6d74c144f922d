/**
 * Task module: real SQLite queries through a synchronous driver — Node's own
 * `node:sqlite` (Node ≥ 22.5) or, where that is missing, better-sqlite3 if it is
 * installed (it is not a dependency: it builds a native addon for minutes).
 * Each query runs to the end on the calling thread before anything else can: on
 * the event loop it blocks every timer and request; on a thread it blocks only
 * that thread. The driver is loaded when first needed, so the rest of the demo
 * runs where there is none.
 */
import { createRequire } from 'node:module';

interface Statement {
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): unknown;
}
interface Database {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  close(): void;
}
type DatabaseConstructor = new (file: string, options: { readonly: boolean }) => Database;

/** Which driver runs, or why none can, and the command that gives one. */
export type Driver = { name: 'node:sqlite' | 'better-sqlite3'; open: DatabaseConstructor } | { name: undefined; reason: string; enable: string };

const require = createRequire(import.meta.url);
let driver: Driver | undefined;

function nodeSqlite(): DatabaseConstructor | undefined {
  let mod: { DatabaseSync: new (file: string, options?: { readOnly?: boolean }) => Database } | undefined;
  try {
    // Node ≥ 22.13 without a flag (22.5–22.12 need --experimental-sqlite); absent on Node 20.
    mod = require('node:sqlite') as typeof mod;
  } catch {
    return undefined;
  }
  const { DatabaseSync } = mod!;
  return class {
    constructor(file: string, options: { readonly: boolean }) {
      return new DatabaseSync(file, { readOnly: options.readonly });
    }
  } as unknown as DatabaseConstructor;
}

/** The driver this thread uses (node:sqlite first), or why there is none; loaded once. */
export function loadDriver(): Driver {
  if (driver) return driver;
  const builtin = nodeSqlite();
  if (builtin) return (driver = { name: 'node:sqlite', open: builtin });
  try {
    const Better = require('better-sqlite3') as new (file: string, options?: { readonly?: boolean }) => Database;
    // The native part loads on first use: open one in memory now, so a binary built for
    // another Node version is found here (and the scenario skipped) rather than mid-run.
    new Better(':memory:').close();
    return (driver = { name: 'better-sqlite3', open: Better as DatabaseConstructor });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'MODULE_NOT_FOUND') {
      return (driver = {
        name: undefined,
        reason: `it needs a synchronous SQLite driver: node:sqlite is built into Node ≥ 22.5 (this is Node ${process.versions.node}), and better-sqlite3 is not installed`,
        enable: 'npm install --no-save better-sqlite3   (builds a native addon: a few minutes), or run the demo on Node ≥ 22.5',
      });
    }
    // ERR_DLOPEN_FAILED / NODE_MODULE_VERSION: installed, but built for another Node.
    return (driver = {
      name: undefined,
      reason: `better-sqlite3 is installed but cannot load here (${e.code ?? e.name}: it was likely built for another Node version than ${process.version})`,
      enable: 'npm rebuild better-sqlite3',
    });
  }
}

function open(file: string, readonly = false): Database {
  const d = loadDriver();
  if (!d.name) throw new Error(`SQLite scenario: ${d.reason}; to enable it: ${d.enable}`);
  return new d.open(file, { readonly });
}

const CATEGORIES = ['books', 'games', 'garden', 'kitchen', 'music', 'outdoor', 'tools', 'toys'];

/** Create the demo database: `rows` products with a name, a category and a price. */
export function createDatabase(file: string, rows: number): void {
  const db = open(file);
  try {
    db.exec('PRAGMA journal_mode = WAL; CREATE TABLE items (id INTEGER PRIMARY KEY, category TEXT, name TEXT, price REAL)');
    const insert = db.prepare('INSERT INTO items (category, name, price) VALUES (?, ?, ?)');
    // One transaction for every row (both drivers understand plain BEGIN/COMMIT).
    db.exec('BEGIN');
    let s = 7;
    for (let i = 0; i < rows; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      insert.run(CATEGORIES[s % CATEGORIES.length], `item ${(s >>> 8).toString(36)} ${i}`, (s % 10_000) / 100);
    }
    db.exec('COMMIT');
  } finally {
    db.close();
  }
}

const opened = new Map<string, Database>();

export interface ReportInput {
  file: string;
  /** A LIKE pattern on the name: every query scans the whole table. */
  pattern: string;
}

export interface ReportRow {
  category: string;
  n: number;
  avg: number;
}

/** The task: a report query (full scan, group by). Each thread opens the database once. */
export function report({ file, pattern }: ReportInput): ReportRow[] {
  let db = opened.get(file);
  if (!db) {
    db = open(file, true);
    opened.set(file, db);
  }
  return db
    .prepare('SELECT category, COUNT(*) AS n, ROUND(AVG(price), 4) AS avg FROM items WHERE name LIKE ? GROUP BY category ORDER BY category')
    .all(pattern) as ReportRow[];
}

/** Close the databases this thread opened (the demo's own thread, before deleting the file). */
export function closeAll(): void {
  for (const db of opened.values()) db.close();
  opened.clear();
}
