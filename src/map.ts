/**
 * The `map()` every executor shares: lazily pulls inputs (array, iterable or
 * async iterable), keeps at most `concurrency` units in flight, and yields
 * results in input order (default) or as they finish.
 *
 *   input iterator ──pump──▶ units in flight (≤ concurrency) ──▶ consumer (for await)
 *                   ▲ waits for room                 settles ──┘ wakes
 *
 * Memory stays bounded however large the input: a unit is only started when
 * (started − fully yielded) < concurrency, so in-flight plus buffered results
 * never exceed `concurrency` units of `chunkSize` items.
 * An error surfaces when its result is reached; then everything still in flight
 * is cancelled and the input iterator is closed.
 */
import { setMaxListeners } from 'node:events';
import { abortError } from './errors.js';

/** The outcome of one input of a chunk: its value, or the error it failed with (like Promise.allSettled's entries). */
export type Settled<O> =
  | {
      /** It succeeded. */
      ok: true;
      /** The task's result. */
      value: O;
    }
  | {
      /** It failed. */
      ok: false;
      /** What the task threw or rejected with. */
      error: unknown;
    };

/** What `map()`'s `onProgress` gets: after each unit is started and after each result is yielded. */
export interface Progress {
  /** Results yielded so far. */
  done: number;
  /** Inputs handed to the executor so far. */
  started: number;
  /** Inputs running or waiting in the executor. */
  inFlight: number;
  /** Known when the input is an array. */
  total: number | undefined;
}

/** Options of `map()`. Unknown keys throw InvalidOptionError. */
export interface MapOptions {
  /** Units (tasks, or chunks when chunkSize > 1) in flight at once. Default: enough to keep every worker busy (the executor's own figure; for auto(), that of where the task runs now). */
  concurrency?: number;
  /** Yield in input order (default true); false yields as tasks finish. */
  ordered?: boolean;
  /** Inputs sent per message; results are still yielded one by one. Default 1. Only threads() and processes() batch; the others run each input on its own. */
  chunkSize?: number;
  /** Aborting it cancels the map: every task in flight is cancelled, the input iterator closed, and the iteration throws the signal's reason. Default: none. */
  signal?: AbortSignal;
  /** Each task's own timeout, ms from the start of its run. Default: the executor's `timeout` (none). */
  timeout?: number;
  /** Priority of every task of this map: higher runs first, FIFO within a priority. Default: the executor's `priority` (0). */
  priority?: number;
  /** Called with the counts after each unit starts and after each result is yielded, synchronously: keep it cheap. Default: none. */
  onProgress?: (progress: Progress) => void;
}

export interface MapDriver<I, O> {
  one(input: I, signal: AbortSignal): Promise<O>;
  /** Run several inputs as one unit; per-item outcomes. Falls back to `one` per item. */
  chunk?(inputs: I[], signal: AbortSignal): Promise<Settled<O>[]>;
}

interface Unit<O> {
  count: number;
  results: Settled<O>[] | undefined;
  /** Next result index to yield (ordered mode). */
  cursor: number;
}

export async function* mapInputs<I, O>(
  driver: MapDriver<I, O>,
  inputs: Iterable<I> | AsyncIterable<I>,
  /** Units in flight at most; read before each unit starts, so it may change as the map goes on. */
  concurrency: () => number,
  options: MapOptions = {},
): AsyncGenerator<O, void, undefined> {
  const ordered = options.ordered ?? true;
  const chunkSize = options.chunkSize ?? 1;
  const controller = new AbortController();
  // Every unit in flight listens to this signal: more than 10 is normal, not a leak.
  setMaxListeners(0, controller.signal);
  const outer = options.signal;
  const onOuterAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) throw outer.reason;
  outer?.addEventListener('abort', onOuterAbort, { once: true });

  const total = Array.isArray(inputs) ? inputs.length : undefined;
  const asyncIt = (inputs as AsyncIterable<I>)[Symbol.asyncIterator]?.call(inputs);
  const syncIt = asyncIt ? undefined : (inputs as Iterable<I>)[Symbol.iterator]();

  const inFlight: Unit<O>[] = []; // ordered: in input order; unordered: not used for order
  const finished: Unit<O>[] = []; // unordered: units that settled, not yet yielded
  let unitsOpen = 0; // started and not fully yielded
  let started = 0;
  let done = 0;
  let exhausted = false;
  let inputError: { error: unknown } | undefined;
  let stopped = false;
  let wakeConsumer: (() => void) | undefined;
  let wakePump: (() => void) | undefined;

  const notifyConsumer = () => {
    const w = wakeConsumer;
    wakeConsumer = undefined;
    w?.();
  };
  const notifyPump = () => {
    const w = wakePump;
    wakePump = undefined;
    w?.();
  };

  const startUnit = (items: I[]) => {
    const unit: Unit<O> = { count: items.length, results: undefined, cursor: 0 };
    unitsOpen++;
    started += items.length;
    if (ordered) inFlight.push(unit);
    const settle = (results: Settled<O>[]) => {
      unit.results = results;
      if (!ordered) finished.push(unit);
      notifyConsumer();
    };
    if (items.length === 1 || !driver.chunk) {
      Promise.all(
        items.map((input) =>
          driver.one(input, controller.signal).then(
            (value): Settled<O> => ({ ok: true, value }),
            (error: unknown): Settled<O> => ({ ok: false, error }),
          ),
        ),
      ).then(settle, () => {});
    } else {
      driver.chunk(items, controller.signal).then(settle, (error: unknown) =>
        settle(items.map(() => ({ ok: false, error }))),
      );
    }
  };

  let pulling = false;
  const next = async (): Promise<IteratorResult<I>> => {
    pulling = true;
    try {
      return await (asyncIt ? asyncIt.next() : (syncIt as Iterator<I>).next());
    } finally {
      pulling = false;
    }
  };

  const pump = async () => {
    try {
      while (!stopped) {
        if (unitsOpen >= concurrency()) {
          await new Promise<void>((resolve) => (wakePump = resolve));
          continue;
        }
        const items: I[] = [];
        while (items.length < chunkSize) {
          const r = await next();
          if (r.done) {
            exhausted = true;
            break;
          }
          items.push(r.value);
        }
        if (stopped) {
          // The consumer left while we were waiting for input: close it now.
          if (!exhausted) await closeIterator(asyncIt ?? syncIt);
          return;
        }
        if (items.length) startUnit(items);
        options.onProgress?.({ done, started, inFlight: started - done, total });
        if (exhausted) break;
      }
    } catch (error) {
      inputError = { error };
      exhausted = true;
    } finally {
      notifyConsumer();
    }
  };

  const pumping = pump();
  try {
    for (;;) {
      let unit: Unit<O> | undefined;
      if (ordered) {
        const head = inFlight[0];
        if (head?.results) unit = head;
      } else {
        unit = finished[0];
      }
      if (!unit) {
        if (exhausted && unitsOpen === 0) {
          if (inputError) throw inputError.error;
          return;
        }
        if (exhausted && inputError && (ordered ? inFlight.length === 0 : unitsOpen === 0)) throw inputError.error;
        await new Promise<void>((resolve) => (wakeConsumer = resolve));
        continue;
      }
      const results = unit.results as Settled<O>[];
      while (unit.cursor < results.length) {
        const r = results[unit.cursor++] as Settled<O>;
        done++;
        if (!r.ok) throw r.error;
        yield r.value;
        options.onProgress?.({ done, started, inFlight: started - done, total });
      }
      if (ordered) inFlight.shift();
      else finished.shift();
      unitsOpen--;
      notifyPump();
    }
  } finally {
    stopped = true;
    outer?.removeEventListener('abort', onOuterAbort);
    if (unitsOpen > 0) controller.abort(outer?.aborted ? outer.reason : abortError('map() stopped early'));
    notifyPump();
    // An input still being pulled cannot be closed until that pull returns (an
    // async generator queues return() behind next()); the pump closes it then.
    if (!pulling) {
      await pumping;
      if (!exhausted) await closeIterator(asyncIt ?? syncIt);
    }
  }
}

async function closeIterator(it: Iterator<unknown> | AsyncIterator<unknown> | undefined): Promise<void> {
  try {
    await it?.return?.();
  } catch {
    // The consumer's own error (or none) is what matters; a failing return() must not mask it.
  }
}
