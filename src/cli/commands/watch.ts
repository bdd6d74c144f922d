/**
 * `boundwise watch [--threshold 100ms] [--json] -- node app.js`
 *
 * Runs the program with the watchdog preloaded through NODE_OPTIONS (so `npm start`, `tsx app.ts`
 * and every Node process they start are watched; `BOUNDWISE_WATCH=off` opts a process out). Each
 * watched process appends one JSON line per block to a temp file; this command tails it and
 * prints: human reports on stderr, or with --json JSON lines on stdout (`"type":"block"` …, then one
 * `"type":"summary"`). The program's stdio is untouched, and its exit code comes back as ours
 * (128 + signal number when it died of a signal).
 */
import type { CAC } from 'cac';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatBlock, formatSummary } from '../../watch/format.js';
import { parseThreshold } from '../../watch/threshold.js';
import { BlockTracker } from '../../watch/tracker.js';
import type { BlockReport } from '../../watch/types.js';

interface WatchCliOptions {
  threshold?: string;
  json?: boolean;
  '--'?: string[];
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** `--import` flags that load the watchdog; from src/ (tests, tsx) the child needs tsx as well. */
function preloadFlags(): string {
  const fromSource = import.meta.url.endsWith('.ts');
  const registerUrl = new URL(`../../watch/register.${fromSource ? 'ts' : 'js'}`, import.meta.url).href;
  const flags = [`--import "${registerUrl}"`];
  if (fromSource) flags.unshift(`--import "${import.meta.resolve('tsx')}"`);
  return flags.join(' ');
}

/** Reads whole lines appended to a file since the last call. */
function lineReader(file: string): () => string[] {
  let offset = 0;
  let pending = '';
  return () => {
    const fd = openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(64 * 1024);
      for (let n = readSync(fd, buffer, 0, buffer.length, offset); n > 0; n = readSync(fd, buffer, 0, buffer.length, offset)) {
        offset += n;
        pending += buffer.toString('utf8', 0, n);
      }
    } finally {
      closeSync(fd);
    }
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    return lines.filter((l) => l.trim() !== '');
  };
}

export async function runWatch(command: string[], options: WatchCliOptions): Promise<number> {
  let thresholdMs: number;
  try {
    thresholdMs = parseThreshold(options.threshold ?? '100ms', '--threshold');
  } catch (error) {
    process.stderr.write(`boundwise watch: ${(error as Error).message}\n`);
    return 2;
  }
  if (command.length === 0) {
    process.stderr.write('boundwise watch: give the program to run after --, e.g. boundwise watch -- node app.js\n');
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), 'boundwise-watch-'));
  const file = join(dir, 'blocks.jsonl');
  writeFileSync(file, '');
  const readLines = lineReader(file);
  const tracker = new BlockTracker();
  const emit = (report: BlockReport) => {
    // Counted across every watched process of the tree.
    report.count = tracker.add(report);
    if (options.json) process.stdout.write(JSON.stringify(report) + '\n');
    else process.stderr.write(formatBlock(report));
  };
  const drain = () => {
    for (const line of readLines()) {
      try {
        emit(JSON.parse(line) as BlockReport);
      } catch {
        // A torn line from a process killed mid-write: skip it.
      }
    }
  };

  const env = {
    ...process.env,
    NODE_OPTIONS: [process.env.NODE_OPTIONS, preloadFlags()].filter(Boolean).join(' '),
    BOUNDWISE_WATCH_REPORT: file,
    BOUNDWISE_WATCH_THRESHOLD: `${thresholdMs}ms`,
  };
  const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of FORWARDED) process.on(signal, forward);
  const poll = setInterval(drain, 100);

  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (c, s) => resolve([c, s]));
    });
    drain();
    const summary = tracker.summary();
    if (options.json) process.stdout.write(JSON.stringify(summary) + '\n');
    else process.stderr.write(formatSummary(summary));
    return signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1);
  } catch (error) {
    process.stderr.write(`boundwise watch: cannot run ${command[0]}: ${(error as Error).message}\n`);
    return 127;
  } finally {
    clearInterval(poll);
    for (const signal of FORWARDED) process.removeListener(signal, forward);
    rmSync(dir, { recursive: true, force: true });
  }
}

export function register(cli: CAC): void {
  cli
    .command('watch [...command]', 'Run a Node.js program and name the code that blocks its event loop')
    .option('--threshold <duration>', 'Report blocks longer than this (e.g. 50ms, 0.2s)', { default: '100ms' })
    .option('--json', 'JSON lines on stdout: one per block, then a summary')
    .example('boundwise watch -- node server.js')
    .example('boundwise watch --threshold 50ms --json -- npx tsx app.ts')
    .action(async (command: string[], options: WatchCliOptions) => {
      process.exitCode = await runWatch([...command, ...(options['--'] ?? [])], options);
    });
}

