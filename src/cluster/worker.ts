/**
 * The process behind `boundwise worker`: takes jobs from a BullMQ queue and
 * runs each on a local executor (auto() by default), so every job is placed
 * on the right model on the machine that runs it.
 *
 *   Redis ──job──▶ BullMQ Worker ──processor──▶ check size, resolve module (resolve.ts)
 *                                                 │ refused → TaskNotFoundError, logged, never imported
 *                                                 ▼
 *                                  local executor.run(ref, input, { signal, timeout })
 *                                                 │
 *   Redis ◀── base64 output / error line ◀────────┘
 *   Redis pub/sub "cancel <jobId>" ──▶ BullMQ cancelJob ──▶ the run's signal aborts;
 *                                      the local pool kills it after cancelGrace
 *
 * Stopping (SIGTERM/SIGINT): take no new jobs, let the active ones finish; any
 * still running after `grace` ms are aborted and moved back to the wait list for
 * another worker ("handed back"). A SIGKILLed worker's jobs come back through
 * BullMQ's stalled-job check after `lockDuration`: delivery is at-least-once.
 */
import { hostname } from 'node:os';
import { realpathSync, statSync } from 'node:fs';
import { Worker, WaitingError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { auto } from '../auto/index.js';
import { threads } from '../threads/index.js';
import { processes } from '../processes/index.js';
import { loop } from '../loop/index.js';
import type { Executor } from '../executor.js';
import { TaskInputError, TaskNotFoundError, TaskOutputError, InvalidOptionError, isCancellation } from '../errors.js';
import { intOption, knownOptions, msOption, oneOf, stringArrayOption } from '../options.js';
import { taskRef } from '../task.js';
import { ioredisOptions, resolveConnection, type Connection, type ResolvedConnection } from './connection.js';
import { WatchedRedis } from './redis.js';
import { clusterKeys, type WorkerHealth } from './keys.js';
import { cachedResolver, type ResolvePolicy } from './resolve.js';
import { MESSAGE_KEY, decodeValue, encodeFailure, encodeMessage, encodeOutput, type JobData, type RemoteOrigin } from './wire.js';

export const WORKER_EXECUTORS = ['auto', 'threads', 'processes', 'loop'] as const;
export type WorkerExecutor = (typeof WORKER_EXECUTORS)[number];

export interface ClusterWorkerOptions {
  connection: Connection;
  queue: string;
  /** Directory whose modules jobs may name (its real path; symlinks out of it are refused). */
  root: string;
  executor?: WorkerExecutor;
  /** Jobs run at once. Default 4. */
  concurrency?: number;
  /** Packages jobs may name besides files under root. */
  allowPackages?: string[];
  /** Largest encoded input accepted (bytes of base64 text), checked before decoding. Default 16 MiB. */
  maxInput?: number;
  /** On stop, ms active jobs get to finish before they are handed back. Default 30 000. */
  grace?: number;
  /** ms a cancelled running task gets to settle before its thread/process is killed. Default 1 000. */
  cancelGrace?: number;
  /** BullMQ lock duration and stalled-check interval (ms): how soon a dead worker's jobs run elsewhere. Default 30 000. */
  lockDuration?: number;
  /** ms to wait for Redis at start. Default 10 000. */
  connectTimeout?: number;
  /** ms between health records. Default 5 000. */
  healthInterval?: number;
  /** BullMQ key prefix. Default "bull". */
  prefix?: string;
  /** Receives health and life-cycle events (the CLI prints them as JSON lines). */
  onEvent?: (event: WorkerEvent) => void;
}

export type WorkerEvent =
  | ({ event: 'ready' | 'health' | 'stopped' } & WorkerHealth)
  | { event: 'stopping'; reason: string; active: number; grace: number }
  | { event: 'handed-back'; job: string }
  | { event: 'job-refused'; job: string; module: string; reason: string }
  | { event: 'redis-down' | 'redis-up'; url: string }
  | { event: 'error'; message: string };

const KNOWN = ['connection', 'queue', 'root', 'executor', 'concurrency', 'allowPackages', 'maxInput', 'grace', 'cancelGrace', 'lockDuration', 'connectTimeout', 'healthInterval', 'prefix', 'onEvent'] as const;
export const DEFAULT_MAX_INPUT = 16 * 1024 * 1024;
const MAX_EXPORT_NAME = 256;
const HARD_STOP_MS = 5_000;

/** Why a job failed in a way retrying cannot change: BullMQ skips the remaining attempts for this name. */
const UNRECOVERABLE = 'UnrecoverableError';

class HandBack extends Error {
  override name = 'HandBack';
}

interface Active {
  job: Job;
  token: string | undefined;
  controller: AbortController;
}

function makeExecutor(kind: WorkerExecutor, concurrency: number, cancelGrace: number): Executor {
  switch (kind) {
    case 'threads':
      return threads({ max: concurrency, cancelGrace });
    case 'processes':
      return processes({ max: concurrency, cancelGrace });
    case 'loop':
      return loop({ concurrency });
    default:
      return auto({ threads: { max: concurrency, cancelGrace }, processes: { max: concurrency, cancelGrace }, loop: { concurrency } });
  }
}

export class ClusterWorker {
  readonly id: string;
  readonly host = hostname();
  readonly pid = process.pid;
  /** Resolves once the worker has stopped (after stop(), or when it could not go on). */
  readonly stopped: Promise<void>;
  private readonly conn: ResolvedConnection;
  private readonly queue: string;
  private readonly policy: ResolvePolicy;
  private readonly resolve: (module: unknown) => ReturnType<ReturnType<typeof cachedResolver>>;
  private readonly kind: WorkerExecutor;
  private readonly concurrency: number;
  private readonly maxInput: number;
  private readonly grace: number;
  private readonly healthInterval: number;
  private readonly keys: ReturnType<typeof clusterKeys>;
  private readonly emit: (e: WorkerEvent) => void;
  private readonly local: Executor;
  private readonly redis: WatchedRedis;
  private subscriber: Redis | undefined;
  private worker: Worker | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly active = new Map<string, Active>();
  private readonly cancelled = new Set<string>();
  private readonly handingBack = new Set<string>();
  private counts = { done: 0, failed: 0, refused: 0, handedBack: 0 };
  private stopping: Promise<void> | undefined;
  /** stop() could not close BullMQ's worker in time (its handles may linger: the CLI exits the process). */
  forced = false;
  private resolveStopped!: () => void;

  private constructor(private readonly options: ClusterWorkerOptions) {
    const owner = 'boundwise worker';
    knownOptions(owner, options, KNOWN);
    this.conn = resolveConnection(owner, options.connection);
    if (typeof options.queue !== 'string' || !/^[\w.-]{1,200}$/.test(options.queue)) {
      throw new InvalidOptionError('queue', `${owner}: option "queue" must be a name of letters, digits, "_", "-", ".", got ${JSON.stringify(options.queue)}`);
    }
    this.queue = options.queue;
    let root: string;
    try {
      root = realpathSync(options.root);
      if (!statSync(root).isDirectory()) throw new Error('not a directory');
    } catch {
      throw new InvalidOptionError('root', `${owner}: option "root" must be an existing directory, got ${JSON.stringify(options.root)}`);
    }
    this.policy = { root, allowPackages: stringArrayOption(owner, 'allowPackages', options.allowPackages) ?? [] };
    this.resolve = cachedResolver(this.policy);
    this.kind = oneOf(owner, 'executor', options.executor, WORKER_EXECUTORS, 'auto');
    this.concurrency = intOption(owner, 'concurrency', options.concurrency, 4, { min: 1, max: 10_000 });
    this.maxInput = intOption(owner, 'maxInput', options.maxInput, DEFAULT_MAX_INPUT, { min: 1 });
    this.grace = msOption(owner, 'grace', options.grace, 30_000);
    const cancelGrace = msOption(owner, 'cancelGrace', options.cancelGrace, 1_000);
    msOption(owner, 'lockDuration', options.lockDuration, 30_000, 500);
    msOption(owner, 'connectTimeout', options.connectTimeout, 10_000, 1);
    this.healthInterval = msOption(owner, 'healthInterval', options.healthInterval, 5_000, 50);
    this.keys = clusterKeys(options.prefix ?? 'bull', this.queue);
    this.emit = options.onEvent ?? (() => {});
    this.id = `${this.host}:${this.pid}`;
    this.local = makeExecutor(this.kind, this.concurrency, cancelGrace);
    this.redis = new WatchedRedis(this.conn, options.connectTimeout ?? 10_000, `boundwise-worker:${this.id}`);
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
  }

  /** Connect, subscribe to cancellations and start taking jobs. Rejects with ClusterUnavailableError when Redis cannot be reached. */
  static async start(options: ClusterWorkerOptions): Promise<ClusterWorker> {
    const w = new ClusterWorker(options);
    try {
      await w.redis.ready(options.connectTimeout ?? 10_000);
    } catch (error) {
      await w.redis.close();
      await w.local.close({ cancel: true });
      throw error;
    }
    await w.begin();
    return w;
  }

  private async begin(): Promise<void> {
    const o = this.options;
    const lockDuration = o.lockDuration ?? 30_000;
    this.redis.client.on('close', () => this.up === true && this.markDown());
    this.redis.whenBack(() => {
      this.up = true;
      this.emit({ event: 'redis-up', url: this.conn.label });
    });
    this.subscriber = this.redis.client.duplicate();
    this.subscriber.on('error', () => {});
    this.subscriber.on('message', (_channel: string, jobId: string) => this.cancelJob(jobId));
    await this.subscriber.subscribe(this.keys.cancel);
    this.worker = new Worker(this.queue, (job, token, signal) => this.process(job, token, signal), {
      connection: ioredisOptions(this.conn, o.connectTimeout ?? 10_000),
      prefix: o.prefix ?? 'bull',
      concurrency: this.concurrency,
      lockDuration,
      stalledInterval: lockDuration,
      maxStalledCount: 1,
      name: this.id,
    });
    this.worker.on('error', (error: Error) => this.emit({ event: 'error', message: error.message }));
    await this.worker.waitUntilReady();
    await this.writeHealth('ready');
    this.heartbeat = setInterval(() => void this.writeHealth('health'), this.healthInterval);
  }

  private up = true;
  private markDown(): void {
    this.up = false;
    this.emit({ event: 'redis-down', url: this.conn.label });
  }

  private cancelJob(jobId: string): void {
    if (!this.active.has(jobId)) return;
    this.cancelled.add(jobId);
    this.worker?.cancelJob(jobId, 'cancelled by the caller');
  }

  health(): WorkerHealth {
    const s = this.local.stats() as ReturnType<Executor['stats']> & { tasks?: Record<string, { model: string }> };
    const models: Record<string, string> = {};
    if (s.tasks) for (const [label, r] of Object.entries(s.tasks)) models[label] = r.model;
    else models['*'] = this.kind;
    return {
      id: this.id,
      host: this.host,
      pid: this.pid,
      queue: this.queue,
      executor: this.kind,
      concurrency: this.concurrency,
      active: this.active.size,
      ...this.counts,
      models,
      at: Date.now(),
      interval: this.healthInterval,
    };
  }

  private async writeHealth(event: 'ready' | 'health' | 'stopped'): Promise<void> {
    const h = this.health();
    this.emit({ event, ...h });
    if (!this.redis.up) return;
    try {
      if (event === 'stopped') await this.redis.client.hdel(this.keys.workers, this.id);
      else await this.redis.client.hset(this.keys.workers, this.id, JSON.stringify(h));
    } catch {
      // Health is best effort; Redis being away is reported by redis-down.
    }
  }

  private origin(job: Job): RemoteOrigin {
    return { host: this.host, pid: this.pid, jobId: String(job.id), attempts: job.attemptsMade + 1 };
  }

  /** The error BullMQ stores: the plain message for dashboards, the encoded original in its stack. */
  private jobError(error: unknown, job: Job, retryable: boolean): Error {
    const message = error instanceof Error || error instanceof DOMException ? error.message : String(error);
    const name = error instanceof Error || error instanceof DOMException ? error.name : 'Error';
    const out = new Error(message);
    out.name = retryable ? name : UNRECOVERABLE;
    out.stack = `${name}: ${message}\n${encodeFailure(error, this.origin(job))}`;
    return out;
  }

  private async process(job: Job, token: string | undefined, signal: AbortSignal | undefined): Promise<string> {
    const id = String(job.id);
    const controller = new AbortController();
    const entry: Active = { job, token, controller };
    this.active.set(id, entry);
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const data = job.data as JobData;
      if (!data || typeof data !== 'object' || data.v !== 1 || typeof data.i !== 'string' || typeof data.x !== 'string') {
        throw this.refuse(job, new TaskInputError('job', 'is not a boundwise job (expected { v: 1, m, x, i })'));
      }
      // Checked before anything is decoded: a huge input costs nothing but this comparison.
      if (data.i.length > this.maxInput) {
        throw this.refuse(job, new TaskInputError('input', `is ${data.i.length} bytes encoded, above this worker's --max-input ${this.maxInput}; it was not decoded`));
      }
      const where = `worker ${this.host} pid ${this.pid}, job ${id}`;
      const resolved = this.resolve(data.m);
      if (!resolved.ok) {
        this.counts.refused++;
        this.emit({ event: 'job-refused', job: id, module: String(data.m).slice(0, 200), reason: resolved.reason });
        throw this.refuse(job, new TaskNotFoundError(String(data.m).slice(0, 200), data.x.slice(0, MAX_EXPORT_NAME), [], `${resolved.reason} (${where})`));
      }
      if (data.x.length === 0 || data.x.length > MAX_EXPORT_NAME) {
        throw this.refuse(job, new TaskNotFoundError(data.m, data.x.slice(0, MAX_EXPORT_NAME), [], `the export name is empty or too long (${where})`));
      }
      let input: unknown;
      try {
        input = decodeValue(data.i);
      } catch (error) {
        throw this.refuse(job, new TaskInputError('input', 'could not be decoded (not v8.serialize output)', { cause: error }));
      }
      const timeout = typeof data.t === 'number' && data.t > 0 ? data.t : undefined;
      const ref = taskRef(resolved.href, data.x);
      // Task messages go back as job progress, one after another, all written before the result.
      let sent: Promise<unknown> = Promise.resolve();
      // After a cancel or timeout, none: the caller's run has already settled.
      const onMessage =
        data.e === 1
          ? (m: unknown) => {
              if (controller.signal.aborted) return;
              sent = sent.then(() => job.updateProgress({ [MESSAGE_KEY]: encodeMessage(m) })).catch(() => {});
            }
          : undefined;
      const output = await this.local.run(ref, input, { signal: controller.signal, ...(timeout !== undefined && { timeout }), ...(onMessage && { onMessage }) });
      await sent;
      const encoded = encodeOutput(output, `${data.m}#${data.x}`);
      this.counts.done++;
      return encoded;
    } catch (error) {
      if (this.handingBack.has(id)) {
        this.handingBack.delete(id);
        this.counts.handedBack++;
        await job.moveToWait(token as string);
        this.emit({ event: 'handed-back', job: id });
        throw new WaitingError();
      }
      if ((error as Error)?.name === UNRECOVERABLE) {
        this.counts.failed++;
        throw error;
      }
      this.counts.failed++;
      const retryable = !(
        this.cancelled.has(id) ||
        isCancellation(error) && controller.signal.aborted ||
        error instanceof TaskNotFoundError ||
        (error as Error)?.name === 'TaskNotFoundError' ||
        error instanceof TaskInputError ||
        error instanceof TaskOutputError
      );
      throw this.jobError(error, job, retryable);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.active.delete(id);
      this.cancelled.delete(id);
    }
  }

  private refuse(job: Job, error: Error): Error {
    return this.jobError(error, job, false);
  }

  /**
   * Stop taking jobs; let active ones finish for `grace` ms, then hand the rest
   * back to the queue. Resolves when everything is closed.
   */
  stop(reason = 'stop requested'): Promise<void> {
    this.stopping ??= (async () => {
      this.emit({ event: 'stopping', reason, active: this.active.size, grace: this.grace });
      const closing = this.worker?.close() ?? Promise.resolve();
      const timer = setTimeout(() => this.handBackAll(), this.grace);
      // BullMQ retries a job's final write while Redis is away; if Redis lost the job's
      // lock, that never ends. Past grace + HARD_STOP_MS the worker stops anyway: such
      // jobs come back through the stalled-job check on another worker.
      let hard: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>((resolve) => (hard = setTimeout(() => resolve('expired'), this.grace + HARD_STOP_MS)));
      try {
        if ((await Promise.race([closing, expired])) === 'expired') {
          this.forced = true;
          this.emit({ event: 'error', message: `could not close the BullMQ worker within --grace + ${HARD_STOP_MS} ms (Redis away?); its active jobs will be recovered by the stalled-job check` });
        }
      } finally {
        clearTimeout(timer);
        clearTimeout(hard);
      }
      if (this.heartbeat) clearInterval(this.heartbeat);
      await this.writeHealth('stopped');
      await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
      await this.local.close({ cancel: true });
      await this.redis.close();
      this.resolveStopped();
    })();
    return this.stopping;
  }

  /** Abort every active job and put it back on the wait list for another worker. */
  handBackAll(): void {
    for (const [id, a] of this.active) {
      this.handingBack.add(id);
      a.controller.abort(new HandBack(`job ${id} handed back: worker ${this.id} is stopping`));
    }
  }
}
