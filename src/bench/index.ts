/** The bench, for the CLI and the library. */
export { bench, modelLabel, type BenchInputs, type BenchOptions, type BenchProgress } from './bench.js';
export { renderBench } from './format.js';
export type { BenchModel, BenchResult, BenchVerdict, ModelResult, RoundSample, LoopDelay, Spread } from './types.js';
