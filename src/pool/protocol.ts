/**
 * Messages between a pool and its workers (threads and child processes alike).
 * Kept small and flat: one object per message, short keys, no classes, so the
 * structured-clone cost stays close to the payload's own.
 */
import type { MessagePort } from 'node:worker_threads';
import type { SerializedError } from '../remote-error.js';

/** Measurements a worker takes around a task when the parent asks (`auto()` does). */
export interface TaskProfile {
  /** Wall time in the worker, ms. */
  wall: number;
  /** CPU time of the worker thread (or process), ms. */
  cpu: number;
  /** Time it was ready to run but waited for a CPU (the machine was busy), ms; 0 where unknown. */
  runQueue: number;
  /** Event-loop utilization of the worker during the task, 0..1. */
  elu: number;
  /** The task's first run in this worker: lazy loading and a cold JIT make it atypical. */
  first?: boolean;
  /**
   * With `c`: what copying this run's input and output cost, ms — a structured clone of each,
   * timed on this thread outside the task's wall time. A dispatch pays that much again (the
   * caller serializes, the worker deserializes, and back); auto() weighs it against the work.
   */
  copy?: number;
}

export type ToWorker =
  /**
   * Run one task. `p`: take a profile; `c`: with it, time what copying the input and output
   * costs (TaskProfile.copy); `a`: say at once if it returns a promise (an 'async' message).
   */
  | { t: 'run'; id: number; m: string; n: string; i: unknown; p?: boolean; c?: boolean; a?: boolean }
  /** Run several inputs of one task, one after another; one reply with every outcome. */
  | { t: 'chunk'; id: number; m: string; n: string; i: unknown[]; p?: boolean }
  /** Run several tasks of one kind in order (ids[k] with input i[k]); one reply with every outcome. */
  | { t: 'batch'; ids: number[]; m: string; n: string; i: unknown[] }
  /** The pool stops this worker: run the loaded modules' teardown() and answer 'stopped'. */
  | { t: 'stop' }
  /** Abort task `id`'s signal with reason `r` (or skip it, if it is in a batch and has not started). */
  | { t: 'abort'; id: number; r: SerializedError }
  /**
   * Threads only, the first message: answer on this port from now on (the pool can read it synchronously);
   * `w`: the worker's id; `h`: report the heap used with every answer (threads({ maxMemoryMb })).
   */
  | { t: 'port'; port: MessagePort; w: number; h?: boolean };

/** Why a task failed on the worker side, when it was not the task's own throw ('setup': its module's setup() threw). */
export type FailureKind = 'load' | 'output' | 'setup';

export type ChunkOutcome = { ok: true; value: unknown } | { ok: false; error: SerializedError };

/** Every answer may carry `h`: the worker's heap used, in MB, when the pool asked for it (threads' maxMemoryMb). */
export type FromWorker =
  | { t: 'ready' }
  | { t: 'ok'; id: number; v: unknown; p?: TaskProfile; h?: number }
  | { t: 'err'; id: number; e: SerializedError; k?: FailureKind; p?: TaskProfile; h?: number }
  | { t: 'chunk'; id: number; r: ChunkOutcome[]; p?: TaskProfile; h?: number }
  /** The outcomes of a batch, in the order of its ids; `id` is the batch's first. */
  /**
   * A batch's answer: `v[k]` is the value of its task k, unless k is among the failures `f`
   * ([k, error] pairs, only when some failed). Not one { ok, value } object per task: the pool
   * would deserialize 100,000 of them in a burst, only to read them once.
   */
  | { t: 'batch'; id: number; v: unknown[]; f?: Array<[number, SerializedError]>; h?: number }
  /** A task aborted inside a batch has ended (or was skipped): the worker need not be stopped for it. */
  | { t: 'ended'; id: number }
  /** Module `m`, just set up, exports teardown(): stop this worker with 'stop', not at once. */
  | { t: 'hooks'; m: string }
  /** The answer to 'stop': the teardowns ran; `f` lists those that threw, by module. */
  | { t: 'stopped'; f: Array<{ m: string; e: SerializedError }> }
  /**
   * Task `id` (a run sent with `a`) returned a promise after `s` ms of synchronous work: sent
   * then, before its answer, so auto() learns that the task waits without waiting for it.
   */
  | { t: 'async'; id: number; s: number }
  /** context.emit(v) of task `id`, sent before its answer (so it arrives first). */
  | { t: 'msg'; id: number; v: unknown }
  /**
   * The worker is dying (attribution.ts): whose code it was (`n`, `who`), and the outcomes `r`
   * of the inputs its current unit (first job `id`, -1 for none) had finished.
   */
  | { t: 'crash'; id: number; who: 'current' | 'settled' | 'unknown'; r: ChunkOutcome[]; n?: string };
