/**
 * Errors survive the trip back from a thread or process: the original class
 * name, message, `code` and own fields arrive, with the worker's stack as `cause`.
 *
 * Structured clone keeps only a few built-in error types and drops custom
 * classes, `code` and the like, so errors cross as plain records instead.
 */
import { inspect, types } from 'node:util';

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: unknown;
  /** Own enumerable fields that could be cloned (errno, path, statusCode…). */
  props?: Record<string, unknown>;
  cause?: SerializedError | { value: unknown };
  /** AggregateError's errors. */
  errors?: SerializedError[];
  /** A DOMException (AbortError, TimeoutError) is rebuilt as one. */
  dom?: boolean;
}

const BUILTINS: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

function cloneable(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * An error from any realm: `instanceof Error` is false for one made by
 * `vm.runInNewContext` or another context, which is still a real Error.
 */
function isError(value: unknown): value is Error {
  return value instanceof Error || value instanceof DOMException || types.isNativeError(value);
}

export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!isError(error)) {
    return { name: 'Error', message: `non-error thrown: ${describe(error)}`, props: cloneable(error) ? { value: error } : {} };
  }
  const e = error as Error & { code?: unknown; errors?: unknown[] };
  const out: SerializedError = { name: e.name, message: e.message };
  if (e.stack) out.stack = e.stack;
  if (error instanceof DOMException) out.dom = true;
  // A code that cannot cross (a Symbol, an object with a method) would make the whole
  // answer uncloneable and kill the worker; its description still says what it was.
  else if (e.code !== undefined) out.code = cloneable(e.code) ? e.code : describe(e.code);
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(e)) {
    if (key === 'code' || key === 'cause' || key === 'errors' || key === 'stack' || key === 'message') continue;
    const v = (e as unknown as Record<string, unknown>)[key];
    if (cloneable(v)) props[key] = v;
  }
  if (Object.keys(props).length) out.props = props;
  if (depth < 5 && 'cause' in e && e.cause !== undefined) {
    out.cause =
      isError(e.cause) ? serializeError(e.cause, depth + 1) : { value: cloneable(e.cause) ? e.cause : describe(e.cause) };
  }
  if (depth < 5 && Array.isArray(e.errors)) out.errors = e.errors.map((x) => serializeError(x, depth + 1));
  return out;
}

/** The worker's stack, kept as the `cause` of the rebuilt error. */
export class RemoteStack extends Error {
  constructor(stack: string, where: string) {
    super(`stack in ${where}`);
    this.stack = `RemoteStack: thrown in ${where}\n${stack}`;
  }
  override get name(): string {
    return 'RemoteStack';
  }
}

/**
 * Rebuild an error in this thread. Built-in classes come back as themselves; a
 * custom class comes back as an Error whose `name` is the original class name.
 * The local stack points at the caller of run(); the worker's stack is `cause`.
 */
export function deserializeError(s: SerializedError, where: string): Error {
  if (s.dom) {
    const dom = new DOMException(s.message, s.name);
    return dom as unknown as Error;
  }
  const Ctor = BUILTINS[s.name] ?? Error;
  const cause = s.cause
    ? 'value' in s.cause
      ? s.cause.value
      : deserializeError(s.cause as SerializedError, where)
    : s.stack
      ? new RemoteStack(s.stack, where)
      : undefined;
  const error: Error & Record<string, unknown> = s.errors
    ? (new AggregateError(
        s.errors.map((x) => deserializeError(x, where)),
        s.message,
        cause === undefined ? undefined : { cause },
      ) as unknown as Error & Record<string, unknown>)
    : (new Ctor(s.message, cause === undefined ? undefined : { cause }) as Error & Record<string, unknown>);
  if (error.name !== s.name) {
    Object.defineProperty(error, 'name', { value: s.name, configurable: true, writable: true, enumerable: false });
  }
  if (s.code !== undefined) error.code = s.code;
  if (s.props) Object.assign(error, s.props);
  // When the original had its own cause, keep the remote stack reachable too.
  if (s.cause && s.stack) Object.defineProperty(error, 'remoteStack', { value: s.stack, enumerable: false });
  return error;
}

function describe(value: unknown): string {
  try {
    return typeof value === 'string' ? JSON.stringify(value) : inspect(value, { depth: 2, breakLength: Infinity });
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * The last resort when a serialized error still cannot be sent (a getter that
 * returns something odd): its name and message as plain strings, so the task
 * fails with its own error instead of the worker dying.
 */
export function plainError(s: SerializedError): SerializedError {
  const out: SerializedError = { name: String(s.name), message: String(s.message) };
  if (typeof s.stack === 'string') out.stack = s.stack;
  if (typeof s.code === 'string' || typeof s.code === 'number') out.code = s.code;
  return out;
}
