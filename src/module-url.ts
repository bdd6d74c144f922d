/**
 * Where a task module really is, and whether it needs a TypeScript loader:
 * one rule for every place that loads tasks (threads, processes, loop(), auto()).
 *
 * TypeScript's convention is to import `./tasks.js` for a file written as
 * `tasks.ts` (the name it will have once compiled). tsx resolves that itself
 * in the main thread, but Node does not (nor does Node's own type stripping),
 * so a `file:` URL whose `.js` file does not exist is pointed at its
 * TypeScript sibling. An existing `.js` file always wins.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SIBLINGS: Record<string, string> = { '.js': '.ts', '.mjs': '.mts', '.cjs': '.cts', '.jsx': '.tsx' };

/** `file:…/tasks.js` → `file:…/tasks.ts` when only the latter exists; anything else as given. */
export function taskModuleUrl(href: string, exists: (path: string) => boolean = existsSync): string {
  if (!href.startsWith('file:')) return href;
  const url = new URL(href);
  const dot = url.pathname.lastIndexOf('.');
  const ext = dot > url.pathname.lastIndexOf('/') ? url.pathname.slice(dot) : '';
  const sibling = SIBLINGS[ext];
  if (!sibling) return href;
  if (exists(fileURLToPath(url))) return href;
  const ts = new URL(url.href);
  ts.pathname = url.pathname.slice(0, dot) + sibling;
  return exists(fileURLToPath(ts)) ? ts.href : href;
}

/** A module Node cannot load without a TypeScript loader (or its type stripping). */
export function isTypeScriptUrl(href: string): boolean {
  const path = href.replace(/[?#].*$/, '');
  return /\.(ts|mts|cts|tsx)$/.test(path);
}
