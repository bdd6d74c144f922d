export { processes, ProcessPool, type ProcessesOptions, type ProcessesStats } from './processes.js';
// The subpath entry (boundwise/processes) also gives what a task needs, without loading the rest.
export { tasks, taskRef, type TaskRef, type TaskContext } from '../task.js';
export { transfer } from '../pool/transfer.js';
