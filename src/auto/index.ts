export { auto, AutoExecutor, type AutoOptions, type AutoStats, type AutoTaskReport } from './auto.js';
export type { Decision, Behaviour } from './policy.js';
export type { Model, ModelWall, TaskProfile, Sample } from './profile.js';
// The subpath entry (boundwise/auto) also gives what a task needs, without loading the rest.
export { tasks, taskRef, type TaskRef, type TaskContext } from '../task.js';
export { transfer } from '../pool/transfer.js';
