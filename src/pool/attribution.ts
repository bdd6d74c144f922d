/**
 * Worker side: whose fault is a crash? Every task runs inside an async context
 * that names it (AsyncLocalStorage), so code it leaves behind — a timer, a
 * callback — still names it when it throws later. When the worker is about to
 * die (an uncaught exception, `process.exit()`), it tells the pool, in one last
 * message, which task the fatal code belonged to and how far it had got in the
 * unit it was running (a batch or a chunk):
 *
 *   task runs in owners.run({ id, k }) ── timer ──▶ throws ──▶ uncaughtExceptionMonitor
 *                                                               │ report(): { t: 'crash', … }
 *   pool ◀────────────────────────────────────────────────────────┘ then the worker exits
 *
 *   who 'current': the task running now is the culprit; the pool fails it alone.
 *   who 'settled': a task that has already answered (a late crash); the one running is
 *                  innocent and the pool runs it again on a fresh worker.
 *   who 'unknown': no task's code was on the stack; the pool decides as before.
 *   `r`: outcomes of the inputs the unit had finished, so they are not run again.
 *
 * A worker killed from outside (out of memory, a signal, terminate) sends nothing.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ChunkOutcome, FromWorker } from './protocol.js';

/** The async context of one task: its job id and its index in the unit. */
export interface Owner {
  readonly id: number;
  readonly k: number;
  /** `module#name`, for the report of a late crash. */
  readonly task: string;
}

/** What the worker is running now: one run, a batch (ids) or a chunk (one id, many inputs). */
export interface Unit {
  readonly first: number;
  readonly ids: readonly number[] | undefined;
  /** Index of the input running now; those before it are finished. */
  k: number;
  readonly outcomes: ChunkOutcome[];
}

export type CrashReport = Extract<FromWorker, { t: 'crash' }>;

export class CrashWitness {
  private readonly owners = new AsyncLocalStorage<Owner>();
  /** The batches and chunks running now: one, except on a worker with concurrentTasksPerWorker > 1. */
  private readonly units = new Set<Unit>();
  private reported = false;

  /** `running(id)`: whether single task `id` is still running (single runs keep no Unit, to stay cheap). */
  constructor(private readonly running: (id: number) => boolean) {}

  /** Run `fn(input, ctx)` as task `owner`. */
  run<A, B, R>(owner: Owner, fn: (a: A, b: B) => R, a: A, b: B): R {
    return this.owners.run(owner, fn, a, b);
  }

  begin(unit: Unit): void {
    this.units.add(unit);
  }

  end(unit: Unit): void {
    this.units.delete(unit);
  }

  /** The unit the fatal code's task belongs to; with a single unit running, that one. */
  private unitOf(owner: Owner | undefined): Unit | undefined {
    if (this.units.size <= 1 || !owner) return this.units.values().next().value;
    for (const unit of this.units) if (holds(unit, owner.id)) return unit;
    return undefined;
  }

  /** The one last message of a dying worker, or undefined when there is nothing to say (or it was said). */
  report(): CrashReport | undefined {
    if (this.reported) return undefined;
    const owner = this.owners.getStore();
    const unit = this.unitOf(owner);
    if (!owner && !unit) return undefined;
    this.reported = true;
    let who: CrashReport['who'] = 'unknown';
    if (owner) {
      // A task of the unit is its current one only at the unit's current index; any other task
      // (a single run beside it, or one that settled) is current while it still runs.
      const current = unit && holds(unit, owner.id)
        ? owner.id === (unit.ids ? unit.ids[unit.k] : unit.first) && owner.k === unit.k
        : this.running(owner.id);
      who = current ? 'current' : 'settled';
    }
    const report: CrashReport = { t: 'crash', id: unit?.first ?? -1, who, r: unit ? unit.outcomes.slice(0, unit.k) : [] };
    if (owner) report.n = owner.task;
    return report;
  }
}

function holds(unit: Unit, id: number): boolean {
  return unit.ids ? unit.ids.includes(id) : unit.first === id;
}
