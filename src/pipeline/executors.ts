/**
 * Where each stage's tasks run. A model named by string gets an executor of its
 * own, created when the run starts and closed when it ends; an executor the user
 * passes is only used (run/stats), never closed: it may serve other stages or
 * other pipelines. A plain function without `on` runs inline, on the pipeline's
 * own event loop, with no executor in between.
 */
import { availableParallelism } from 'node:os';
import type { Executor, RunOptions } from '../executor.js';
import { isTaskRef, taskLabel, type Task } from '../task.js';
import { inlineContext } from '../inline-context.js';
import { auto } from '../auto/index.js';
import { loop } from '../loop/index.js';
import { processes } from '../processes/index.js';
import { threads } from '../threads/index.js';
import type { Invoke } from './stage.js';
import type { StageModel } from './types.js';

export type Placement = 'inline' | Exclude<StageModel, Executor> | Executor;

/** The default placement: a reference can travel, so auto() decides; a closure stays on the loop. */
export function defaultPlacement(task: Task, on: StageModel | undefined): Placement {
  return on ?? (isTaskRef(task) ? 'auto' : 'inline');
}

export interface Limits {
  concurrency: number;
  min: number;
  max: number;
}

/** Concurrency a stage starts with, and the range tune: true keeps it in (see StageOptions). */
export function stageLimits(p: Placement, o: { concurrency?: number; minConcurrency?: number; maxConcurrency?: number }): Limits {
  const cores = availableParallelism();
  const start = o.concurrency ?? (p === 'inline' || p === 'loop' ? 16 : p === 'threads' || p === 'processes' ? cores : 2 * cores);
  const max = o.maxConcurrency ?? (p === 'inline' || p === 'loop' ? Math.max(256, start) : p === 'threads' || p === 'processes' ? Math.max(cores, start) : 4 * start);
  const min = Math.min(o.minConcurrency ?? 1, start);
  return { concurrency: start, min, max };
}

export interface Placed {
  invoke: Invoke;
  /** What the stage's tasks run on now ('auto → threads' once auto() has decided). */
  model(): string;
  /** Set when the pipeline created the executor and must close it. */
  owned: Executor | undefined;
}

function create(model: Exclude<StageModel, Executor>, max: number): Executor {
  switch (model) {
    case 'loop':
      return loop({ concurrency: max });
    case 'threads':
      return threads({ max });
    case 'processes':
      return processes({ max });
    case 'auto':
      return auto();
  }
}

export function place(task: Task, p: Placement, limits: Limits, timeout: number | undefined): Placed {
  if (p === 'inline') {
    if (typeof task !== 'function') throw new TypeError('inline stages take a function');
    const fn = task;
    // Every item of a stage gets the same signal: one context object serves them all.
    let context = inlineContext(new AbortController().signal);
    const invoke: Invoke = (item, signal) => {
      if (context.signal !== signal) context = inlineContext(signal);
      return fn(item, context);
    };
    return { invoke, model: () => 'inline', owned: undefined };
  }
  const ex = typeof p === 'string' ? create(p, limits.max) : p;
  const invoke: Invoke = (item, signal) => {
    const o: RunOptions = { signal };
    if (timeout !== undefined) o.timeout = timeout;
    return ex.run(task, item, o);
  };
  const label = taskLabel(task);
  const model = () => {
    if (ex.kind !== 'auto') return ex.kind;
    // auto() says in its stats where each task runs now.
    const chosen = (ex.stats() as { tasks?: Record<string, { model?: string }> }).tasks?.[label]?.model;
    return chosen ? `auto → ${chosen}` : 'auto';
  };
  return { invoke, model, owned: typeof p === 'string' ? ex : undefined };
}
