/**
 * Where a command's report goes. The human report goes to stderr (stdout stays
 * the program's own); `--report FILE` writes it to FILE instead. `--json`
 * writes JSON to stdout, `--json FILE` to FILE.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { UsageError } from './usage.js';

export interface Sink {
  /** Write (or append, for line streams) text. */
  write(text: string): void;
  /** A file, not a terminal stream. */
  readonly file: string | undefined;
}

/** `--json` (true or '') → stdout; `--json FILE` → that file; absent → undefined. */
export function jsonSink(value: unknown, flag = '--json'): Sink | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true || value === '') return { write: (t) => void process.stdout.write(t), file: undefined };
  if (typeof value !== 'string') throw new UsageError(`${flag} takes a file name or nothing, got ${String(value)}`);
  return fileSink(value);
}

/** `--report FILE` → that file; absent → stderr. */
export function reportSink(value: unknown, flag = '--report'): Sink {
  if (value === undefined) return { write: (t) => void process.stderr.write(t), file: undefined };
  if (typeof value !== 'string' || value === '') throw new UsageError(`${flag} needs a file name, e.g. ${flag} report.txt`);
  return fileSink(value);
}

/** A file emptied once, then appended to (watch writes a line per block). */
function fileSink(file: string): Sink {
  let started = false;
  return {
    file,
    write(text) {
      if (!started) writeFileSync(file, text);
      else appendFileSync(file, text);
      started = true;
    },
  };
}
