/**
 * The pipeline's source as the first stage's Input: any iterable, async iterable
 * or Node Readable (an async iterable), pulled only when the first stage has room.
 * A synchronous iterator is pulled synchronously (no promise per item).
 */
import { InvalidOptionError } from '../errors.js';
import type { Input, Pulled } from './channel.js';

export type Source<T> = Iterable<T> | AsyncIterable<T>;

export function checkSource(source: unknown): void {
  const s = source as Record<symbol, unknown> | null | undefined;
  if (s == null || (typeof s[Symbol.asyncIterator] !== 'function' && typeof s[Symbol.iterator] !== 'function')) {
    throw new InvalidOptionError(
      'source',
      `pipeline(): the source must be an iterable, an async iterable or a Readable, got ${s === null ? 'null' : typeof s}`,
    );
  }
}

export class SourceInput<T> implements Input<T> {
  /** Items taken from the source so far. */
  pulled = 0;
  private readonly asyncIt: AsyncIterator<T> | undefined;
  private readonly syncIt: Iterator<T> | undefined;
  private pending = false;
  private finished = false;
  private closing: Promise<void> | undefined;

  constructor(source: Source<T>) {
    const a = (source as AsyncIterable<T>)[Symbol.asyncIterator];
    if (typeof a === 'function') this.asyncIt = a.call(source);
    else this.syncIt = (source as Iterable<T>)[Symbol.iterator]();
  }

  pull(): Pulled<T> | Promise<Pulled<T>> {
    if (this.finished) return { done: true, value: undefined };
    if (this.syncIt) return this.count(this.syncIt.next());
    this.pending = true;
    return (this.asyncIt as AsyncIterator<T>).next().then(
      (r) => {
        this.pending = false;
        if (this.closing === undefined && !this.finished) return this.count(r);
        // Cancelled while this pull was on its way: the iterator can be closed only now.
        void this.close();
        return { done: true, value: undefined };
      },
      (error: unknown) => {
        this.pending = false;
        this.finished = true;
        throw error;
      },
    );
  }

  cancel(): void {
    if (this.finished) return;
    this.finished = true;
    // An async generator queues return() behind a pending next(): close after it.
    if (!this.pending) void this.close();
  }

  /** Resolves when the source iterator has been closed (cancel() starts it). */
  closed(): Promise<void> {
    return this.closing ?? Promise.resolve();
  }

  private count(r: IteratorResult<T>): Pulled<T> {
    if (r.done) {
      this.finished = true;
      return { done: true, value: undefined };
    }
    this.pulled++;
    return r as Pulled<T>;
  }

  private close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await (this.asyncIt ?? this.syncIt)?.return?.();
      } catch {
        // A failing return() must not mask why the pipeline stopped.
      }
    })();
    return this.closing;
  }
}
