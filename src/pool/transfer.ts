/**
 * Return a value from a task with some of its parts moved rather than copied:
 * `return transfer(image, [image.buffer])`. The marker is a well-known symbol,
 * so it works whichever copy of boundwise the task module imported.
 */
import type { TransferListItem } from 'node:worker_threads';

const MARK = Symbol.for('boundwise.transfer');

export interface Transferred<T> {
  readonly [MARK]: true;
  readonly value: T;
  readonly list: TransferListItem[];
}

/**
 * Mark a task's result so that the objects in `list` (ArrayBuffers, MessagePorts, …) are
 * moved to the caller rather than copied: `return transfer(image, [image.buffer])`. Typed as
 * the value itself, so the task's output type is unchanged. On threads the buffers move
 * (the task's copy becomes unusable); in processes and on the loop the value arrives as usual.
 */
export function transfer<T>(value: T, list: TransferListItem[]): T {
  return { [MARK]: true, value, list } as unknown as T;
}

export function unwrapTransfer(result: unknown): { value: unknown; list: TransferListItem[] | undefined } {
  if (result !== null && typeof result === 'object' && (result as Record<symbol, unknown>)[MARK] === true) {
    const t = result as Transferred<unknown>;
    return { value: t.value, list: t.list };
  }
  return { value: result, list: undefined };
}
