// Public exports only. Everything else is internal and may change.
export * from './errors.js';
export { tasks, taskRef, type Task, type TaskRef, type TaskFunction, type ContextTask, type NoInputNeeded, type TaskContext, type TasksOf, type InputOf, type OutputOf } from './task.js';
export type { Executor, ExecutorKind, ExecutorStats, RunOptions, MapOptions, CloseOptions, Progress, Settled } from './executor.js';
export type { QueueControl, ExecutorEvents, WorkerInfo, WorkerExit, WorkerExitReason, RunDefaults } from './executor.js';
export type { ResizeOptions } from './pool/pool.js';
export type { Percentiles } from './stats.js';
export { transfer } from './pool/transfer.js';
export { threads, ThreadPool, type ThreadsOptions, type ThreadsStats } from './threads/index.js';
export { processes, ProcessPool, type ProcessesOptions, type ProcessesStats } from './processes/index.js';
export { loop, LoopExecutor, systemClock, type LoopOptions, type LoopStats, type RateOptions, type Clock } from './loop/index.js';
export { group, gather, settle, withTimeout, withDeadline, moveOnAfter, type TaskGroup, type Child, type GroupOptions, type SpawnContext, type DeadlineContext, type DeadlineOptions } from './loop/index.js';
export { auto, AutoExecutor, type AutoOptions, type AutoStats, type AutoTaskReport, type Decision, type Behaviour, type Model, type TaskProfile } from './auto/index.js';
export { watch, adviseFromStats, formatBlock, formatSummary, type WatchHandle, type WatchOptions, type BlockReport, type StackFrame, type WatchSummary, type PlaceSummary, type TaskStatsForAdvice, type ExecutorStatsForAdvice, type Advice } from './watch/index.js';
export { bench, type BenchInputs, type BenchOptions, type BenchProgress, type BenchResult, type BenchModel, type BenchVerdict, type ModelResult as BenchModelResult } from './bench/index.js';
export { pipeline, Pipeline, type StageModel, type OnError, type StageOptions, type BatchOptions, type TuneOptions, type PipelineOptions, type StageKind, type StageStats, type TuneChange, type Bottleneck, type PipelineStats, type PipelineSummary } from './pipeline/index.js';
export { benchHtml } from './report/bench.js';
export { pipelineHtml } from './report/pipeline.js';
