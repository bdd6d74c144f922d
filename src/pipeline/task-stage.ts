/**
 * A stage that runs a task per item (map, filter, flatMap, tap), at most
 * `concurrency` items held at once, results passed on in input order (or as
 * they finish).
 *
 *   input ──pull (only when a slot is free)──▶ task in flight ──settles──▶ ready
 *                                                                          │ in order
 *   output ◀──push (only when there is room; else the stage waits)─────────┘
 *
 * One loop does both sides: it passes on what is ready, then starts what it
 * can, then sleeps until a task settles, an input arrives or room appears. A
 * slot is held from the pull until the result has been passed on, so a stage
 * never holds more than `concurrency` items besides its output buffer — which
 * is what keeps the source from being pulled ahead of the pipeline.
 */
import { setMaxListeners } from 'node:events';
import { abortError, PipelineError } from '../errors.js';
import type { Input, Output, Pulled } from './channel.js';
import { isThenable, type Invoke, type RunStage, type StageContext, type TaskStageSpec } from './stage.js';

/** A result that passes nothing on (skipped, collected, filtered out, or failed under fail-fast). */
const DROP = Symbol('drop');

interface Ready {
  index: number;
  item: unknown;
  value: unknown;
}

export function taskStage(spec: TaskStageSpec, invoke: Invoke, inputFailed: (error: unknown) => void): RunStage {
  return async (ctx: StageContext, input: Input<unknown>, output: Output<unknown>) => {
    const m = ctx.meter;
    // ordered: slot k holds the result of item nextOut + k (undefined while it runs): an array, not a
    // Map, because the indexes in flight are always the next `slots` ones.
    const ready: (Ready | undefined)[] = [];
    const finished: Ready[] = []; // unordered, FIFO
    let nextIn = 0;
    let nextOut = 0;
    let inputDone = false;
    let pulling = false;
    let pulled: Pulled<unknown> | undefined;
    let roomPending = false;
    let stopped = false;
    let woken = false;
    let waiter: (() => void) | undefined;
    const wake = () => {
      const w = waiter;
      if (w) {
        waiter = undefined;
        w();
      } else woken = true;
    };
    ctx.wake = wake;

    // Tasks get this stage's own signal: it aborts with the pipeline, or alone when the stages after stop reading.
    const local = new AbortController();
    setMaxListeners(0, local.signal);
    const onAbort = () => {
      stopped = true;
      local.abort(ctx.signal.reason);
      wake();
    };
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener('abort', onAbort, { once: true });

    const put = (r: Ready) => {
      if (spec.ordered) ready[r.index - nextOut] = r;
      else finished.push(r);
      wake();
    };

    const failed = (index: number, item: unknown, error: unknown): unknown => {
      m.failed++;
      if (stopped) return DROP; // aborted because the pipeline stops: not this item's fault
      const onError = spec.onError;
      if (onError === 'skip' || onError === 'collect') {
        m.skipped++;
        if (onError === 'collect') ctx.collect(new PipelineError(ctx.stage, ctx.name, index, item, error));
        return DROP;
      }
      if (typeof onError === 'function') {
        try {
          return onError(error, item);
        } catch (e) {
          error = e;
        }
      }
      ctx.fail(new PipelineError(ctx.stage, ctx.name, index, item, error));
      return DROP;
    };

    const settle = (index: number, item: unknown, t0: number, ok: boolean, value: unknown) => {
      m.settled(t0, performance.now());
      let out = ok ? value : failed(index, item, value);
      if (ok && spec.kind === 'filter') out = value ? item : DROP;
      else if (ok && spec.kind === 'tap') out = item;
      if (isThenable(out)) {
        // An async onError replacement.
        out.then(
          (v) => put({ index, item, value: v }),
          (e: unknown) => {
            if (!stopped) ctx.fail(new PipelineError(ctx.stage, ctx.name, index, item, e));
            put({ index, item, value: DROP });
          },
        );
      } else put({ index, item, value: out });
    };

    const start = (index: number, item: unknown) => {
      const t0 = performance.now();
      m.started(t0);
      if (spec.ordered) ready.push(undefined);
      let r: unknown;
      try {
        r = invoke(item, local.signal);
      } catch (error) {
        settle(index, item, t0, false, error);
        return;
      }
      if (isThenable(r)) r.then((v) => settle(index, item, t0, true, v), (e: unknown) => settle(index, item, t0, false, e));
      else settle(index, item, t0, true, r);
    };

    const waitRoom = () => {
      if (roomPending) return;
      roomPending = true;
      m.tick();
      m.waitingRoom = true;
      void output.waitRoom().then(() => {
        m.tick();
        m.waitingRoom = false;
        roomPending = false;
        wake();
      });
    };

    /** flatMap: pass on every element of one result, waiting for room as needed. */
    const passAll = async (r: Ready) => {
      const v = r.value as Iterable<unknown> | AsyncIterable<unknown>;
      let it: Iterator<unknown> | AsyncIterator<unknown>;
      try {
        const a = (v as AsyncIterable<unknown>)?.[Symbol.asyncIterator];
        it = typeof a === 'function' ? a.call(v) : (v as Iterable<unknown>)[Symbol.iterator]();
      } catch {
        failed(r.index, r.item, new TypeError(`flatMap(): the task returned ${typeof v}, not an iterable or async iterable`));
        return;
      }
      let done = false;
      try {
        while (!stopped) {
          if (!output.room()) {
            if (output.cancelled) return;
            m.tick();
            m.waitingRoom = true;
            await output.waitRoom();
            m.tick();
            m.waitingRoom = false;
            continue;
          }
          let n = it.next();
          if (isThenable(n)) n = await n;
          if ((n as IteratorResult<unknown>).done) {
            done = true;
            return;
          }
          output.push((n as IteratorResult<unknown>).value);
          m.totals.itemsOut++;
        }
      } catch (error) {
        done = true;
        failed(r.index, r.item, error);
      } finally {
        if (!done) await it.return?.();
      }
    };

    /** Pass on what is ready, in order; false when it must wait for room. */
    const passOn = async (): Promise<void> => {
      for (;;) {
        const r = spec.ordered ? ready[0] : finished[0];
        if (!r) return;
        const drop = r.value === DROP;
        if (!drop && spec.kind !== 'flatMap' && !output.room()) {
          if (output.cancelled) stopped = true;
          else waitRoom();
          return;
        }
        if (spec.ordered) {
          ready.shift();
          nextOut++;
        } else finished.shift();
        if (!drop) {
          if (spec.kind === 'flatMap') await passAll(r);
          else {
            output.push(r.value);
            m.totals.itemsOut++;
          }
        }
        m.released();
        if (stopped) return;
      }
    };

    const takeMore = () => {
      while (!stopped && !inputDone && !pulling && m.slots < m.concurrency) {
        let r: Pulled<unknown> | Promise<Pulled<unknown>>;
        try {
          r = pulled ?? input.pull();
        } catch (error) {
          inputDone = true;
          inputFailed(error);
          return;
        }
        pulled = undefined;
        if (isThenable(r)) {
          pulling = true;
          m.tick();
          m.waitingInput = true;
          r.then(
            (res) => {
              m.tick();
              m.waitingInput = false;
              pulling = false;
              pulled = res;
              wake();
            },
            (error: unknown) => {
              m.tick();
              m.waitingInput = false;
              pulling = false;
              inputDone = true;
              inputFailed(error);
              wake();
            },
          );
          return;
        }
        r = r as Pulled<unknown>;
        if (r.done) {
          inputDone = true;
          return;
        }
        start(nextIn++, r.value);
      }
    };

    try {
      for (;;) {
        if (output.cancelled && !stopped) {
          stopped = true;
          local.abort(abortError(`pipeline stage ${ctx.stage} ${ctx.name}: the stages after it stopped reading`));
        }
        if (stopped) break;
        await passOn();
        takeMore();
        if (stopped) continue;
        if (inputDone && m.slots === 0) {
          output.end();
          break;
        }
        if (woken) {
          woken = false;
          continue;
        }
        await new Promise<void>((resolve) => (waiter = resolve));
        woken = false;
      }
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      if (!inputDone) input.cancel();
      // Tasks still running were aborted; the stage ends when they have settled.
      while (m.running > 0) {
        if (!woken) await new Promise<void>((resolve) => (waiter = resolve));
        woken = false;
      }
      m.end();
    }
  };
}
