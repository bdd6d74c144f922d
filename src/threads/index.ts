export { threads, ThreadPool, type ThreadsOptions, type ThreadsStats } from './threads.js';
// The subpath entry (boundwise/threads) also gives what a task needs, without loading the rest.
export { tasks, taskRef, type TaskRef, type TaskContext } from '../task.js';
export { transfer } from '../pool/transfer.js';
