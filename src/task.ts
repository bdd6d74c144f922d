/**
 * Task references. A task is a named export of a module, so that a thread or a
 * child process can load it by URL; `tasks<typeof import('./t.js')>(url)` gives
 * typed references whose input and output types come from the module itself.
 *
 * On the event loop a plain function is accepted too (`loop().run(fn)`).
 */
import { pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';
import { InvalidOptionError, TaskNotFoundError } from './errors.js';
import { isTypeScriptUrl, taskModuleUrl } from './module-url.js';

/**
 * What every task receives as its second argument. `M` is the type of the messages it
 * sends with `emit()`; declare it (`context: TaskContext<Progress>`) and `messages()`
 * types what it yields.
 */
export interface TaskContext<M = unknown> {
  /** Aborts on cancellation, on the task's timeout and on any enclosing deadline. */
  readonly signal: AbortSignal;
  /**
   * Send a message to the caller while the task runs: it arrives at `run(t.x, input,
   * { onMessage })`, in order, before the result (tinypool's `channel`). On threads and
   * processes it is cloned; one that cannot be throws TaskOutputError naming its path
   * (the task may catch it and go on). After a cancellation messages are dropped.
   */
  emit(message: M): void;
  /** The pool's number for the worker running the task, from 1 (0 on loop()); also in stats().workerIds. */
  readonly workerId: number;
  /** `threadId` of node:worker_threads where the task runs (0: a process's main thread). */
  readonly threadId: number;
  /** The process the task runs in. */
  readonly pid: number;
}

/** A task body: `(input, context) => output | Promise<output>`. */
export type TaskFunction<I = any, O = any> = (input: I, context: TaskContext) => O | Promise<O>;

declare const types: unique symbol;

/**
 * A reference to a named export of a module. Its string form `module#name` works as an object key.
 * `M`: the type of the messages the task emits (from its `TaskContext<M>` parameter; see `messages()`).
 */
export interface TaskRef<I = any, O = any, M = unknown> {
  /** The module's URL (a file: URL for a path), as threads and processes import it. */
  readonly module: string;
  /** The export's name in that module. */
  readonly name: string;
  /** `module#name`: stable identity of the task, also its string form. */
  readonly id: string;
  /** `module#name`, the same as `id`. */
  toString(): string;
  /** Phantom field carrying the types; never present at run time. */
  readonly [types]?: {
    /** The task's input type. */
    input: I;
    /** The task's output type (awaited). */
    output: O;
    /** What the task sends with `context.emit()`. */
    message: M;
  };
}

/**
 * A closure run without an input: called with its context first, as p-queue's
 * `add(({ signal }) => …)` is — `loop().run(async ({ signal }) => fetch(url, { signal }))`.
 * Given an input, a closure is a {@link TaskFunction}: `(input, context)`.
 */
export type ContextTask<O = any> = (context: TaskContext) => O | Promise<O>;

declare const needsInput: unique symbol;
/**
 * `unknown` when a task's input may be left out (its type admits `undefined`);
 * otherwise a type no reference has, so `run(t.blur)` without an input is a type error.
 */
export type NoInputNeeded<I> = undefined extends I
  ? unknown
  : {
      /** Never present: a type-level marker whose text shows in the compiler's error. */
      readonly [needsInput]: 'this task needs an input';
    };

/** Either kind of task an executor may accept. Pools accept only references. */
export type Task<I = any, O = any> = TaskRef<I, O> | TaskFunction<I, O>;

/** The input type of a task (a reference or a function): `InputOf<typeof t.resize>`. */
export type InputOf<T> = T extends Task<infer I, any> ? I : never;
/** The output type of a task (a reference or a function), as the task returns it. */
export type OutputOf<T> = T extends Task<any, infer O> ? O : never;

/** The input of a task function: its first parameter, or `undefined` for a function without parameters. */
type InputOfFn<F> = F extends (...args: infer A) => any ? (A extends [] ? undefined : A[0]) : never;

/** The typed references for every exported function of module type `M`. */
export type TasksOf<M> = {
  readonly [K in keyof M as M[K] extends (...args: any[]) => any ? K : never]: M[K] extends (
    ...args: any[]
  ) => infer R
    ? // The message type is the function's `TaskContext<M>` parameter's; `unknown` when it has none.
      TaskRef<InputOfFn<M[K]>, Awaited<R>, M[K] extends (input: any, context: TaskContext<infer E>) => any ? E : unknown>
    : never;
};

/** Normalise a module location (URL, file URL string or absolute path) to a URL string. */
export function moduleHref(location: URL | string): string {
  if (location instanceof URL) return location.href;
  if (typeof location !== 'string' || location.length === 0) {
    throw new InvalidOptionError('module', `a task module must be a URL or an absolute path, got ${String(location)}`);
  }
  if (isAbsolute(location)) return pathToFileURL(location).href;
  try {
    return new URL(location).href;
  } catch {
    throw new InvalidOptionError(
      'module',
      `a task module must be a URL or an absolute path, got "${location}"; use new URL('./tasks.js', import.meta.url)`,
    );
  }
}

class Ref implements TaskRef {
  readonly id: string;
  constructor(
    readonly module: string,
    readonly name: string,
  ) {
    this.id = `${module}#${name}`;
  }
  toString(): string {
    return this.id;
  }
  [Symbol.toPrimitive](): string {
    return this.id;
  }
}

/** One reference by hand, when no module type is at hand. */
export function taskRef<I = any, O = any>(module: URL | string, name: string): TaskRef<I, O> {
  return new Ref(moduleHref(module), name) as TaskRef<I, O>;
}

/**
 * Typed references to every export of a module:
 * `const t = tasks<typeof import('./tasks.js')>(new URL('./tasks.js', import.meta.url))`.
 * References are created on first access and cached, so `t.x === t.x`.
 */
export function tasks<M>(module: URL | string): TasksOf<M> {
  const href = moduleHref(module);
  const cache = new Map<string, TaskRef>();
  return new Proxy({} as TasksOf<M>, {
    get(_target, key) {
      if (typeof key !== 'string') return undefined;
      let ref = cache.get(key);
      if (!ref) {
        ref = new Ref(href, key);
        cache.set(key, ref);
      }
      return ref;
    },
  });
}

export function isTaskRef(value: unknown): value is TaskRef {
  return value instanceof Ref;
}

/** A readable name for messages and stats: `tasks.ts#thumbnail`, or the function's name. */
export function taskLabel(task: Task): string {
  if (isTaskRef(task)) return `${task.module.slice(task.module.lastIndexOf('/') + 1)}#${task.name}`;
  return task.name ? `${task.name}()` : '(anonymous function)';
}

/** A stable key for per-task bookkeeping: the ref's id, or the function itself. */
export function taskKey(task: Task): string | TaskFunction {
  return isTaskRef(task) ? task.id : task;
}

// ---- loading (in whichever thread or process runs the task) -----------------

const modules = new Map<string, Promise<Record<string, unknown>>>();
/** The same modules once loaded, for callers that must not wait a tick (auto() routing a first call). */
const loadedModules = new Map<string, Record<string, unknown>>();

/** A module this process has already imported through importModule(), or undefined. */
export function loadedModule(href: string): Record<string, unknown> | undefined {
  return loadedModules.get(href);
}

/**
 * Import a task module once per thread; later calls share the promise. The URL
 * is first resolved the TypeScript way (module-url.ts). A worker thread on Node
 * 20 has the TypeScript loader (when the parent has one) registered only when a
 * module needs it, and it must be registered *before* the first import: Node
 * caches a failed load, so importing again after registering would fail again.
 * See threads/transport.ts.
 */
export function importModule(href: string): Promise<Record<string, unknown>> {
  let p = modules.get(href);
  if (!p) {
    const url = taskModuleUrl(href);
    const register = (globalThis as Record<symbol, unknown>)[Symbol.for('boundwise.registerTypeScript')];
    p =
      typeof register === 'function' && isTypeScriptUrl(url)
        ? (register as () => Promise<void>)().then(() => import(url) as Promise<Record<string, unknown>>)
        : (import(url) as Promise<Record<string, unknown>>);
    p.then((mod) => loadedModules.set(href, mod), () => {});
    modules.set(href, p);
  }
  return p;
}

/** Find the exported function, or throw TaskNotFoundError listing what the module does export. */
export function pickExport(mod: Record<string, unknown>, href: string, name: string): TaskFunction {
  const fn = mod[name];
  if (typeof fn === 'function') return fn as TaskFunction;
  const available = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
  throw new TaskNotFoundError(href, name, available);
}
