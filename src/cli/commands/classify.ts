/**
 * `boundwise classify [options] -- COMMAND [ARGS…]` and `boundwise classify --pid PID`:
 * does a program wait or calculate, and which concurrency model does it need?
 * The measuring lives in src/classify/; this file parses options and sets exit codes.
 */
import type { CAC } from 'cac';
import { availableParallelism } from 'node:os';
import { parseDuration } from '../../classify/duration.js';
import { ClassifyExit, usageError } from '../../classify/errors.js';
import { parseLanguage } from '../../classify/language.js';
import { ProcReader } from '../../classify/procfs.js';
import { renderHuman, renderJson } from '../../classify/report.js';
import { classifyPid, classifySpawn, ensureLinux, type WatchOptions } from '../../classify/run.js';
import type { Language } from '../../classify/types.js';

const USAGE = 'boundwise classify [options] -- COMMAND [ARGS…]  or  boundwise classify --pid PID [--duration 10s]';
const KNOWN_OPTIONS = new Set(['--', 'pid', 'duration', 'interval', 'json', 'lang', 'help', 'h']);

interface RawOptions {
  '--'?: string[];
  pid?: unknown;
  duration?: unknown;
  interval?: unknown;
  json?: boolean;
  lang?: unknown;
  [key: string]: unknown;
}

function durationOption(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms === undefined || ms <= 0) {
    throw usageError(`bad --${name} "${String(value)}": give a positive duration with a unit, e.g. 500ms, 10s or 1m`);
  }
  return ms;
}

async function run(positional: string[], raw: RawOptions): Promise<number> {
  const unknown = Object.keys(raw).filter((key) => !KNOWN_OPTIONS.has(key));
  const argv = raw['--'] ?? [];
  const hasPid = raw.pid !== undefined;
  if (unknown.length > 0) {
    throw usageError(`unknown option ${unknown.map((k) => (k.length === 1 ? `-${k}` : `--${k}`)).join(', ')}; the program's own options go after --. Usage: ${USAGE}`);
  }
  if (positional.length > 0) throw usageError(`missing -- before the command "${positional.join(' ')}". Usage: ${USAGE}`);
  if (hasPid && argv.length > 0) throw usageError(`give either --pid or a command after --, not both. Usage: ${USAGE}`);
  if (!hasPid && argv.length === 0) throw usageError(`missing -- and a command to run (or --pid PID). Usage: ${USAGE}`);
  if (!hasPid && raw.duration !== undefined) throw usageError('--duration applies only with --pid: a command is watched until it exits');

  const intervalMs = durationOption('interval', raw.interval, 100);
  const durationMs = durationOption('duration', raw.duration, 10_000);
  let language: Language | undefined;
  if (raw.lang !== undefined) {
    language = parseLanguage(String(raw.lang));
    if (!language) throw usageError(`bad --lang "${String(raw.lang)}": use python, node or other`);
  }
  const reader = new ProcReader(process.env.BOUNDWISE_PROC_ROOT || '/proc');
  const options: WatchOptions = {
    reader,
    intervalMs,
    machineCores: availableParallelism(),
    stdoutToStderr: raw.json === true,
    ...(language && { language }),
  };

  if (hasPid) {
    const pidText = String(raw.pid);
    if (!/^\d+$/.test(pidText) || Number(pidText) <= 0) throw usageError(`bad --pid "${pidText}": give a process id, e.g. --pid 1234`);
    ensureLinux(reader);
    const { report } = await classifyPid(Number(pidText), durationMs, options);
    process.stdout.write(raw.json ? renderJson(report) : '');
    if (!raw.json) process.stderr.write(renderHuman(report));
    return 0;
  }
  ensureLinux(reader);
  const { report, exitCode } = await classifySpawn(argv, options);
  if (raw.json) process.stdout.write(renderJson(report));
  else process.stderr.write(`\n${renderHuman(report)}`);
  return exitCode;
}

export function register(cli: CAC): void {
  cli
    .command('classify [...command]', 'Run a program (or watch one) and tell whether it waits or calculates, and which concurrency model fits')
    .usage('classify [options] -- COMMAND [ARGS…]\n  $ boundwise classify --pid PID [--duration 10s]')
    .option('--pid <pid>', 'Watch a running process (and its children) instead of running a command')
    .option('--duration <duration>', 'With --pid: how long to watch, e.g. 30s (default: 10s, or until it exits)')
    .option('--interval <interval>', 'Sampling period, e.g. 50ms (default: 100ms)')
    .option('--json', "Print the report as JSON on stdout; the program's own stdout goes to stderr")
    .option('--lang <lang>', 'Language of the recommendation: python, node or other (default: detected)')
    .example('boundwise classify -- python3 app.py')
    .example('boundwise classify --json -- node server.js > report.json')
    .example('boundwise classify --pid 4242 --duration 30s')
    .allowUnknownOptions()
    .action(async (positional: string[], raw: RawOptions) => {
      try {
        process.exitCode = await run(positional, raw);
      } catch (error) {
        if (!(error instanceof ClassifyExit)) throw error;
        process.stderr.write(`boundwise classify: ${error.message}\n`);
        process.exitCode = error.exitCode;
      }
    });
}
