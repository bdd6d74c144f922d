/**
 * `node --import boundwise/watch/register app.js`: watch the app with no code change.
 *
 * Environment (set by `boundwise watch`, usable by hand):
 * - BOUNDWISE_WATCH_THRESHOLD  e.g. `100ms` (default 100 ms)
 * - BOUNDWISE_WATCH_REPORT     a file: append one JSON line per block instead of printing (the CLI reads it)
 * - BOUNDWISE_WATCH=off        do nothing (for child processes that are meant to block, e.g. pool workers)
 * Only the main thread of a process is watched: worker threads inherit --import, and blocking is
 * what they are for.
 */
import { appendFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { watch } from './watch.js';

const REGISTERED = Symbol.for('boundwise.watch.registered');
const globals = globalThis as Record<symbol, unknown>;

if (isMainThread && process.env.BOUNDWISE_WATCH !== 'off' && !globals[REGISTERED]) {
  globals[REGISTERED] = true;
  const file = process.env.BOUNDWISE_WATCH_REPORT;
  const threshold = process.env.BOUNDWISE_WATCH_THRESHOLD || undefined;
  try {
    watch(
      file
        ? {
            threshold,
            // Synchronous appends: they work inside the exit handler, and every process of the tree can share the file.
            onBlock: (report) => appendFileSync(file, JSON.stringify(report) + '\n'),
            onSummary: () => {},
          }
        : { threshold },
    );
  } catch (error) {
    process.stderr.write(`boundwise watch: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
