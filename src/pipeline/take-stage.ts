/** take(n): pass on the first n items, then stop everything before it (source closed, running tasks aborted). */
import type { Input, Output } from './channel.js';
import { pullOne, roomFor } from './flow.js';
import type { RunStage, StageContext } from './stage.js';

export function takeStage(n: number, inputFailed: (error: unknown) => void): RunStage {
  return async (ctx: StageContext, input: Input<unknown>, output: Output<unknown>) => {
    const m = ctx.meter;
    let taken = 0;
    let inputDone = false;
    try {
      while (taken < n && !ctx.signal.aborted) {
        // Room first, then pull: an item is never taken from upstream without a place to put it.
        if (!(await roomFor(output, m))) return;
        const r = await pullOne(input, m);
        if (r.done) {
          inputDone = true;
          break;
        }
        m.totals.itemsIn++;
        output.push(r.value);
        m.totals.itemsOut++;
        taken++;
      }
      if (!ctx.signal.aborted) output.end();
    } catch (error) {
      inputDone = true;
      inputFailed(error);
    } finally {
      if (!inputDone) input.cancel();
      m.end();
    }
  };
}
