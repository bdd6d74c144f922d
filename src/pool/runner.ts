/**
 * The worker side of a pool, shared by thread workers and child processes:
 * loads task modules (once per worker), runs tasks, answers with results or
 * serialized errors, and aborts a task's signal when the parent says so.
 *
 *   parent ──run/chunk/abort──▶ handle() ──▶ task(input, { signal }) ──ok/err/chunk──▶ parent
 *
 * Synchronous tasks are answered without touching a promise, which keeps the
 * per-task cost of tiny tasks low.
 */
import { cloneMs } from '../clone.js';
import type { TransferListItem } from 'node:worker_threads';
import { importModule, pickExport, type TaskFunction, type TaskContext } from '../task.js';
import { serializeError, deserializeError, plainError, type SerializedError } from '../remote-error.js';
import { findUncloneable } from '../clone.js';
import { TaskOutputError, TaskNotFoundError } from '../errors.js';
import { unwrapTransfer } from './transfer.js';
import { readingCost, threadTimes, type ThreadTimes } from './cpu.js';
import type { ToWorker, FromWorker, ChunkOutcome, TaskProfile, FailureKind } from './protocol.js';
import { CrashWitness, type CrashReport, type Owner, type Unit } from './attribution.js';


/**
 * The share of a task's time its event loop was active (running or blocked), not
 * counting the time the thread waited for a CPU. A preempted thread stays
 * "active" by libuv's clock, so on a loaded machine the raw utilization of an
 * async task that only waits (an async gzip) reads high, and it was taken for
 * a blocking wait (issue 13): the run-queue time is taken out of both sides.
 */
export function activeShare(elu: { active: number; idle: number }, runQueueMs: number): number {
  const active = Math.max(0, elu.active - runQueueMs);
  const total = active + elu.idle;
  return total > 0 ? Math.min(1, active / total) : 0;
}

export interface Port {
  post(message: FromWorker, transfer?: TransferListItem[]): void;
}

/**
 * Who runs the tasks of this thread or process; set by the entry (threads/worker.ts,
 * processes/child.ts). The runner itself imports neither node:worker_threads nor node:v8:
 * a child process would load them (~4 ms at start-up) for a thread id that is always 0
 * there and a heap reading only threads ask for.
 */
export const identity = { workerId: 0, threadId: 0 };
/** What the pool asked this worker to report; set by the entry (threads({ maxMemoryMb }) asks for the heap, in MB). */
export const reporting: { heapMb: (() => number) | undefined } = { heapMb: undefined };

/** Add the heap used (MB) to an answer when the pool asked for it: it checks maxMemoryMb between tasks with it. */
function withHeap<M extends Extract<FromWorker, { h?: number }>>(message: M): M {
  if (reporting.heapMb) message.h = reporting.heapMb();
  return message;
}

/** How a child process learns its worker id. */
export const WORKER_ID_ENV = 'BOUNDWISE_WORKER_ID';

/** Where a context's messages go: the runner's port, and the task's name for errors. */
interface Outbox {
  post: Port['post'];
}

/** A context whose AbortController is only created if the task looks at `signal`. */
class Context implements TaskContext {
  private controller: AbortController | undefined;
  private reason: unknown;
  private aborted = false;
  constructor(
    private readonly id: number,
    private readonly out: Outbox,
    private readonly task: string,
  ) {}
  /** A getter so that `({ emit }) => …` works; the closure is made only for tasks that use it. */
  get emit(): (message: unknown) => void {
    return (message) => this.send(message);
  }
  private send(message: unknown): void {
    if (this.aborted) return; // after a cancellation the caller no longer listens
    const { value, list } = unwrapTransfer(message);
    try {
      this.out.post({ t: 'msg', id: this.id, v: value }, list);
    } catch (error) {
      const bad = findUncloneable(value, 'message') ?? { path: 'message', problem: String(error) };
      throw new TaskOutputError(this.task, bad.path, bad.problem);
    }
  }
  get workerId(): number {
    return identity.workerId;
  }
  get threadId(): number {
    return identity.threadId;
  }
  get pid(): number {
    return process.pid;
  }
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }
  get wasAborted(): boolean {
    return this.aborted;
  }
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
  }
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as PromiseLike<unknown>).then === 'function';
}

export interface Runner {
  (message: ToWorker): void;
  /** Tasks started and not yet answered. */
  readonly busy: () => number;
  /** The last words of a dying worker (attribution.ts); the entry posts them from its exit hooks. */
  readonly crashReport: () => CrashReport | undefined;
}

/**
 * One input of a chunk or batch: its value, or its error ready to cross back.
 * Synchronous tasks get a synchronous answer, so a batch of them costs no microtasks.
 */
function outcomeOf(witness: CrashWitness, owner: Owner, fn: TaskFunction, input: unknown, ctx: TaskContext): ChunkOutcome | Promise<ChunkOutcome> {
  const fail = (error: unknown): ChunkOutcome => ({ ok: false, error: serializeError(error) });
  let result: unknown;
  try {
    result = witness.run(owner, fn, input, ctx);
  } catch (error) {
    return fail(error);
  }
  if (!isThenable(result)) return { ok: true, value: unwrapTransfer(result).value };
  return Promise.resolve(result).then((v): ChunkOutcome => ({ ok: true, value: unwrapTransfer(v).value }), fail);
}

export function createRunner(port: Port, where: string): Runner {
  const fns = new Map<string, TaskFunction>();
  const running = new Map<number, Context>();
  /** Tasks of the current batch not started yet, and the reasons of those aborted before they could start. */
  const waiting = new Set<number>();
  const abortedEarly = new Map<number, unknown>();
  const witness = new CrashWitness((id) => running.has(id));

  async function load(m: string, n: string): Promise<TaskFunction> {
    const mod = await importModule(m);
    const fn = pickExport(mod, m, n);
    await setUp(m, mod);
    fns.set(`${m}#${n}`, fn);
    return fn;
  }

  // ---- module hooks: setup() once per module in this worker, teardown() when the pool stops it ----
  const setups = new Map<string, Promise<void>>();
  /** Modules set up whose teardown() is due when the worker stops, in the order they were set up. */
  const teardowns: Array<{ m: string; teardown: () => unknown }> = [];

  function setUp(m: string, mod: Record<string, unknown>): Promise<void> {
    let done = setups.get(m);
    if (!done) {
      done = (async () => {
        if (typeof mod.setup === 'function') {
          try {
            await (mod.setup as () => unknown)();
          } catch (error) {
            throw new SetupFailed(error);
          }
        }
        if (typeof mod.teardown === 'function') {
          teardowns.push({ m, teardown: mod.teardown as () => unknown });
          port.post({ t: 'hooks', m });
        }
      })();
      setups.set(m, done);
    }
    return done;
  }

  /** Run every teardown (the last set up first); one that throws does not keep the others from running. */
  async function tearDown(): Promise<void> {
    const failed: Array<{ m: string; e: SerializedError }> = [];
    for (const { m, teardown } of teardowns.splice(0).reverse()) {
      try {
        await teardown();
      } catch (error) {
        failed.push({ m, e: serializeError(error) });
      }
    }
    try {
      port.post({ t: 'stopped', f: failed });
    } catch {
      port.post({ t: 'stopped', f: failed.map(({ m, e }) => ({ m, e: plainError(e) })) });
    }
  }

  // The clock readings are ordered so that reading /proc is not part of the measured wall time.
  function profileStart(): [number, ThreadTimes, ReturnType<typeof performance.eventLoopUtilization>] {
    const times = threadTimes();
    const elu = performance.eventLoopUtilization();
    return [performance.now(), times, elu];
  }
  function profileEnd(start: ReturnType<typeof profileStart>, first = false): TaskProfile {
    const wall = performance.now() - start[0];
    const elu = performance.eventLoopUtilization(start[2]);
    const times = threadTimes();
    const runQueue = times.runQueue - start[1].runQueue;
    return {
      wall,
      cpu: Math.max(0, times.cpu - start[1].cpu - readingCost()),
      runQueue,
      elu: activeShare(elu, runQueue),
      ...(first && { first: true }),
    };
  }

  function sendOk(id: number, task: string, result: unknown, p?: TaskProfile): void {
    const { value, list } = unwrapTransfer(result);
    const msg: FromWorker = withHeap(p ? { t: 'ok', id, v: value, p } : { t: 'ok', id, v: value });
    try {
      port.post(msg, list);
    } catch (error) {
      const where = findUncloneable(value, 'output') ?? { path: 'output', problem: String(error) };
      sendErr(id, new TaskOutputError(task, where.path, where.problem), 'output', p);
    }
  }

  function sendErr(id: number, error: unknown, kind?: FailureKind, p?: TaskProfile): void {
    const e = serializeError(error);
    const msg = withHeap<Extract<FromWorker, { t: 'err' }>>({ t: 'err', id, e });
    if (kind) msg.k = kind;
    if (p) msg.p = p;
    try {
      port.post(msg);
    } catch {
      port.post({ ...msg, e: plainError(e) });
    }
  }

  async function runOne(msg: Extract<ToWorker, { t: 'run' }>, fn: TaskFunction | undefined): Promise<void> {
    const ctx = new Context(msg.id, port, `${msg.m}#${msg.n}`);
    running.set(msg.id, ctx);
    let start: ReturnType<typeof profileStart> | undefined;
    try {
      const first = !fn;
      if (!fn) fn = await loadOrReport(msg.id, msg.m, msg.n);
      if (!fn) return;
      // Copying the input, timed before the task (and outside its wall time) when asked.
      const copyIn = msg.p && msg.c ? cloneMs(msg.i) : undefined;
      // Measured from here: loading the module is not the task's own behaviour.
      if (msg.p) start = profileStart();
      const called = msg.a ? performance.now() : 0;
      let result = witness.run({ id: msg.id, k: 0, task: `${msg.m}#${msg.n}` }, fn, msg.i, ctx);
      if (isThenable(result)) {
        if (msg.a) port.post({ t: 'async', id: msg.id, s: performance.now() - called });
        result = await result;
      }
      const profile = start && profileEnd(start, first);
      if (profile && copyIn !== undefined) {
        // An output sent with transfer() moves its buffers instead of copying them: counted as free.
        const out = unwrapTransfer(result);
        const copyOut = out.list ? 0 : cloneMs(out.value);
        if (copyOut !== undefined) profile.copy = copyIn + copyOut;
      }
      sendOk(msg.id, `${msg.m}#${msg.n}`, result, profile);
    } catch (error) {
      sendErr(msg.id, error, undefined, start && profileEnd(start, false));
    } finally {
      running.delete(msg.id);
    }
  }

  async function loadOrReport(id: number, m: string, n: string): Promise<TaskFunction | undefined> {
    try {
      return await load(m, n);
    } catch (error) {
      // A missing export is the caller's mistake; a module that throws at import is a broken setup.
      if (error instanceof SetupFailed) sendErr(id, error.cause, 'setup');
      else sendErr(id, error, error instanceof TaskNotFoundError ? undefined : 'load');
      return undefined;
    }
  }

  async function runChunk(msg: Extract<ToWorker, { t: 'chunk' }>): Promise<void> {
    const ctx = new Context(msg.id, port, `${msg.m}#${msg.n}`);
    running.set(msg.id, ctx);
    const fn = fns.get(`${msg.m}#${msg.n}`) ?? (await loadOrReport(msg.id, msg.m, msg.n));
    if (!fn) {
      running.delete(msg.id);
      return;
    }
    const start = msg.p ? profileStart() : undefined;
    const outcomes: ChunkOutcome[] = new Array(msg.i.length);
    const unit: Unit = { first: msg.id, ids: undefined, k: 0, outcomes };
    witness.begin(unit);
    const task = `${msg.m}#${msg.n}`;
    for (let k = 0; k < msg.i.length; k++) {
      unit.k = k;
      const o = outcomeOf(witness, { id: msg.id, k, task }, fn, msg.i[k], ctx);
      outcomes[k] = o instanceof Promise ? await o : o;
    }
    witness.end(unit);
    running.delete(msg.id);
    postOutcomes('chunk', msg.id, outcomes, `${msg.m}#${msg.n}`, start && profileEnd(start));
  }

  async function runBatch(msg: Extract<ToWorker, { t: 'batch' }>): Promise<void> {
    for (const id of msg.ids) waiting.add(id);
    const outcomes: ChunkOutcome[] = new Array(msg.ids.length);
    const unit: Unit = { first: msg.ids[0] as number, ids: msg.ids, k: 0, outcomes };
    witness.begin(unit);
    const fn = fns.get(`${msg.m}#${msg.n}`) ?? (await loadOrReportBatch(msg));
    const task = `${msg.m}#${msg.n}`;
    for (let k = 0; k < msg.ids.length; k++) {
      const id = msg.ids[k] as number;
      unit.k = k;
      waiting.delete(id);
      if (!fn) continue;
      if (abortedEarly.has(id)) {
        // Skipped (the pool heard 'ended' when the abort came).
        outcomes[k] = { ok: false, error: serializeError(abortedEarly.get(id)) };
        abortedEarly.delete(id);
        continue;
      }
      const ctx = new Context(id, port, task);
      running.set(id, ctx);
      const o = outcomeOf(witness, { id, k, task }, fn, msg.i[k], ctx);
      outcomes[k] = o instanceof Promise ? await o : o;
      running.delete(id);
      // An aborted task of a batch has ended: said now, not with the batch's answer, which may
      // come after cancelGrace (the pool would stop this worker and run the batch's others again).
      if (ctx.wasAborted) port.post({ t: 'ended', id });
    }
    witness.end(unit);
    if (!fn) return;
    postOutcomes('batch', msg.ids[0] as number, outcomes, `${msg.m}#${msg.n}`);
  }

  async function loadOrReportBatch(msg: Extract<ToWorker, { t: 'batch' }>): Promise<TaskFunction | undefined> {
    try {
      return await load(msg.m, msg.n);
    } catch (error) {
      const setup = error instanceof SetupFailed;
      const e = serializeError(setup ? error.cause : error);
      const outcomes = msg.ids.map((): ChunkOutcome => ({ ok: false, error: e }));
      // A module that fails to load (or set up) fails every task of the batch the same way as a single run.
      if (!(error instanceof TaskNotFoundError)) {
        for (const id of msg.ids) waiting.delete(id);
        port.post(withHeap({ t: 'err', id: msg.ids[0] as number, e, k: setup ? 'setup' : 'load' }));
        return undefined;
      }
      port.post(withHeap(batchAnswer(msg.ids[0] as number, outcomes)));
      return undefined;
    }
  }

  /** Post a batch or chunk reply; if one value cannot be cloned, only that one fails. */
  function postOutcomes(t: 'batch' | 'chunk', id: number, outcomes: ChunkOutcome[], task: string, p?: TaskProfile): void {
    try {
      port.post(withHeap(t === 'batch' ? batchAnswer(id, outcomes) : p ? { t, id, r: outcomes, p } : { t, id, r: outcomes }));
    } catch {
      for (let k = 0; k < outcomes.length; k++) {
        const o = outcomes[k] as ChunkOutcome;
        if (!o.ok) continue;
        try {
          structuredClone(o.value);
        } catch {
          const w = findUncloneable(o.value, 'output') ?? { path: 'output', problem: 'cannot be cloned' };
          outcomes[k] = { ok: false, error: serializeError(new TaskOutputError(task, w.path, w.problem)) };
        }
      }
      port.post(withHeap(t === 'batch' ? batchAnswer(id, outcomes) : { t, id, r: outcomes }));
    }
  }

  const handle = function handle(msg: ToWorker): void {
    switch (msg.t) {
      case 'run': {
        const fn = fns.get(`${msg.m}#${msg.n}`);
        // Fast path: a known, synchronous task with no profile needs no promise at all.
        if (fn && !msg.p) {
          const ctx = new Context(msg.id, port, `${msg.m}#${msg.n}`);
          running.set(msg.id, ctx);
          let result: unknown;
          try {
            result = witness.run({ id: msg.id, k: 0, task: `${msg.m}#${msg.n}` }, fn, msg.i, ctx);
          } catch (error) {
            running.delete(msg.id);
            sendErr(msg.id, error);
            return;
          }
          if (!isThenable(result)) {
            running.delete(msg.id);
            sendOk(msg.id, `${msg.m}#${msg.n}`, result);
            return;
          }
          Promise.resolve(result).then(
            (v) => {
              running.delete(msg.id);
              sendOk(msg.id, `${msg.m}#${msg.n}`, v);
            },
            (error: unknown) => {
              running.delete(msg.id);
              sendErr(msg.id, error);
            },
          );
          return;
        }
        void runOne(msg, fn);
        return;
      }
      case 'chunk':
        void runChunk(msg);
        return;
      case 'batch':
        void runBatch(msg);
        return;
      case 'stop':
        void tearDown();
        return;
      case 'abort': {
        const reason = deserializeError(msg.r as SerializedError, where);
        const ctx = running.get(msg.id);
        if (ctx) ctx.abort(reason);
        else if (waiting.has(msg.id)) {
          // It will be skipped, never started: say so now, so the pool does not stop this worker.
          abortedEarly.set(msg.id, reason);
          port.post({ t: 'ended', id: msg.id });
        }
        return;
      }
    }
  };
  return Object.assign(handle, { busy: () => running.size + waiting.size, crashReport: () => witness.report() });
}

/** A batch's outcomes as its answer: the values in one array, the failures (if any) beside them. */
function batchAnswer(id: number, outcomes: ChunkOutcome[]): Extract<FromWorker, { t: 'batch' }> {
  const v: unknown[] = new Array(outcomes.length);
  let f: Array<[number, SerializedError]> | undefined;
  for (let k = 0; k < outcomes.length; k++) {
    const o = outcomes[k] as ChunkOutcome;
    if (o.ok) v[k] = o.value;
    else (f ??= []).push([k, o.error]);
  }
  return f ? { t: 'batch', id, v, f } : { t: 'batch', id, v };
}

/** A module's setup() threw: its tasks fail with TaskSetupError (made by the pool) and the worker is replaced. */
class SetupFailed extends Error {
  constructor(override readonly cause: unknown) {
    super('setup() failed');
  }
}
