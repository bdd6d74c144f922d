/**
 * TypeScript task files under `boundwise bench`, by the executors' rule: they
 * load when the parent runs TypeScript, and threads and processes inherit the
 * parent's loader. A plain `node` on Node 20 cannot import `.ts`, so the
 * command runs itself again with tsx preloaded (`--import tsx`) when the
 * user's project (or boundwise) has tsx; otherwise it says what to install.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { pathToFileURL } from 'node:url';

/** Set in the re-run, so a loader that still cannot load the file does not loop. */
const RERUN = 'BOUNDWISE_BENCH_TSX';

/** Whether this process can import the module; false only for a missing TypeScript loader. */
export async function importable(href: string): Promise<boolean> {
  try {
    await import(href);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_UNKNOWN_FILE_EXTENSION') return false;
    throw error;
  }
}

/** tsx's `--import` entry, from the user's project first, then from boundwise's own dependencies. */
export function findTsx(cwd = process.cwd()): string | undefined {
  for (const from of [`${cwd}/`, import.meta.url]) {
    try {
      return pathToFileURL(createRequire(from).resolve('tsx')).href;
    } catch {
      // not installed there
    }
  }
  return undefined;
}

export function alreadyRerun(): boolean {
  return process.env[RERUN] === '1';
}

/** Runs this same command again with tsx preloaded; resolves with its exit code. */
export function rerunWithTsx(tsx: string): Promise<number> {
  const argv = ['--import', tsx, ...process.execArgv, process.argv[1]!, ...process.argv.slice(2)];
  const child = spawn(process.execPath, argv, { stdio: 'inherit', env: { ...process.env, [RERUN]: '1' } });
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const s of signals) process.on(s, forward);
  return new Promise<number>((resolve) => {
    child.once('error', () => resolve(1));
    child.once('exit', (code, signal) => {
      for (const s of signals) process.removeListener(s, forward);
      resolve(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1));
    });
  });
}
