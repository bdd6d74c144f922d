export { loop, LoopExecutor, type LoopStats } from './loop.js';
export type { LoopOptions } from './options.js';
export type { RateOptions } from './rate.js';
export type { Clock } from './clock.js';
export { group, gather, settle, type TaskGroup, type Child, type GroupOptions, type SpawnContext } from './group.js';
export { withTimeout, withDeadline, moveOnAfter, type DeadlineContext, type DeadlineOptions } from './deadline.js';
export { systemClock } from './clock.js';
// The subpath entry (boundwise/loop) also gives what a task needs, without loading the rest.
export { tasks, taskRef, type TaskRef, type TaskContext } from '../task.js';
export { transfer } from '../pool/transfer.js';
