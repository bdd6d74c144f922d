export { auto, AutoExecutor, type AutoOptions, type AutoStats, type AutoTaskReport } from './auto.js';
export type { Decision, Behaviour } from './policy.js';
export type { Model, TaskProfile } from './profile.js';
