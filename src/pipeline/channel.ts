/**
 * The bounded buffer between two stages: one producer, one consumer.
 *
 *   producer ── room()? push(v) ──▶ [ ≤ capacity items ] ──▶ pull() ── consumer
 *             └ waitRoom() when full            cancel() when the consumer leaves ┘
 *
 * Both sides have a synchronous fast path (room()/push(), a pull() that returns
 * a result, not a promise, while items are there), so a stage that keeps up
 * costs no promise per item. The producer asks for room *before* it takes more
 * work, which is what keeps the whole pipeline bounded back to the source.
 */

export type Pulled<T> = IteratorResult<T, undefined>;

/** What a stage reads from: the source, or the channel after the stage before. */
export interface Input<T> {
  /** The next item, synchronously when one is ready. */
  pull(): Pulled<T> | Promise<Pulled<T>>;
  /** The reader is gone: stop producing (propagates upstream). */
  cancel(): void;
}

/** What a stage writes to. */
export interface Output<T> {
  /** True when push() may be called now. False once cancelled. */
  room(): boolean;
  push(value: T): void;
  /** Resolves true when there is room, false if the reader cancelled. */
  waitRoom(): Promise<boolean>;
  end(): void;
  readonly cancelled: boolean;
}

const DONE: Pulled<never> = Object.freeze({ done: true, value: undefined });

export class Channel<T> implements Input<T>, Output<T> {
  private readonly items: T[] = [];
  private ended = false;
  private failure: { error: unknown } | undefined;
  cancelled = false;
  private pullWaiter: { resolve: (r: Pulled<T>) => void; reject: (e: unknown) => void } | undefined;
  private roomWaiter: ((ok: boolean) => void) | undefined;

  private readonly lowWater: number;

  constructor(
    readonly capacity: number,
    /** Called once when the reader cancels, so the writer's stage can stop. */
    private readonly onCancel: () => void = () => {},
  ) {
    this.lowWater = Math.floor((capacity - 1) / 2);
  }

  get size(): number {
    return this.items.length;
  }

  room(): boolean {
    return !this.cancelled && this.items.length < this.capacity;
  }

  push(value: T): void {
    if (this.cancelled) return;
    const w = this.pullWaiter;
    if (w) {
      this.pullWaiter = undefined;
      w.resolve({ done: false, value });
    } else this.items.push(value);
  }

  waitRoom(): Promise<boolean> {
    if (this.cancelled) return Promise.resolve(false);
    if (this.items.length < this.capacity) return Promise.resolve(true);
    return new Promise((resolve) => (this.roomWaiter = resolve));
  }

  end(): void {
    this.ended = true;
    this.settleWaiter();
  }

  /** The pipeline failed: the reader's pull rejects with `error`. */
  fail(error: unknown): void {
    if (!this.failure) this.failure = { error };
    this.settleWaiter();
  }

  pull(): Pulled<T> | Promise<Pulled<T>> {
    if (this.failure) return Promise.reject(this.failure.error);
    if (this.items.length > 0) {
      const value = this.items.shift() as T;
      const w = this.roomWaiter;
      // Wake a waiting producer only once half the buffer is free: it then refills it in one
      // go, instead of one wake-up (a promise each way) per item.
      if (w && this.items.length <= this.lowWater) {
        this.roomWaiter = undefined;
        w(true);
      }
      return { done: false, value };
    }
    if (this.ended) return DONE;
    return new Promise((resolve, reject) => (this.pullWaiter = { resolve, reject }));
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.items.length = 0;
    const w = this.roomWaiter;
    this.roomWaiter = undefined;
    w?.(false);
    this.onCancel();
  }

  private settleWaiter(): void {
    const w = this.pullWaiter;
    if (!w || (this.items.length > 0 && !this.failure)) return;
    this.pullWaiter = undefined;
    if (this.failure) w.reject(this.failure.error);
    else w.resolve(DONE);
  }
}
