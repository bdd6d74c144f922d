/** Redis names boundwise adds beside BullMQ's own `<prefix>:<queue>:*` keys. */
export function clusterKeys(prefix: string, queue: string) {
  const base = `${prefix}:${queue}`;
  return {
    /** BullMQ's event stream (QueueEvents reads it). */
    events: `${base}:events`,
    /** Hash: worker id → its latest health record (JSON). */
    workers: `${base}:boundwise:workers`,
    /** Pub/sub channel: a job id whose running attempt must be aborted. */
    cancel: `${base}:boundwise:cancel`,
  };
}

/** A worker's health record, written to Redis and (with --json) to stderr. */
export interface WorkerHealth {
  id: string;
  host: string;
  pid: number;
  queue: string;
  executor: string;
  concurrency: number;
  active: number;
  done: number;
  failed: number;
  refused: number;
  handedBack: number;
  /** Task label → the model its executor runs it on (auto() decides per task; other executors have one model). */
  models: Record<string, string>;
  /** Date.now() when written, and how often it is rewritten (ms): a record older than 3 intervals is a worker gone. */
  at: number;
  interval: number;
}
