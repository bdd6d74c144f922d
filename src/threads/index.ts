export { threads, ThreadPool, type ThreadsOptions, type ThreadsStats } from './threads.js';
