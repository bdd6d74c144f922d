/**
 * cluster(): the Executor contract across machines, on BullMQ and Redis.
 *
 *   run(task, input) ── encode (wire.ts) ── Queue.add(jobId = <client>.<n>) ──▶ Redis
 *        ▲                                                                     │
 *        │  QueueEvents (one XREAD stream per client):                          ▼
 *        ├── active    → counted as running                       boundwise worker(s)
 *        ├── completed → decode the output, resolve
 *        └── failed    → read the job's stack trace line, rebuild the error, reject
 *
 *   abort while queued  → Queue.remove(jobId): gone before any worker sees it
 *   abort while running → PUBLISH <queue>:boundwise:cancel jobId: the worker
 *                         running it aborts the task's signal, then kills it
 *                         after its cancelGrace, as local pools do
 *   Redis away          → commands wait in ioredis' offline queue; when Redis is
 *                         back, every pending job is looked up again (a result
 *                         that arrived meanwhile settles it; a job Redis lost is
 *                         added again under the same id). After
 *                         unavailableTimeout, pending calls reject with
 *                         ClusterUnavailableError.
 *
 * Delivery is at-least-once: a job whose worker dies is put back by BullMQ's
 * stalled-job check and runs again elsewhere, so tasks should be idempotent.
 */
import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents, type Job, type JobsOptions } from 'bullmq';
import { BaseExecutor, RUN_DEFAULT_OPTIONS, checkCloseOptions, checkRunOptions, parseRunDefaults, type CloseOptions, type ExecutorStats, type RunDefaults, type RunOptions } from '../executor.js';
import { ExecutorClosedError, InvalidOptionError, QueueFullError, type QueueClearedError, TaskInputError, WorkerCrashedError, abortError } from '../errors.js';
import { boolOption, intOption, knownOptions, msOption, objectOption } from '../options.js';
import { Counters, counterStats } from '../stats.js';
import { clearTimer, setTimer, type Timer } from '../durations.js';
import { effectiveSignal } from '../scope.js';
import { isTaskRef, taskLabel, type Task } from '../task.js';
import { jobModule } from './address.js';
import { ioredisOptions, resolveConnection, type Connection, type ResolvedConnection } from './connection.js';
import { clusterKeys, type WorkerHealth } from './keys.js';
import { WatchedRedis } from './redis.js';
import { MESSAGE_KEY, decodeFailure, decodeValue, encodeInput, type JobData } from './wire.js';

export type Backoff = number | { type: 'fixed' | 'exponential'; delay: number };

export interface ClusterOptions extends RunDefaults {
  /** redis://[user:password@]host:port[/db], rediss:// for TLS, or { host, port, username, password, tls, db }. */
  connection: Connection;
  /** BullMQ queue name; the workers run `boundwise worker --queue` with the same name. */
  queue: string;
  /** Directory task modules are named relative to; the workers' --root is the same tree. Default: process.cwd(). */
  root?: string | URL;
  /** Runs of a job before its failure is final (BullMQ attempts). Default 1. Per run too. */
  attempts?: number;
  /** Wait between attempts: ms, or { type: 'fixed' | 'exponential', delay }. Per run too. */
  backoff?: Backoff;
  /** Largest encoded input (bytes of base64 text) sent; larger inputs reject with TaskInputError. Default 16 MiB. */
  maxInput?: number;
  /** Most of this executor's jobs waiting in Redis (not yet running); more reject with QueueFullError. Default Infinity. */
  maxQueue?: number;
  /** Jobs per `duration` ms across all workers of the queue (BullMQ's global rate limit). */
  rateLimit?: { max: number; duration: number };
  /** ms to wait for Redis before a call fails with ClusterUnavailableError. Default 10 000. */
  connectTimeout?: number;
  /** ms Redis may be away mid-run before pending calls fail with ClusterUnavailableError. Default 30 000. */
  unavailableTimeout?: number;
  /** ms between refreshes of the Redis figures in stats() (started by the first stats() call). Default 1 000. */
  statsInterval?: number;
  /** BullMQ key prefix. Default "bull". */
  prefix?: string;
  /**
   * Honour `priority` (default true): every job goes to BullMQ's prioritized set,
   * which costs throughput (about a third for no-op jobs in bench/cluster.ts).
   * false: jobs go to the plain FIFO wait list and a non-zero `priority` is refused.
   */
  priorities?: boolean;
}

export interface ClusterRunOptions extends RunOptions {
  attempts?: number;
  backoff?: Backoff;
}

export interface WorkerSeen extends WorkerHealth {
  /** Its last health record is recent (within 3 of its intervals). */
  alive: boolean;
}

export interface ClusterStats extends ExecutorStats {
  readonly kind: 'cluster';
  /** The Redis URL, password hidden. */
  readonly connection: string;
  readonly queue: string;
  /** Redis is answering now. */
  readonly connected: boolean;
  /** Queue depths in Redis (all callers' jobs), as of `at` (Date.now()); undefined before the first refresh. */
  readonly redis: Readonly<{ waiting: number; prioritized: number; active: number; delayed: number; completed: number; failed: number; at: number }> | undefined;
  /** Workers that wrote a health record: host, pid, executor, counts and per-task model choices. */
  readonly workersSeen: readonly WorkerSeen[];
}

interface Pending {
  id: string;
  /** The caller's `run(…, { id })`, for setPriority(). */
  userId: string | undefined;
  label: string;
  /** queued: waiting (held here while paused, or in Redis); running: a worker took it. */
  state: 'queued' | 'running';
  /** Not in Redis: paused before it was sent, or pulled back by pause(). */
  held: boolean;
  /** Its add was issued (it is, or is about to be, in Redis). */
  sent: boolean;
  onMessage: ((message: unknown) => void) | undefined;
  submittedAt: number;
  startedAt: number;
  /** When we last heard of it (an event, or a look-up). */
  news: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  /** The job as sent, kept so a job Redis lost can be added again under its id. */
  data: JobData;
  opts: JobsOptions;
  added: Promise<unknown> | undefined;
  detach(): void;
}

const KNOWN = ['connection', 'queue', 'root', 'attempts', 'backoff', 'maxInput', 'maxQueue', 'rateLimit', 'connectTimeout', 'unavailableTimeout', 'statsInterval', 'prefix', 'priorities', ...RUN_DEFAULT_OPTIONS] as const;
const RUN_KEYS = ['attempts', 'backoff'] as const;
const DEFAULT_MAX_INPUT = 16 * 1024 * 1024;
/** BullMQ priorities: 1 is first, up to 2^21. boundwise: higher first, -1e6..1e6, 0 by default. */
const PRIORITY_ZERO = 1_000_001;
/** Finished jobs kept in Redis so a caller that was away can still read its result (seconds / count). */
const KEEP = { age: 3_600, count: 100_000 };

function checkBackoff(owner: string, value: unknown): Backoff | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return msOption(owner, 'backoff', value, 0);
  const b = objectOption<{ type?: unknown; delay?: unknown }>(owner, 'backoff', value)!;
  if (b.type !== 'fixed' && b.type !== 'exponential') {
    throw new InvalidOptionError('backoff', `${owner}: option "backoff" must be ms or { type: "fixed" | "exponential", delay }, got type ${JSON.stringify(b.type)}`);
  }
  return { type: b.type, delay: msOption(owner, 'backoff', b.delay, 0) };
}

function bullBackoff(b: Backoff | undefined): JobsOptions['backoff'] {
  return b === undefined ? undefined : typeof b === 'number' ? { type: 'fixed', delay: b } : b;
}

export class ClusterExecutor extends BaseExecutor<ClusterStats> {
  readonly kind = 'cluster' as const;
  private readonly owner = 'cluster()';
  private readonly conn: ResolvedConnection;
  private readonly queueName: string;
  private readonly root: string;
  private readonly attempts: number;
  private readonly backoff: Backoff | undefined;
  private readonly maxInput: number;
  private readonly maxQueue: number;
  private readonly rateLimit: { max: number; duration: number } | undefined;
  private readonly connectTimeout: number;
  private readonly unavailableTimeout: number;
  private readonly statsInterval: number;
  private readonly prefix: string;
  private readonly priorities: boolean;
  private readonly keys: ReturnType<typeof clusterKeys>;
  private readonly clientId = randomBytes(6).toString('hex');
  private seq = 0;
  private readonly jobs = new Map<string, Pending>();
  private queuedJobs = 0;
  private readonly counters = new Counters();
  /** Background Redis work (removals, cancel messages) close() waits for. */
  private readonly chores = new Set<Promise<unknown>>();
  private redis: WatchedRedis | undefined;
  private queue: Queue | undefined;
  private events: QueueEvents | undefined;
  private starting: Promise<void> | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private statsTimer: NodeJS.Timeout | undefined;
  private redisFigures: ClusterStats['redis'];
  private workersSeen: WorkerSeen[] = [];
  private closing: Promise<void> | undefined;
  private drained: (() => void) | undefined;

  constructor(options: ClusterOptions) {
    super();
    const owner = this.owner;
    knownOptions(owner, options, KNOWN);
    if (options === undefined || options.connection === undefined) {
      throw new InvalidOptionError('connection', `${owner}: option "connection" is required (a redis:// URL or { host, port, … })`);
    }
    this.conn = resolveConnection(owner, options.connection);
    if (typeof options.queue !== 'string' || !/^[\w.-]{1,200}$/.test(options.queue)) {
      throw new InvalidOptionError('queue', `${owner}: option "queue" must be a name of letters, digits, "_", "-", ".", got ${JSON.stringify(options.queue)}`);
    }
    this.queueName = options.queue;
    const root = options.root === undefined ? process.cwd() : options.root instanceof URL ? fileURLToPath(options.root) : options.root;
    if (typeof root !== 'string') throw new InvalidOptionError('root', `${owner}: option "root" must be a directory path or file URL, got ${String(root)}`);
    try {
      this.root = realpathSync(root);
    } catch {
      throw new InvalidOptionError('root', `${owner}: option "root" must be an existing directory, got ${JSON.stringify(root)}`);
    }
    this.attempts = intOption(owner, 'attempts', options.attempts, 1, { min: 1, max: 1_000 });
    this.backoff = checkBackoff(owner, options.backoff);
    this.maxInput = intOption(owner, 'maxInput', options.maxInput, DEFAULT_MAX_INPUT, { min: 1 });
    this.maxQueue = intOption(owner, 'maxQueue', options.maxQueue, Infinity, { min: 0, max: Infinity });
    const rl = objectOption<{ max?: unknown; duration?: unknown }>(owner, 'rateLimit', options.rateLimit);
    this.rateLimit = rl && { max: intOption(owner, 'rateLimit', rl.max, 1, { min: 1 }), duration: msOption(owner, 'rateLimit', rl.duration, 1_000, 1) };
    this.connectTimeout = msOption(owner, 'connectTimeout', options.connectTimeout, 10_000, 1);
    this.unavailableTimeout = msOption(owner, 'unavailableTimeout', options.unavailableTimeout, 30_000, 1);
    this.statsInterval = msOption(owner, 'statsInterval', options.statsInterval, 1_000, 10);
    if (options.prefix !== undefined && (typeof options.prefix !== 'string' || options.prefix.length === 0)) {
      throw new InvalidOptionError('prefix', `${owner}: option "prefix" must be a non-empty string`);
    }
    this.prefix = options.prefix ?? 'bull';
    this.priorities = boolOption(owner, 'priorities', options.priorities, true);
    this.useDefaults(parseRunDefaults(owner, options));
    if (!this.priorities && this.defaultPriority !== 0) {
      throw new InvalidOptionError('priority', `${owner}: option "priority" needs priorities: true (the default); with priorities: false jobs go to the FIFO wait list`);
    }
    this.keys = clusterKeys(this.prefix, this.queueName);
  }

  // ---- connecting ------------------------------------------------------------

  /** Connect on first use: constructing a cluster() opens nothing. */
  private connectOnce(): Promise<void> {
    this.starting ??= this.connect().catch((error: unknown) => {
      this.starting = undefined; // the next call tries again (unless the credentials were refused)
      throw error;
    });
    return this.starting;
  }

  private async connect(): Promise<void> {
    this.redis ??= new WatchedRedis(this.conn, this.connectTimeout, `boundwise-cluster:${this.clientId}`);
    const redis = this.redis;
    await redis.ready(this.connectTimeout);
    if (this.queue) return;
    // Start reading events from the stream's current end, fixed before the first add,
    // so no event of ours can fall between "now" and QueueEvents' first read.
    const last = (await redis.client.xrevrange(this.keys.events, '+', '-', 'COUNT', 1)) as Array<[string, string[]]>;
    const connection = ioredisOptions(this.conn, this.connectTimeout);
    const queue = new Queue(this.queueName, { connection, prefix: this.prefix });
    const events = new QueueEvents(this.queueName, { connection, prefix: this.prefix, lastEventId: last[0]?.[0] ?? '0-0', autorun: true });
    // Connection trouble is reported through WatchedRedis and the watchdog; these would otherwise be unhandled.
    queue.on('error', () => {});
    events.on('error', () => {});
    events.on('active', ({ jobId }: { jobId: string }) => this.onActive(jobId));
    events.on('completed', ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => this.onCompleted(jobId, returnvalue));
    events.on('failed', ({ jobId, failedReason }: { jobId: string; failedReason: string }) => void this.onFailed(jobId, failedReason));
    events.on('progress', ({ jobId, data }: { jobId: string; data: unknown }) => this.onProgress(jobId, data));
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    if (this.rateLimit) await queue.setGlobalRateLimit(this.rateLimit.max, this.rateLimit.duration);
    this.queue = queue;
    this.events = events;
    redis.whenBack(() => void this.reconcile());
    this.watchdog = setInterval(() => this.checkUnavailable(), Math.min(250, this.unavailableTimeout));
    this.watchdog.unref();
  }

  /** Redis away for longer than allowed: every pending call fails, clearly, instead of waiting forever. */
  private checkUnavailable(): void {
    const r = this.redis;
    if (!r || this.jobs.size === 0) return;
    if (r.downSince === undefined) {
      this.maybeSweep();
      return;
    }
    if (performance.now() - r.downSince < this.unavailableTimeout) return;
    const error = r.unavailable(this.unavailableTimeout);
    for (const p of [...this.jobs.values()]) this.settle(p, 'failed', undefined, error);
  }

  private lastSweep = performance.now();
  private sweeping = false;

  /**
   * A safety net under the event stream: jobs with no news for SWEEP_MS are
   * looked up in Redis (at most SWEEP_BATCH at a time), so a call settles even
   * if its event was missed (a trimmed stream, a reconnect at the wrong moment).
   */
  private maybeSweep(): void {
    const now = performance.now();
    if (this.sweeping || now - this.lastSweep < SWEEP_MS) return;
    this.lastSweep = now;
    const stale = [...this.jobs.values()].filter((p) => now - p.news > SWEEP_MS).slice(0, SWEEP_BATCH);
    if (stale.length === 0) return;
    this.sweeping = true;
    void this.reconcile(stale).finally(() => (this.sweeping = false));
  }

  /**
   * After an outage: look every pending job up again. A job that finished while
   * events could not be read settles now; one Redis lost (it died before the add
   * was written) is added again under the same id, so nothing is lost.
   */
  private async reconcile(which?: Pending[]): Promise<void> {
    const queue = this.queue;
    if (!queue) return;
    for (const p of which ?? [...this.jobs.values()]) {
      if (!this.jobs.has(p.id) || !p.sent) continue; // held by pause(), or in a batch not yet sent
      p.news = performance.now();
      try {
        await p.added;
        const job = await queue.getJob(p.id);
        if (!this.jobs.has(p.id)) continue;
        if (!job) {
          p.added = queue.add(p.label, p.data, p.opts);
          continue;
        }
        if (job.processedOn && p.state === 'queued') this.onActive(p.id);
        if (job.finishedOn) {
          if (job.failedReason && !job.returnvalue) await this.onFailed(p.id, job.failedReason, job as Job);
          else this.onCompleted(p.id, job.returnvalue);
        }
      } catch {
        // Redis went away again: the next 'ready' reconciles again.
      }
    }
  }

  // ---- events ----------------------------------------------------------------

  private onActive(jobId: string): void {
    const p = this.jobs.get(jobId);
    if (!p || p.state === 'running') return;
    p.state = 'running';
    this.queuedJobs--;
    p.startedAt = p.news = performance.now();
    this.counters.waitTime.add(p.startedAt - p.submittedAt);
    if (this.hot) this.note('active');
  }

  /** A task's context.emit(), sent by its worker as job progress (only when the run has onMessage). */
  private onProgress(jobId: string, data: unknown): void {
    const p = this.jobs.get(jobId);
    const onMessage = p ? p.onMessage : this.lateMessages.get(jobId);
    const m = (data as { [MESSAGE_KEY]?: unknown } | null)?.[MESSAGE_KEY];
    if (!onMessage || typeof m !== 'string') return;
    if (p) p.news = performance.now();
    let message: unknown;
    try {
      message = decodeValue(m);
    } catch {
      return; // not ours: somebody else's progress on a job id they should not share
    }
    onMessage(message);
  }

  /**
   * Cancelled running jobs whose caller listens to messages: the messages the
   * task sent before its worker heard of the cancel are still on their way
   * through Redis, and arrive; the worker sends none after (its signal aborted).
   * Forgotten at the job's final event, or beyond LATE_MAX.
   */
  private readonly lateMessages = new Map<string, (message: unknown) => void>();

  private forgetLate(jobId: string): void {
    this.lateMessages.delete(jobId);
  }

  private onCompleted(jobId: string, returnvalue: unknown): void {
    this.forgetLate(jobId);
    const p = this.jobs.get(jobId);
    if (!p) return;
    let value: unknown;
    try {
      value = decodeValue(String(returnvalue));
    } catch (error) {
      this.settle(p, 'failed', undefined, new TaskInputError('output', 'the job completed with a value that is not a boundwise result', { cause: error }));
      return;
    }
    this.settle(p, 'completed', value);
  }

  private async onFailed(jobId: string, failedReason: string, known?: Job): Promise<void> {
    this.forgetLate(jobId);
    const p = this.jobs.get(jobId);
    if (!p) return;
    let error: Error | undefined;
    try {
      const job = known ?? (await this.queue?.getJob(jobId));
      error = decodeFailure(job?.stacktrace ?? undefined);
    } catch {
      // The job could not be read (Redis away, or removed): fall back to the reason alone.
    }
    if (!this.jobs.has(jobId)) return;
    if (!error) {
      // No boundwise error line: the job failed outside any worker's processor —
      // BullMQ's stalled check gave up on it after its worker died, repeatedly.
      error = /stalled/i.test(failedReason)
        ? new WorkerCrashedError({ worker: 'the boundwise worker', reason: 'exit', task: p.label, cause: new Error(failedReason) })
        : new Error(failedReason);
    }
    const crashed = error instanceof WorkerCrashedError;
    // The run's own timeout, met on the worker: a cancellation, as every executor counts it.
    const timedOut = p.data.t !== undefined && error.name === 'TimeoutError';
    this.settle(p, crashed ? 'crashed' : timedOut ? 'cancelled' : 'failed', undefined, error);
  }

  private settle(p: Pending, how: 'completed' | 'failed' | 'crashed' | 'cancelled', value?: unknown, error?: unknown): void {
    if (!this.jobs.has(p.id)) return;
    // A result whose 'active' event was missed (read back after an outage): it did run.
    if (how !== 'cancelled' && p.state === 'queued' && p.sent) this.onActive(p.id);
    this.jobs.delete(p.id);
    const wasQueued = p.state === 'queued';
    if (wasQueued) this.queuedJobs--;
    if (p.held) this.held.delete(p);
    if (p.userId !== undefined && this.byUserId.get(p.userId) === p) this.byUserId.delete(p.userId);
    p.detach();
    const now = performance.now();
    if (how !== 'cancelled') {
      const ran = p.state === 'running' ? now - p.startedAt : 0;
      this.counters.runTime.add(ran);
      this.counters.busyMs += ran;
    }
    if (how === 'completed') this.counters.completed++;
    else if (how === 'cancelled') this.counters.cancelled++;
    else {
      this.counters.failed++;
      if (how === 'crashed') this.counters.crashed++;
    }
    if (how === 'completed') p.resolve(value);
    else p.reject(error);
    if (this.hot) {
      this.note(how === 'completed' ? 'completed' : 'error', how === 'completed' ? value : error);
      this.note(wasQueued ? 'dequeued' : 'next');
    }
    if (this.jobs.size === 0) this.drained?.();
  }

  // ---- the contract ----------------------------------------------------------

  run<I, O>(task: Task<I, O>, input?: I, options?: ClusterRunOptions): Promise<O> {
    if (this.closing) return Promise.reject(new ExecutorClosedError('cluster'));
    let data: JobData;
    let opts: JobsOptions;
    let label: string;
    try {
      let runOptions: RunOptions | undefined = options;
      let attempts = this.attempts;
      let backoff = this.backoff;
      if (options && (options.attempts !== undefined || options.backoff !== undefined)) {
        const { attempts: a, backoff: b, ...rest } = options;
        runOptions = rest;
        attempts = intOption('cluster().run()', 'attempts', a, attempts, { min: 1, max: 1_000 });
        backoff = checkBackoff('cluster().run()', b) ?? backoff;
      }
      checkRunOptions('cluster().run()', runOptions);
      label = taskLabel(task);
      data = { v: 1, m: this.moduleOf(task), x: (task as { name: string }).name, i: encodeInput(input) };
      if (data.i.length > this.maxInput) {
        throw new TaskInputError('input', `is ${data.i.length} bytes encoded (v8.serialize, base64), above maxInput ${this.maxInput}; send a reference (a path, a key) instead, or raise maxInput and the workers' --max-input`);
      }
      const timeout = options?.timeout ?? this.defaultTimeout;
      if (timeout !== Infinity) data.t = timeout;
      if (options?.onMessage) data.e = 1;
      const priority = options?.priority ?? this.defaultPriority;
      if (!this.priorities && priority) {
        throw new InvalidOptionError('priority', 'cluster().run(): option "priority" needs cluster({ priorities: true }) (the default); this executor sends jobs to the FIFO wait list');
      }
      opts = {
        jobId: `${this.clientId}.${++this.seq}`,
        ...(this.priorities && { priority: PRIORITY_ZERO - priority }),
        attempts,
        removeOnComplete: KEEP,
        removeOnFail: KEEP,
        ...(backoff !== undefined && { backoff: bullBackoff(backoff) }),
      };
    } catch (error) {
      return Promise.reject(error);
    }
    // The caller's signal and the ambient deadline or task group's (withTimeout, group): either cancels the job.
    const signal = effectiveSignal(options?.signal);
    const submit = (): Promise<O> => this.submit<O>(label, data, opts, options, signal);
    // Behind callers already waiting for admission, so the bound is checked in call order.
    if ((this.queuedJobs >= this.maxQueue || this.admitting > 0) && !signal?.aborted) return this.admit(submit);
    return submit();
  }

  /** Task module href → the name a job carries (a map() sends the same one thousands of times). */
  private readonly modules = new Map<string, string>();

  private moduleOf(task: Task): string {
    if (!isTaskRef(task)) return jobModule(task, this.root); // throws, saying why
    const known = this.modules.get(task.module);
    if (known !== undefined) return known;
    const m = jobModule(task, this.root); // throws for what cannot travel
    if (this.modules.size >= 1_000) this.modules.clear();
    this.modules.set(task.module, m);
    return m;
  }

  /** Callers waiting in admit(), and the chain that takes them one at a time. */
  private admitting = 0;
  private admissions: Promise<unknown> = Promise.resolve();

  /**
   * At maxQueue by our own count: the 'active' events of jobs that already
   * started may still be on their way, so ask Redis for the states of our
   * queued jobs before refusing. Costs round trips only at the limit.
   * Callers are taken one at a time, and each one's check and submit happen in
   * the same step: two callers at the limit must not both see the one free place.
   */
  private admit<O>(submit: () => Promise<O>): Promise<O> {
    this.admitting++;
    // The turn ends once this caller's job is counted (boxed, so the turn does not wait for its result).
    const turn = this.admissions.then(async () => {
      try {
        if (this.queuedJobs >= this.maxQueue) await this.refreshQueued();
        if (this.queuedJobs >= this.maxQueue) throw new QueueFullError('cluster', this.maxQueue);
        return { job: submit() };
      } finally {
        this.admitting--;
      }
    });
    this.admissions = turn.catch(() => undefined);
    return turn.then((box) => box.job);
  }

  private async refreshQueued(): Promise<void> {
    const queue = this.queue;
    if (!queue) return;
    const queued = [...this.jobs.values()].filter((p) => p.state === 'queued' && p.sent);
    const states = await Promise.all(queued.map((p) => p.added!.then(() => queue.getJobState(p.id)).catch(() => 'unknown')));
    queued.forEach((p, i) => states[i] !== 'waiting' && states[i] !== 'prioritized' && states[i] !== 'delayed' && states[i] !== 'unknown' && this.onActive(p.id));
  }

  private submit<O>(label: string, data: JobData, opts: JobsOptions, options: ClusterRunOptions | undefined, signal: AbortSignal | undefined): Promise<O> {
    if (this.closing) return Promise.reject(new ExecutorClosedError('cluster'));
    this.counters.submitted++;
    if (signal?.aborted) {
      // Counted as submitted and cancelled, as on every executor; nothing reaches Redis.
      this.counters.cancelled++;
      return Promise.reject(signal.reason);
    }
    return new Promise<O>((resolve, reject) => {
      const p: Pending = {
        id: opts.jobId!,
        userId: options?.id,
        label,
        state: 'queued',
        held: false,
        sent: false,
        onMessage: options?.onMessage,
        submittedAt: performance.now(),
        startedAt: 0,
        news: performance.now(),
        resolve: resolve as (v: unknown) => void,
        reject,
        data,
        opts,
        added: undefined,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      const onAbort = () => this.cancel(p, signal!.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.jobs.set(p.id, p);
      if (p.userId !== undefined) this.byUserId.set(p.userId, p);
      this.queuedJobs++;
      this.enqueue(p);
      if (this.hot) this.note('add');
    });
  }

  /** Runs submitted in the same turn of the event loop, sent together (see flush). */
  private outbox: Pending[] | undefined;

  /**
   * Sent once connected, with the other runs of the same synchronous stretch, in
   * one round trip (addBulk, a MULTI): a map() refill or a loop of run() calls
   * costs one write, and jobs submitted together reach Redis together (a worker
   * cannot take the first before a higher-priority one that came with it).
   * pause() before the send keeps them here until resume().
   */
  private enqueue(p: Pending): void {
    let batch = this.outbox;
    if (!batch) {
      const items: Pending[] = (batch = this.outbox = []);
      const done = this.connectOnce().then(
        () => {
          this.outbox = undefined;
          const live = items.filter((q) => this.jobs.has(q.id));
          if (this.paused) for (const q of live) this.hold(q);
          else return this.send(live);
        },
        (error: unknown) => {
          this.outbox = undefined;
          for (const q of items) this.settle(q, 'failed', undefined, error);
        },
      );
      this.batchDone = done;
    }
    batch.push(p);
    p.added = this.batchDone;
  }

  private batchDone: Promise<unknown> | undefined;

  /** Write jobs to Redis; `added` is kept so later Redis work on a job (remove, cancel) waits for its add. */
  private send(batch: Pending[]): Promise<unknown> {
    if (batch.length === 0) return Promise.resolve();
    const queue = this.queue!;
    const writes: Promise<unknown>[] = [];
    for (let k = 0; k < batch.length; k += BULK) {
      const part = batch.slice(k, k + BULK);
      for (const p of part) {
        p.held = false;
        p.sent = true;
      }
      const first = part[0]!;
      const added: Promise<unknown> =
        part.length === 1 ? queue.add(first.label, first.data, first.opts) : queue.addBulk(part.map((p) => ({ name: p.label, data: p.data, opts: p.opts })));
      for (const p of part) p.added = added;
      writes.push(added.catch((error: unknown) => part.forEach((p) => this.settle(p, 'failed', undefined, error))));
    }
    return Promise.all(writes);
  }

  /** Jobs of this client not in Redis because the executor is paused, in submission order. */
  private readonly held = new Set<Pending>();
  private readonly byUserId = new Map<string, Pending>();

  private hold(p: Pending): void {
    p.held = true;
    p.sent = false;
    p.added = undefined;
    this.held.add(p);
  }

  /** Queued: removed from Redis (or dropped here when held). Running: its worker is told to abort it. Either way the call rejects now. */
  private cancel(p: Pending, reason: unknown): void {
    if (!this.jobs.has(p.id)) return;
    const wasRunning = p.state === 'running';
    const inRedis = p.sent;
    // Sent is enough: a job may have started on a worker before its 'active' event reached us,
    // and the messages it sent before the cancel are still owed to the caller.
    if (inRedis && p.onMessage && !this.closing) {
      if (this.lateMessages.size >= LATE_MAX) this.lateMessages.delete(this.lateMessages.keys().next().value!);
      this.lateMessages.set(p.id, p.onMessage);
    }
    this.settle(p, 'cancelled', undefined, reason);
    if (!inRedis) return;
    this.chore(
      (async () => {
        await p.added;
        const queue = this.queue;
        if (!queue) return;
        const removed = wasRunning ? 0 : await queue.remove(p.id);
        if (removed === 1) this.forgetLate(p.id); // it never ran: no message will come
        else await this.redis!.client.publish(this.keys.cancel, p.id);
      })(),
    );
  }

  // ---- queue control (control.ts) --------------------------------------------
  //
  // The queue is in Redis, where workers on other machines take from it, so
  // pause() can only govern this client's own jobs: those not yet sent stay
  // here, and those waiting in Redis are pulled back (removed while still
  // waiting; one a worker has already taken runs on). resume() sends them all.

  protected queuedCount(): number {
    return this.queuedJobs;
  }

  protected runningCount(): number {
    return this.jobs.size - this.queuedJobs;
  }

  protected capacity(): number {
    return Math.max(1, this.workersSeen.filter((w) => w.alive).reduce((n, w) => n + w.concurrency, 0));
  }

  protected override maxQueueSize(): number {
    return this.maxQueue;
  }

  protected clearQueued(reason: QueueClearedError): number {
    const queued = [...this.jobs.values()].filter((p) => p.state === 'queued');
    for (const p of queued) this.cancel(p, reason);
    return queued.length;
  }

  override pause(): void {
    if (this.paused) return;
    super.pause();
    if (!this.paused) return; // closing: close() drains, pause() no longer applies
    const sent = [...this.jobs.values()].filter((p) => p.state === 'queued' && p.sent);
    if (sent.length > 0) this.chore(this.pullBack(sent));
  }

  /** Take this client's waiting jobs out of Redis while paused; a job already taken by a worker (remove() says 0) runs on. */
  private async pullBack(sent: Pending[]): Promise<void> {
    const queue = this.queue;
    if (!queue) return;
    for (const p of sent) {
      await p.added?.catch(() => {});
      if (!this.paused || !this.jobs.has(p.id) || p.state !== 'queued' || !p.sent) continue;
      if ((await queue.remove(p.id).catch(() => 0)) !== 1) continue;
      if (!this.jobs.has(p.id)) continue; // cancelled meanwhile: its own removal found nothing, fine
      if (this.paused) this.hold(p);
      else void this.send([p]);
    }
  }

  /** resume()/start(): send what pause() held, in submission order, in one round trip. */
  protected wake(): void {
    if (this.held.size === 0 || !this.queue) return;
    const batch = [...this.held].sort((a, b) => seqOf(a) - seqOf(b));
    this.held.clear();
    void this.send(batch);
  }

  /** setPriority(): before the job is sent, its options change; once in Redis, BullMQ changes it there (best effort: a worker may take it first). */
  protected moveQueued(id: string, priority: number): boolean {
    const p = this.byUserId.get(id);
    if (!p || p.state !== 'queued' || !this.priorities) return false;
    p.opts = { ...p.opts, priority: PRIORITY_ZERO - priority };
    if (p.sent) {
      const queue = this.queue!;
      this.chore(
        (async () => {
          await p.added;
          const job = await queue.getJob(p.id);
          await job?.changePriority({ priority: PRIORITY_ZERO - priority });
        })(),
      );
    }
    return true;
  }

  /** Background Redis work close() waits for (bounded); its failures are not the caller's. */
  private chore(work: Promise<unknown>): void {
    const c = work.catch(() => {});
    this.chores.add(c);
    void c.finally(() => this.chores.delete(c));
  }

  protected defaultMapConcurrency(): number {
    return 64;
  }

  stats(): ClusterStats {
    if (!this.statsTimer && !this.closing) {
      this.statsTimer = setInterval(() => void this.refresh(), this.statsInterval);
      this.statsTimer.unref();
      void this.refresh();
    }
    const running = this.jobs.size - this.queuedJobs;
    return Object.freeze({
      kind: 'cluster' as const,
      ...counterStats(this.counters, Math.max(1, this.workersSeen.filter((w) => w.alive).reduce((n, w) => n + w.concurrency, 0))),
      queued: this.queuedJobs,
      running,
      workers: this.workersSeen.filter((w) => w.alive).length,
      connection: this.conn.label,
      queue: this.queueName,
      connected: this.redis?.up ?? false,
      redis: this.redisFigures,
      workersSeen: Object.freeze([...this.workersSeen]),
    });
  }

  /** Queue depths and worker health from Redis, for the next stats() snapshots. */
  private async refresh(): Promise<void> {
    try {
      await this.connectOnce();
      const [counts, workers] = await Promise.all([
        this.queue!.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed'),
        this.redis!.client.hgetall(this.keys.workers),
      ]);
      this.redisFigures = Object.freeze({
        waiting: counts.waiting ?? 0,
        prioritized: counts.prioritized ?? 0,
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        completed: counts.completed ?? 0,
        failed: counts.failed ?? 0,
        at: Date.now(),
      });
      const now = Date.now();
      this.workersSeen = Object.values(workers)
        .map((json) => {
          try {
            const h = JSON.parse(json) as WorkerHealth;
            return Object.freeze({ ...h, alive: now - h.at < 3 * h.interval });
          } catch {
            return undefined;
          }
        })
        .filter((w): w is WorkerSeen => w !== undefined);
    } catch {
      // Figures stay as they were; `connected` says Redis is away.
    }
  }

  /** Resolves once statistics from Redis are in (for tests and dashboards that need figures now). */
  async refreshStats(): Promise<ClusterStats> {
    await this.refresh();
    return this.stats();
  }

  close(options?: CloseOptions): Promise<void> {
    checkCloseOptions('cluster().close()', options);
    this.closing ??= this.shutdown(options ?? {});
    return this.closing;
  }

  private async shutdown({ cancel = false, timeout = Infinity }: CloseOptions): Promise<void> {
    if (this.statsTimer) clearInterval(this.statsTimer);
    if (this.jobs.size > 0) {
      if (!cancel) {
        // close() drains, paused or not (as the local executors do): what pause() held is sent now.
        this.drainForClose();
        const drained = new Promise<void>((resolve) => (this.drained = resolve));
        let timer: Timer;
        const expired = new Promise<void>((r) => (timer = setTimer(r, timeout)));
        await Promise.race([drained, expired]);
        clearTimer(timer);
      }
      for (const p of [...this.jobs.values()]) this.cancel(p, abortError('cluster() closed with cancel'));
    }
    await bounded(Promise.all([...this.chores]), CLOSE_MS);
    this.lateMessages.clear();
    if (this.watchdog) clearInterval(this.watchdog);
    // BullMQ's close() can wait forever on a connection that went through a Redis
    // restart (a blocking read, a command in the offline queue): bounded, then cut.
    const closed = await bounded(Promise.allSettled([this.events?.close(), this.queue?.close(), this.redis?.close()]), CLOSE_MS);
    if (!closed) await bounded(Promise.allSettled([this.events?.disconnect(), this.queue?.disconnect(), this.redis?.client.disconnect()]), CLOSE_MS);
  }
}

const CLOSE_MS = 1_000;
/** Jobs per addBulk (one MULTI each): large enough to amortize the round trip, small enough not to stall Redis. */
const BULK = 500;
/** Cancelled jobs whose late messages are still delivered, at most. */
const LATE_MAX = 1_000;

/** Submission order: job ids end in this client's sequence number. */
function seqOf(p: Pending): number {
  return Number(p.id.slice(p.id.lastIndexOf('.') + 1));
}
const SWEEP_MS = 5_000;
const SWEEP_BATCH = 200;

/** true if `p` settled within `ms`. */
async function bounded(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const done = await Promise.race([p.then(() => true, () => true), late]);
  clearTimeout(timer);
  return done;
}

/** An executor whose tasks run on `boundwise worker` processes, wherever they are. */
export function cluster(options: ClusterOptions): ClusterExecutor {
  return new ClusterExecutor(options);
}

export { RUN_KEYS as CLUSTER_RUN_OPTIONS };
