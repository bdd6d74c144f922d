/**
 * `boundwise classify [options] -- COMMAND [ARGS…]` and `boundwise classify --pid PID`:
 * does a program wait or calculate, and which concurrency model does it need?
 * The measuring lives in src/classify/; this file parses options and sets exit codes.
 */
import type { CAC } from 'cac';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { ClassifyExit } from '../../classify/errors.js';
import { parseLanguage } from '../../classify/language.js';
import { ProcReader } from '../../classify/procfs.js';
import { renderHuman, renderJson, type ClassifyReport } from '../../classify/report.js';
import { classifyHtml } from '../../report/classify.js';
import { classifyPid, classifySpawn, ensureLinux, type WatchOptions } from '../../classify/run.js';
import type { Language } from '../../classify/types.js';
import { document } from '../help.js';
import { jsonSink, reportSink } from '../output.js';
import { durationFlag, UsageError } from '../usage.js';

interface RawOptions {
  '--'?: string[];
  pid?: unknown;
  duration?: unknown;
  interval?: unknown;
  json?: unknown;
  report?: unknown;
  lang?: unknown;
  html?: unknown;
}

/** The HTML report beside the text or JSON one; the note goes to stderr, beside the human report. */
function writeHtml(file: string, report: ClassifyReport): void {
  writeFileSync(file, classifyHtml(report));
  process.stderr.write(`HTML report written to ${file}\n`);
}

async function run(positional: string[], raw: RawOptions): Promise<number> {
  const argv = raw['--'] ?? [];
  const hasPid = raw.pid !== undefined;
  if (positional.length > 0) throw new UsageError(`missing -- before the command "${positional.join(' ')}"`);
  if (hasPid && argv.length > 0) throw new UsageError('give either --pid or a command after --, not both');
  if (!hasPid && argv.length === 0) throw new UsageError('missing -- and a command to run (or --pid PID)');
  if (!hasPid && raw.duration !== undefined) throw new UsageError('--duration applies only with --pid: a command is watched until it exits');

  const intervalMs = durationFlag('--interval', raw.interval, 100, { min: 10 });
  const durationMs = durationFlag('--duration', raw.duration, 10_000);
  const json = jsonSink(raw.json);
  const report = reportSink(raw.report);
  if (raw.html !== undefined && (typeof raw.html !== 'string' || raw.html === '')) throw new UsageError('--html needs a file name, e.g. --html report.html');
  const html = raw.html as string | undefined;
  let language: Language | undefined;
  if (raw.lang !== undefined) {
    language = parseLanguage(String(raw.lang));
    if (!language) throw new UsageError(`bad --lang "${String(raw.lang)}": use python, node or other`);
  }
  const reader = new ProcReader(process.env.BOUNDWISE_PROC_ROOT || '/proc');
  const options: WatchOptions = {
    reader,
    intervalMs,
    machineCores: availableParallelism(),
    // The JSON report owns stdout only when it is printed there.
    stdoutToStderr: json !== undefined && json.file === undefined,
    ...(language && { language }),
  };

  if (hasPid) {
    const pidText = String(raw.pid);
    if (!/^\d+$/.test(pidText) || Number(pidText) <= 0) throw new UsageError(`bad --pid "${pidText}": give a process id, e.g. --pid 1234`);
    ensureLinux(reader);
    const { report: result } = await classifyPid(Number(pidText), durationMs, options);
    if (html) writeHtml(html, result);
    if (json) json.write(renderJson(result));
    if (!json || json.file !== undefined || raw.report !== undefined) report.write(renderHuman(result));
    return 0;
  }
  ensureLinux(reader);
  const { report: result, exitCode } = await classifySpawn(argv, options);
  if (html) writeHtml(html, result);
  if (json) json.write(renderJson(result));
  if (!json || json.file !== undefined || raw.report !== undefined) report.write(`${report.file ? '' : '\n'}${renderHuman(result)}`);
  return exitCode;
}

export function register(cli: CAC): void {
  const command = cli
    .command('classify [...command]', 'Run a program (or watch one) and tell whether it waits or calculates, and which concurrency model fits')
    .usage('classify [options] -- COMMAND [ARGS…]\n  $ boundwise classify --pid PID [--duration 10s]')
    .option('--pid <pid>', 'Watch a running process (and its children) instead of running a command')
    .option('--duration <duration>', 'With --pid: how long to watch at most, e.g. 30s (default: 10s)')
    .option('--interval <duration>', 'Sampling period, at least 10ms (default: 100ms)')
    .option('--json [file]', 'The report as JSON: on stdout, or written to <file>')
    .option('--report <file>', 'Write the human report to <file> instead of stderr')
    .option('--html <file>', 'Also write a self-contained HTML report: the timeline chart under the verdict')
    .option('--lang <lang>', 'Language of the recommendation: python, node or other (default: detected)')
    .example('boundwise classify -- python3 app.py')
    .example('boundwise classify --json -- node server.js > report.json')
    .example('boundwise classify --json report.json --report report.txt -- ./batch.sh')
    .example('boundwise classify --pid 4242 --duration 30s')
    // Its flags are checked by main.ts; the program's own go after --.
    .allowUnknownOptions()
    .action(async (positional: string[], raw: RawOptions) => {
      try {
        process.exitCode = await run(positional, raw);
      } catch (error) {
        if (!(error instanceof ClassifyExit)) throw error;
        if (error.exitCode === 2) throw new UsageError(error.message);
        process.stderr.write(`boundwise classify: ${error.message}\n`);
        process.exitCode = error.exitCode;
      }
    });
  document(command, {
    output:
      "The program's stdin, stdout and stderr pass through. The human report goes to stderr\n" +
      "(or to --report FILE). --json prints JSON on stdout, and the program's own stdout then goes to\n" +
      'stderr; --json FILE writes it to FILE and leaves stdout alone. --html FILE writes an HTML report too.\n' +
      'Durations: 100 (milliseconds), 250ms, 1.5s, 2m.',
    exitCodes: [
      ['N', "the program's own exit code (0 when it succeeded; with --pid, 0)"],
      ['128+N', 'the program was killed by signal N (e.g. 137 for SIGKILL)'],
      [126, 'the command was found but cannot be executed (permission denied)'],
      [127, 'the command was not found'],
      [2, 'usage error: an unknown option, no -- COMMAND, a bad duration, a PID that does not exist'],
      [1, 'classify itself failed (e.g. no /proc: it needs Linux)'],
    ],
  });
}
