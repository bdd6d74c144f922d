/**
 * `boundwise bench ./tasks.ts#thumbnail [--input images.json | --inputs gen.js] [--n 200]
 *   [--concurrency 8] [--models loop,threads,processes,auto] [--rounds 3] [--json [file]] [--html file]`
 *
 * Runs one task on every model and on the inline baseline, prints one table and
 * the verdict (src/bench/ does the measuring). Progress on stderr, on a terminal only.
 * Exit codes: 0 every model ran, 1 a model failed (the others still reported),
 * 2 usage error.
 */
import type { CAC } from 'cac';
import { writeFileSync } from 'node:fs';
import { bench, type BenchInputs, type BenchOptions } from '../../bench/bench.js';
import { BenchUsageError, isTypeScript, loadInputsModule, parseTaskSpec, readInputFile } from '../../bench/cli-inputs.js';
import { renderBench } from '../../bench/format.js';
import { alreadyRerun, findTsx, importable, rerunWithTsx } from '../../bench/typescript.js';
import { EXECUTOR_MODELS, type BenchModel } from '../../bench/types.js';
import { progress } from '../../format/progress.js';
import { benchHtml } from '../../report/bench.js';
import { document } from '../help.js';
import { UsageError } from '../usage.js';

interface BenchCliOptions {
  input?: string;
  inputs?: string;
  n?: unknown;
  concurrency?: unknown;
  models?: string;
  rounds?: unknown;
  warmup?: unknown;
  json?: boolean | string;
  html?: string;
}

function count(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < (name === 'warmup' ? 0 : 1)) throw new BenchUsageError(`bad --${name} "${String(value)}": give a whole number${name === 'warmup' ? '' : ' >= 1'}`);
  return n;
}

function models(value: string | undefined): Array<Exclude<BenchModel, 'sequential'>> | undefined {
  if (value === undefined) return undefined;
  const list = String(value).split(',').map((m) => m.trim().replace(/\(\)$/, '')).filter(Boolean);
  const known: readonly string[] = EXECUTOR_MODELS;
  const bad = list.filter((m) => !known.includes(m));
  if (list.length === 0 || bad.length > 0) throw new BenchUsageError(`bad --models "${value}": choose from ${EXECUTOR_MODELS.join(', ')}`);
  return list as Array<Exclude<BenchModel, 'sequential'>>;
}

async function run(spec: string | undefined, o: BenchCliOptions): Promise<number> {
  if (!spec) throw new BenchUsageError('give the task to bench, e.g. boundwise bench ./tasks.ts#thumbnail --input images.json');
  if (o.input !== undefined && o.inputs !== undefined) throw new BenchUsageError('give either --input (a JSON file) or --inputs (a module), not both');
  if (o.html !== undefined && (typeof o.html !== 'string' || o.html === '')) throw new BenchUsageError('--html needs a file name, e.g. --html report.html');
  const task = parseTaskSpec(spec);
  const options: BenchOptions = {};
  const n = count('n', o.n);
  const concurrency = count('concurrency', o.concurrency);
  const rounds = count('rounds', o.rounds);
  const warmup = count('warmup', o.warmup);
  const chosen = models(o.models);
  if (n !== undefined) options.n = n;
  if (concurrency !== undefined) options.concurrency = concurrency;
  if (rounds !== undefined) options.rounds = rounds;
  if (warmup !== undefined) options.warmup = warmup;
  if (chosen) options.models = chosen;

  if (!(await importable(task.module))) {
    const tsx = isTypeScript(new URL(task.module).pathname) && !alreadyRerun() ? findTsx() : undefined;
    if (tsx) return rerunWithTsx(tsx);
    throw new BenchUsageError(
      `cannot load ${spec}: this Node.js (${process.version}) has no TypeScript loader. Install tsx in the project (npm i -D tsx), ` +
        'run under it (npx tsx $(npm root)/.bin/boundwise bench …), or use Node >= 22.18, which strips types itself',
    );
  }
  let inputs: BenchInputs<unknown>;
  if (o.input !== undefined) inputs = readInputFile(String(o.input));
  else if (o.inputs !== undefined) inputs = await loadInputsModule(String(o.inputs));
  else {
    // No inputs: the task takes none; run it n times (100 by default).
    inputs = Array.from({ length: n ?? 100 }, () => undefined);
  }

  // A bar on a terminal; nothing when piped (stdout carries the table or the JSON).
  let bar: ReturnType<typeof progress> | undefined;
  options.onProgress = (p) => {
    if (!process.stderr.isTTY) return;
    bar ??= progress(p.total, process.stderr, 'bench');
    if (p.done < p.total) bar.step(p.label);
  };
  let result;
  try {
    result = await bench(task, inputs, options);
  } finally {
    bar?.done();
  }
  const json = o.json === '' ? true : o.json;
  if (typeof json === 'string') writeFileSync(json, JSON.stringify(result, null, 2) + '\n');
  if (o.html) writeFileSync(o.html, benchHtml(result));
  if (json === true) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else {
    process.stdout.write(renderBench(result));
    if (typeof json === 'string') process.stdout.write(`Results written to ${json}\n`);
    if (o.html) process.stdout.write(`HTML report written to ${o.html}\n`);
  }
  return result.ok ? 0 : 1;
}

export function register(cli: CAC): void {
  const command = cli
    .command('bench <task>', 'Run one task on every model (and inline) and say which to use, with the numbers')
    .option('--input <file>', 'Inputs: a JSON array (or JSON lines) of task inputs')
    .option('--inputs <module>', 'Inputs: a module whose default export returns (or is) an iterable of inputs')
    .option('--n <count>', 'Inputs per run (default: all the inputs; fewer are repeated in turn)')
    .option('--concurrency <count>', 'Inputs in flight on each executor (default: 8)')
    .option('--models <list>', `Executors to compare (default: ${EXECUTOR_MODELS.join(',')})`)
    .option('--rounds <count>', 'Rounds, models alternating order; figures are medians (default: 3)')
    .option('--warmup <count>', 'Inputs run on each fresh executor before measuring (default: the concurrency)')
    .option('--json [file]', 'Results as JSON: on stdout instead of the table, or written to <file>')
    .option('--html <file>', 'Also write a self-contained HTML report with charts')
    .example('boundwise bench ./tasks.ts#thumbnail --input ./images.json --n 200 --concurrency 8')
    .example('boundwise bench ./tasks.js#fetchPrice --inputs ./gen.js --models loop,threads --rounds 5 --html report.html')
    .action(async (spec: string | undefined, o: BenchCliOptions) => {
      try {
        process.exitCode = await run(spec, o);
      } catch (error) {
        // Bad flags, a task that is not there, bad bench() options: usage errors (exit 2, one line).
        const code = (error as { code?: string }).code;
        if (error instanceof BenchUsageError || code === 'ERR_BOUNDWISE_TASK_NOT_FOUND' || code === 'ERR_BOUNDWISE_INVALID_OPTION' || code === 'ERR_BOUNDWISE_OPTION_RANGE') {
          throw new UsageError((error as Error).message);
        }
        throw error;
      }
    });
  document(command, {
    output:
      'The table and the verdict go to stdout, a progress bar to stderr (on a terminal only). --json prints\n' +
      'the result as JSON on stdout instead; --json FILE writes it to FILE and still prints the table.\n' +
      '--html FILE writes a self-contained HTML report with charts.',
    exitCodes: [
      [0, 'every model ran'],
      [1, 'a model failed (its error is shown; the others still report), or bench itself failed'],
      [2, 'usage error: an unknown option, a bad count or model, a task file or export that is not there'],
    ],
  });
}
