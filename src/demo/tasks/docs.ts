/**
 * Task module of the pipeline scenario: the guides' three kinds of work in one job.
 * fetchDoc waits (HTTP to the local latency server), extract calculates (tens of
 * ms of CPU), insertRows blocks (SQLite writes through a synchronous driver — node:sqlite
 * or better-sqlite3 — that tasks/sqlite.ts loads only when needed).
 */
import { loadDriver } from './sqlite.js';

export interface Doc {
  id: number;
  text: string;
}

export interface Features {
  id: number;
  words: number;
  /** A digest standing in for real feature extraction (tokens, embeddings…). */
  digest: number;
}

const WORDS = ['order', 'ships', 'today', 'price', 'refund', 'within', 'days', 'happy', 'invoice', 'stock', 'return', 'thanks'];

/** The document's text, made from its id (the server only says it exists). */
export function docText(id: number): string {
  const words: string[] = [];
  let s = id * 2654435761 + 1;
  for (let i = 0; i < 200 + (id % 50); i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    words.push(WORDS[(s >>> 8) % WORDS.length]!);
  }
  return words.join(' ');
}

/** Waits: one GET to the document server. */
export async function fetchDoc({ url, id }: { url: string; id: number }, { signal }: { signal?: AbortSignal } = {}): Promise<Doc> {
  const res = await fetch(`${url}/doc/${id}`, signal ? { signal } : {});
  if (!res.ok) throw new Error(`GET /doc/${id}: HTTP ${res.status}`);
  await res.arrayBuffer();
  return { id, text: docText(id) };
}

/** Rounds of hashing over the text per document: tens of milliseconds of CPU. */
export const EXTRACT_ROUNDS = 600;

/** Calculates: word count and a digest, with enough rounds to cost tens of ms. */
export function extract(doc: Doc): Features {
  let h = 2166136261;
  const text = doc.text;
  for (let r = 0; r < EXTRACT_ROUNDS; r++) {
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) ^ r;
  }
  return { id: doc.id, words: text.split(' ').length, digest: h >>> 0 };
}

interface Db {
  prepare(sql: string): { run(...p: unknown[]): unknown };
  exec(sql: string): void;
  close(): void;
}
const open = new Map<string, Db>();

function db(file: string): Db {
  let d = open.get(file);
  if (!d) {
    const driver = loadDriver();
    if (!driver.name) throw new Error(`pipeline scenario: ${driver.reason}; to enable it: ${driver.enable}`);
    d = new driver.open(file, { readonly: false });
    d.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; CREATE TABLE IF NOT EXISTS features (id INTEGER PRIMARY KEY, words INTEGER, digest INTEGER)');
    open.set(file, d);
  }
  return d;
}

/** Blocks: one transaction of inserts through the synchronous driver, durably written. */
export function insertRows({ file, rows }: { file: string; rows: Features[] }): number {
  const d = db(file);
  const insert = d.prepare('INSERT OR REPLACE INTO features (id, words, digest) VALUES (?, ?, ?)');
  // Plain BEGIN/COMMIT: both drivers (node:sqlite, better-sqlite3) understand it.
  d.exec('BEGIN');
  for (const r of rows) insert.run(r.id, r.words, r.digest);
  d.exec('COMMIT');
  return rows.length;
}

/** Close what this thread opened (the demo's own thread, before it deletes the file). */
export function closeDocs(): void {
  for (const d of open.values()) d.close();
  open.clear();
}
