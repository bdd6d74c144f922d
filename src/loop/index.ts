export { loop, LoopExecutor, type LoopStats } from './loop.js';
export type { LoopOptions } from './options.js';
export type { RateOptions } from './rate.js';
export type { Clock } from './clock.js';
