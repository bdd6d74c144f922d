export { processes, ProcessPool, type ProcessesOptions, type ProcessesStats } from './processes.js';
