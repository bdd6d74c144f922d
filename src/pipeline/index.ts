export { pipeline, Pipeline } from './pipeline.js';
export { findBottleneck } from './bottleneck.js';
export { tuneStep, INITIAL_TUNE_STATE, type TuneStage, type TuneState, type TuneDecision } from './tune-policy.js';
export type {
  StageModel,
  OnError,
  StageOptions,
  BatchOptions,
  TuneOptions,
  PipelineOptions,
  StageKind,
  StageStats,
  TuneChange,
  Bottleneck,
  PipelineStats,
  PipelineSummary,
} from './types.js';
