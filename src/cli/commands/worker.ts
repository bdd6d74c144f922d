/**
 * `boundwise worker --redis URL --queue Q [--executor auto] [--concurrency N] [--root DIR] …`
 *
 * Takes cluster() jobs from a BullMQ queue and runs them on a local executor.
 * Loads only modules under --root and packages named with --allow-package.
 * SIGTERM/SIGINT: stop taking jobs, let the active ones finish within --grace,
 * hand back the rest, exit 0 (a second signal hands back at once). Health and
 * life-cycle events go to stderr, as JSON lines with --json.
 * Exit codes: 0 stopped cleanly, 1 Redis unreachable or refused the login (or the stop could
 * not finish within --grace + 5 s: the active jobs then return through the stalled check), 2 usage error.
 * The password may come from BOUNDWISE_REDIS_PASSWORD instead of the URL (kept out of `ps`).
 */
import type { CAC } from 'cac';
import { ClusterWorker, WORKER_EXECUTORS, type ClusterWorkerOptions, type WorkerEvent, type WorkerExecutor } from '../../cluster/worker.js';
import { InvalidOptionError, OptionRangeError } from '../../errors.js';

interface WorkerCliOptions {
  redis?: string;
  queue?: string;
  executor?: string;
  concurrency?: string | number;
  root?: string;
  allowPackage?: string | string[];
  maxInput?: string | number;
  grace?: string | number;
  cancelGrace?: string | number;
  lockDuration?: string | number;
  connectTimeout?: string | number;
  healthInterval?: string | number;
  prefix?: string;
  json?: boolean;
}

function num(name: string, value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value === '' || Number.isNaN(n)) throw new InvalidOptionError(name, `boundwise worker: --${name} must be a number, got ${JSON.stringify(value)}`);
  return n;
}

function describe(e: WorkerEvent): string {
  switch (e.event) {
    case 'ready':
      return `ready: ${e.id} takes jobs from "${e.queue}" on ${e.executor} (concurrency ${e.concurrency})`;
    case 'health':
      return `health: ${e.active} active, ${e.done} done, ${e.failed} failed, ${e.refused} refused`;
    case 'stopped':
      return `stopped: ${e.done} done, ${e.failed} failed, ${e.handedBack} handed back`;
    case 'stopping':
      return `stopping (${e.reason}): ${e.active} active job(s) get ${e.grace} ms to finish`;
    case 'handed-back':
      return `job ${e.job} handed back to the queue`;
    case 'job-refused':
      return `job ${e.job} refused, nothing loaded: module ${JSON.stringify(e.module)}: ${e.reason}`;
    case 'redis-down':
      return `Redis at ${e.url} went away; waiting for it`;
    case 'redis-up':
      return `Redis at ${e.url} is back`;
    case 'error':
      return `error: ${e.message}`;
  }
}

export async function runWorker(o: WorkerCliOptions): Promise<number> {
  const print = (e: WorkerEvent) =>
    process.stderr.write(o.json ? `${JSON.stringify({ type: e.event, ...e, event: undefined })}\n` : `boundwise worker: ${describe(e)}\n`);
  let options: ClusterWorkerOptions;
  try {
    if (!o.redis) throw new InvalidOptionError('redis', 'boundwise worker: --redis <url> is required (redis://host:6379, rediss:// for TLS)');
    if (!o.queue) throw new InvalidOptionError('queue', 'boundwise worker: --queue <name> is required');
    const executor = o.executor ?? 'auto';
    if (!WORKER_EXECUTORS.includes(executor as WorkerExecutor)) {
      throw new InvalidOptionError('executor', `boundwise worker: --executor must be one of ${WORKER_EXECUTORS.join(', ')}, got ${JSON.stringify(executor)}`);
    }
    const password = process.env.BOUNDWISE_REDIS_PASSWORD;
    const allow = ([] as string[]).concat(o.allowPackage ?? []).flatMap((p) => String(p).split(',')).filter(Boolean);
    const defined = <T>(k: string, v: T | undefined) => (v === undefined ? {} : { [k]: v });
    options = {
      connection: password ? { url: o.redis, password } : o.redis,
      queue: String(o.queue),
      root: o.root ?? process.cwd(),
      executor: executor as WorkerExecutor,
      allowPackages: allow,
      onEvent: print,
      ...defined('concurrency', num('concurrency', o.concurrency)),
      ...defined('maxInput', num('max-input', o.maxInput)),
      ...defined('grace', num('grace', o.grace)),
      ...defined('cancelGrace', num('cancel-grace', o.cancelGrace)),
      ...defined('lockDuration', num('lock-duration', o.lockDuration)),
      ...defined('connectTimeout', num('connect-timeout', o.connectTimeout)),
      ...defined('healthInterval', num('health-interval', o.healthInterval)),
      ...defined('prefix', o.prefix),
    };
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  let worker: ClusterWorker;
  try {
    worker = await ClusterWorker.start(options);
  } catch (error) {
    const usage = error instanceof InvalidOptionError || error instanceof OptionRangeError;
    process.stderr.write(o.json ? `${JSON.stringify({ type: 'fatal', code: (error as { code?: string }).code, message: (error as Error).message })}\n` : `boundwise worker: ${(error as Error).message}\n`);
    return usage ? 2 : 1;
  }
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals === 1) void worker.stop(`received ${signal}`);
    else worker.handBackAll();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  await worker.stopped;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  // BullMQ may still be retrying a write it could not make: do not wait for it.
  if (worker.forced) process.exit(1);
  return 0;
}

export function register(cli: CAC): void {
  cli
    .command('worker', 'Take cluster() jobs from a Redis queue and run each on this machine\'s own executor')
    .option('--redis <url>', 'Redis URL: redis://[user:password@]host:port[/db], rediss:// for TLS (password also from BOUNDWISE_REDIS_PASSWORD)')
    .option('--queue <name>', 'Queue name, the same as cluster({ queue })')
    .option('--executor <kind>', 'auto | threads | processes | loop (default auto: the model is chosen per task on this machine)')
    .option('--concurrency <n>', 'Jobs run at once (default 4)')
    .option('--root <dir>', 'Directory whose modules jobs may name; symlinks out of it are refused (default: the current directory)')
    .option('--allow-package <name>', 'A package jobs may name (repeat or comma-separate)')
    .option('--max-input <bytes>', 'Largest encoded job input, checked before decoding (default 16777216)')
    .option('--grace <ms>', 'On SIGTERM/SIGINT, time active jobs get to finish before they are handed back (default 30000)')
    .option('--cancel-grace <ms>', 'Time a cancelled task gets to settle before its thread/process is killed (default 1000)')
    .option('--lock-duration <ms>', 'BullMQ lock and stalled-check interval: how soon a dead worker\'s jobs run elsewhere (default 30000)')
    .option('--connect-timeout <ms>', 'Time to wait for Redis at start (default 10000)')
    .option('--health-interval <ms>', 'Time between health records (default 5000)')
    .option('--prefix <prefix>', 'BullMQ key prefix (default bull)')
    .option('--json', 'Health and events as JSON lines on stderr')
    .example('boundwise worker --redis redis://10.0.0.5:6379 --queue thumbs --executor auto --concurrency 16 --root ./dist')
    .action(async (options: WorkerCliOptions) => {
      process.exitCode = await runWorker(options);
    });
}
