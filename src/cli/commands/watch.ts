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
import { MIN_THRESHOLD_MS } from '../../watch/threshold.js';
import { document } from '../help.js';
import { jsonSink, reportSink } from '../output.js';
import { durationFlag, UsageError } from '../usage.js';
import { BlockTracker } from '../../watch/tracker.js';
import type { BlockReport } from '../../watch/types.js';

interface WatchCliOptions {
  threshold?: unknown;
  json?: unknown;
  report?: unknown;
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
  const thresholdMs = durationFlag('--threshold', options.threshold, 100, { min: MIN_THRESHOLD_MS });
  const json = jsonSink(options.json);
  const human = reportSink(options.report);
  if (command.length === 0) throw new UsageError('give the program to run after --, e.g. boundwise watch -- node app.js');
  const dir = mkdtempSync(join(tmpdir(), 'boundwise-watch-'));
  const file = join(dir, 'blocks.jsonl');
  writeFileSync(file, '');
  const readLines = lineReader(file);
  const tracker = new BlockTracker();
  const emit = (report: BlockReport) => {
    // Counted across every watched process of the tree.
    report.count = tracker.add(report);
    if (json) json.write(JSON.stringify(report) + '\n');
    if (!json || json.file !== undefined || options.report !== undefined) human.write(formatBlock(report));
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
    if (json) json.write(JSON.stringify(summary) + '\n');
    if (!json || json.file !== undefined || options.report !== undefined) human.write(formatSummary(summary));
    return signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1);
  } catch (error) {
    // As a shell does: 127 when the command is not found, 126 when it cannot be executed.
    const code = (error as NodeJS.ErrnoException).code;
    process.stderr.write(`boundwise watch: ${code === 'ENOENT' ? 'command not found' : 'cannot execute'}: ${command[0]}\n`);
    return code === 'ENOENT' ? 127 : 126;
  } finally {
    clearInterval(poll);
    for (const signal of FORWARDED) process.removeListener(signal, forward);
    rmSync(dir, { recursive: true, force: true });
  }
}

export function register(cli: CAC): void {
  const command = cli
    .command('watch [...command]', 'Run a Node.js program and name the code that blocks its event loop')
    .usage('watch [options] -- COMMAND [ARGS…]')
    .option('--threshold <duration>', `Report blocks longer than this, at least ${MIN_THRESHOLD_MS}ms (default: 100ms)`)
    .option('--json [file]', 'JSON lines, one per block, then a summary: on stdout, or written to <file>')
    .option('--report <file>', 'Write the human reports to <file> instead of stderr')
    .example('boundwise watch -- node server.js')
    .example('boundwise watch --threshold 50ms --json -- npx tsx app.ts')
    .example('boundwise watch --report blocks.txt -- npm start')
    // Its flags are checked by main.ts; the program's own go after --.
    .allowUnknownOptions()
    .action(async (command: string[], options: WatchCliOptions) => {
      process.exitCode = await runWatch([...command, ...(options['--'] ?? [])], options);
    });
  document(command, {
    output:
      "The program's stdio is untouched. Reports go to stderr (or to --report FILE) as the blocks\n" +
      'happen, and a summary at exit. --json writes JSON lines to stdout, mixed with the program\'s own\n' +
      'stdout (pick the lines with a "type"), or to FILE with --json FILE.\n' +
      'Durations: 100 (milliseconds), 250ms, 1.5s, 2m.',
    exitCodes: [
      ['N', "the program's own exit code"],
      ['128+N', 'the program was killed by signal N'],
      [126, 'the command was found but cannot be executed (permission denied)'],
      [127, 'the command was not found'],
      [2, 'usage error: an unknown option, no -- COMMAND, a bad threshold'],
    ],
  });
}
