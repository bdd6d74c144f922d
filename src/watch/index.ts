export { watch, type WatchHandle, type WatchOptions } from './watch.js';
export { adviseFromStats, type TaskStatsForAdvice, type ExecutorStatsForAdvice, type Advice, type AdviceKind } from './advise.js';
export type { BlockReport, StackFrame, WatchSummary, PlaceSummary } from './types.js';
export { formatBlock, formatSummary } from './format.js';
