/**
 * The waiting line of every executor: higher priority first, FIFO within a
 * priority. Push and shift are O(1) (a ring-buffer deque per priority); removal
 * of a cancelled entry is O(1) too, by tombstone: the entry is marked and
 * skipped when it reaches the front, and `length` counts only live entries.
 */

export interface Queued {
  /** Set by the queue's owner when the entry leaves the line by cancellation. */
  removed: boolean;
}

/** A growable ring buffer: O(1) push at the back and shift at the front. */
export class Deque<T> {
  private items: (T | undefined)[] = new Array(16);
  private head = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) & (this.items.length - 1)] = item;
    this.count++;
  }

  /** Put back at the front (a task whose worker died before starting it). */
  unshift(item: T): void {
    if (this.count === this.items.length) this.grow();
    this.head = (this.head - 1 + this.items.length) & (this.items.length - 1);
    this.items[this.head] = item;
    this.count++;
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.count--;
    return item;
  }

  peek(): T | undefined {
    return this.count === 0 ? undefined : this.items[this.head];
  }

  /** Take the first item matching out of the line (O(n): only setPriority() uses it). */
  extract(match: (item: T) => boolean): T | undefined {
    const mask = this.items.length - 1;
    for (let i = 0; i < this.count; i++) {
      const item = this.items[(this.head + i) & mask] as T;
      if (!match(item)) continue;
      for (let j = i; j < this.count - 1; j++) this.items[(this.head + j) & mask] = this.items[(this.head + j + 1) & mask];
      this.items[(this.head + this.count - 1) & mask] = undefined;
      this.count--;
      return item;
    }
    return undefined;
  }

  private grow(): void {
    const next: (T | undefined)[] = new Array(this.items.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.items[(this.head + i) & (this.items.length - 1)];
    this.items = next;
    this.head = 0;
  }
}

export class PriorityQueue<T extends Queued> {
  /** Priority 0 (by far the most common) gets a fast path with no map lookup. */
  private readonly normal = new Deque<T>();
  private readonly others = new Map<number, Deque<T>>();
  /** Priorities other than 0 that have a deque, highest first. */
  private order: number[] = [];
  private live = 0;

  /** Live (not removed) entries. */
  get length(): number {
    return this.live;
  }

  push(item: T, priority = 0): void {
    this.live++;
    if (priority === 0) return this.normal.push(item);
    this.lane(priority).push(item);
  }

  /** Return an entry to the front of its priority (it was taken but could not start). */
  unshift(item: T, priority = 0): void {
    this.live++;
    if (priority === 0) return this.normal.unshift(item);
    this.lane(priority).unshift(item);
  }

  /** The caller marks `item.removed = true` and then tells the queue. */
  removed(): void {
    this.live--;
  }

  shift(): T | undefined {
    if (this.live === 0) return undefined;
    for (const p of this.order) {
      if (p < 0) break;
      const item = this.take(this.others.get(p) as Deque<T>);
      if (item) return item;
    }
    const item = this.take(this.normal);
    if (item) return item;
    for (const p of this.order) {
      if (p > 0) continue;
      const found = this.take(this.others.get(p) as Deque<T>);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * Move the first live entry that matches to the back of another priority
   * (p-queue's setPriority). O(queue length): a rare call, so the hot path keeps
   * no index by id. Returns the entry, or undefined when none is waiting.
   */
  move(match: (item: T) => boolean, to: number): T | undefined {
    const live = (item: T) => !item.removed && match(item);
    let item = this.normal.extract(live);
    if (!item) for (const lane of this.others.values()) if ((item = lane.extract(live))) break;
    if (!item) return undefined;
    if (to === 0) this.normal.push(item);
    else this.lane(to).push(item);
    return item;
  }

  /** Every live entry, front to back, leaving the queue empty. */
  drain(): T[] {
    const out: T[] = [];
    for (let item = this.shift(); item; item = this.shift()) out.push(item);
    return out;
  }

  private take(lane: Deque<T>): T | undefined {
    for (let item = lane.shift(); item; item = lane.shift()) {
      if (!item.removed) {
        this.live--;
        return item;
      }
    }
    return undefined;
  }

  private lane(priority: number): Deque<T> {
    let lane = this.others.get(priority);
    if (!lane) {
      lane = new Deque<T>();
      this.others.set(priority, lane);
      this.order = [...this.others.keys()].sort((a, b) => b - a);
    }
    return lane;
  }
}
