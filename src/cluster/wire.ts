/**
 * What a job carries through Redis, and how values and errors are encoded.
 *
 * Values (input, output, error fields) go through `v8.serialize`, which keeps
 * what structured clone keeps — Buffers and typed arrays, Map, Set, Date,
 * BigInt, RegExp, nested and cyclic objects — then travel as base64 text inside
 * BullMQ's JSON job data (a third larger than the bytes; the size limits count
 * the encoded text). Functions, symbols, class instances' prototypes do not travel.
 *
 * A failed job's error crosses as BullMQ's failedReason (the plain message, for
 * dashboards) plus one line in its stack trace, `boundwise:<base64>`, holding the
 * serialized error and which worker threw it.
 */
import { serialize, deserialize } from 'node:v8';
import { findUncloneable } from '../clone.js';
import { TaskInputError, TaskOutputError } from '../errors.js';
import { serializeError, deserializeError, type SerializedError } from '../remote-error.js';
import * as errors from '../errors.js';

/** Job data, version 1. Short keys: every job carries them. */
export interface JobData {
  v: 1;
  /** Task module: a path relative to the worker's --root (`dist/tasks.js`), or `package:<specifier>`. */
  m: string;
  /** Export name. */
  x: string;
  /** Input: base64 of v8.serialize(input). */
  i: string;
  /** Timeout in ms, counted on the worker from the start of running. */
  t?: number;
  /** 1: the caller listens to the task's messages (context.emit), sent back as job progress. */
  e?: 1;
}

/** The key of a task message in a job's progress: `{ boundwise: <base64 of v8.serialize(message)> }`. */
export const MESSAGE_KEY = 'boundwise';

export const ERROR_MARK = 'boundwise:';

/** Where a remote error came from, attached to it as `error.remote`. */
export interface RemoteOrigin {
  host: string;
  pid: number;
  jobId: string;
  /** Attempts made, this one included. */
  attempts: number;
}

/** Bytes of base64 text: what the size limits compare. */
export function encodedSize(text: string): number {
  return text.length;
}

export function encodeInput(input: unknown): string {
  try {
    return serialize(input).toString('base64');
  } catch (error) {
    const p = findUncloneable(input);
    throw new TaskInputError(p?.path ?? 'input', p?.problem ?? `cannot be serialized (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
}

export function encodeOutput(output: unknown, task: string): string {
  try {
    return serialize(output).toString('base64');
  } catch (error) {
    const p = findUncloneable(output, 'output');
    throw new TaskOutputError(task, p?.path ?? 'output', p?.problem ?? 'cannot be serialized', { cause: error });
  }
}

/** A task message that already crossed from the worker's thread or process (so it clones); one that does not is dropped. */
export function encodeMessage(message: unknown): string {
  try {
    return serialize(message).toString('base64');
  } catch {
    return serialize({ dropped: 'this message could not be serialized for Redis' }).toString('base64');
  }
}

export function decodeValue(text: string): unknown {
  return deserialize(Buffer.from(text, 'base64'));
}

export function encodeFailure(error: unknown, origin: RemoteOrigin): string {
  const e = serializeError(error);
  // An error that already crossed from the worker's thread or child process carries
  // the real stack as a RemoteStack cause: send that stack itself, one level deep.
  if (e.cause && 'name' in e.cause && e.cause.name === 'RemoteStack' && e.cause.stack) {
    e.stack = e.cause.stack.replace(/^RemoteStack: /, '');
    delete e.cause;
  }
  let bytes: Buffer;
  try {
    bytes = serialize({ e, origin });
  } catch {
    // Fields that survived structuredClone but not v8.serialize: drop them, keep the rest.
    delete e.props;
    bytes = serialize({ e, origin });
  }
  return ERROR_MARK + bytes.toString('base64');
}

/** boundwise's own classes come back as themselves (`instanceof WorkerCrashedError` holds). */
const OWN_CLASSES: Record<string, object> = Object.fromEntries(
  Object.entries(errors).filter(([k, v]) => typeof v === 'function' && /Error$/.test(k)).map(([k, v]) => [k, (v as { prototype: object }).prototype]),
);

/** Rebuild the error a worker threw from its failed job's stack trace, or undefined when it left none. */
export function decodeFailure(stacktrace: readonly string[] | undefined): Error | undefined {
  const last = stacktrace?.[stacktrace.length - 1];
  if (!last) return undefined;
  const at = last.lastIndexOf(ERROR_MARK);
  if (at < 0) return undefined;
  const { e, origin } = deserialize(Buffer.from(last.slice(at + ERROR_MARK.length).trim(), 'base64')) as { e: SerializedError; origin: RemoteOrigin };
  const error = deserializeError(e, `worker ${origin.host} pid ${origin.pid}, job ${origin.jobId}`);
  const proto = OWN_CLASSES[e.name];
  if (proto && !e.dom) Object.setPrototypeOf(error, proto);
  Object.defineProperty(error, 'remote', { value: Object.freeze(origin), enumerable: true, configurable: true });
  return error;
}
