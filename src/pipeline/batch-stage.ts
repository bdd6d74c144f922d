/**
 * batch(n, { ms }): group items into arrays of n, or fewer when `ms` passed
 * since a batch's first item arrived (whichever comes first), or at the end.
 * The timer runs on the pipeline's clock, so tests step it by hand.
 */
import type { Input, Output, Pulled } from './channel.js';
import { roomFor } from './flow.js';
import { isThenable, type RunStage, type StageContext } from './stage.js';

export function batchStage(size: number, ms: number | undefined, inputFailed: (error: unknown) => void): RunStage {
  return async (ctx: StageContext, input: Input<unknown>, output: Output<unknown>) => {
    const m = ctx.meter;
    m.concurrency = size;
    let items: unknown[] = [];
    let inputDone = false;
    let timer: unknown;
    let timerFired = false;
    let pending = false;
    let pulled: Pulled<unknown> | undefined;
    let wakeUp: (() => void) | undefined;
    const wake = () => {
      const w = wakeUp;
      wakeUp = undefined;
      w?.();
    };
    ctx.wake = wake;
    const onAbort = () => wake();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const clearTimer = () => {
      if (timer !== undefined) ctx.clock.clearTimeout(timer);
      timer = undefined;
      timerFired = false;
    };
    try {
      for (;;) {
        if (ctx.signal.aborted || output.cancelled) return;
        if (items.length > 0 && (items.length >= size || timerFired || inputDone)) {
          if (!(await roomFor(output, m))) return;
          clearTimer();
          output.push(items);
          m.tick();
          m.slots = 0;
          items = [];
          m.totals.itemsOut++;
          continue;
        }
        if (inputDone) {
          output.end();
          return;
        }
        let r = pulled;
        pulled = undefined;
        if (r === undefined) {
          if (pending) {
            await new Promise<void>((resolve) => (wakeUp = resolve));
            continue;
          }
          let p: Pulled<unknown> | Promise<Pulled<unknown>>;
          try {
            p = input.pull();
          } catch (error) {
            inputDone = true;
            inputFailed(error);
            return;
          }
          if (isThenable(p)) {
            pending = true;
            m.tick();
            m.waitingInput = true;
            p.then(
              (res) => {
                pulled = res;
                pending = false;
                m.tick();
                m.waitingInput = false;
                wake();
              },
              (error: unknown) => {
                pending = false;
                inputDone = true;
                m.tick();
                m.waitingInput = false;
                inputFailed(error);
                wake();
              },
            );
            continue;
          }
          r = p;
        }
        if (r.done) {
          inputDone = true;
          continue;
        }
        if (items.length === 0 && ms !== undefined) {
          timer = ctx.clock.setTimeout(() => {
            timer = undefined;
            timerFired = true;
            wake();
          }, ms);
        }
        items.push(r.value);
        m.tick();
        m.slots = items.length;
        m.totals.itemsIn++;
      }
    } finally {
      clearTimer();
      ctx.signal.removeEventListener('abort', onAbort);
      if (!inputDone) input.cancel();
      m.end();
    }
  };
}
