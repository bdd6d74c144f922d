/**
 * Task module: real SQLite queries through better-sqlite3, a synchronous driver.
 * Each query runs to the end on the calling thread before anything else can: on
 * the event loop it blocks every timer and request; on a thread it blocks only
 * that thread. better-sqlite3 is loaded when first needed, so the rest of the
 * demo runs where it is not installed.
 */
import { createRequire } from 'node:module';

interface Statement {
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): unknown;
}
interface Database {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  close(): void;
}
type DatabaseConstructor = new (file: string, options?: { readonly?: boolean }) => Database;

let driver: DatabaseConstructor | undefined;

/** The better-sqlite3 constructor; throws (MODULE_NOT_FOUND) where it is not installed. */
export function loadDriver(): DatabaseConstructor {
  if (!driver) {
    const Database = createRequire(import.meta.url)('better-sqlite3') as DatabaseConstructor;
    // The native part loads on first use: open one in memory now, so a binary built for
    // another Node version is found here (and the scenario skipped) rather than mid-run.
    new Database(':memory:').close();
    driver = Database;
  }
  return driver;
}

const CATEGORIES = ['books', 'games', 'garden', 'kitchen', 'music', 'outdoor', 'tools', 'toys'];

/** Create the demo database: `rows` products with a name, a category and a price. */
export function createDatabase(file: string, rows: number): void {
  const Database = loadDriver();
  const db = new Database(file);
  try {
    db.exec('PRAGMA journal_mode = WAL; CREATE TABLE items (id INTEGER PRIMARY KEY, category TEXT, name TEXT, price REAL)');
    const insert = db.prepare('INSERT INTO items (category, name, price) VALUES (?, ?, ?)');
    const fill = db.transaction((n: number) => {
      let s = 7;
      for (let i = 0; i < n; i++) {
        s = (s * 1103515245 + 12345) >>> 0;
        insert.run(CATEGORIES[s % CATEGORIES.length], `item ${(s >>> 8).toString(36)} ${i}`, (s % 10_000) / 100);
      }
    });
    fill(rows);
  } finally {
    db.close();
  }
}

const open = new Map<string, Database>();

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
  let db = open.get(file);
  if (!db) {
    db = new (loadDriver())(file, { readonly: true });
    open.set(file, db);
  }
  return db
    .prepare('SELECT category, COUNT(*) AS n, ROUND(AVG(price), 4) AS avg FROM items WHERE name LIKE ? GROUP BY category ORDER BY category')
    .all(pattern) as ReportRow[];
}

/** Close the databases this thread opened (the demo's own thread, before deleting the file). */
export function closeAll(): void {
  for (const db of open.values()) db.close();
  open.clear();
}
