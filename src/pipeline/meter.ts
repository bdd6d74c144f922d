/**
 * Where one stage's time goes. The stage reports every change of its state
 * (a task started or settled, it began or stopped waiting for input or for room
 * downstream); the meter adds the time since the last change to each share the
 * old state was in:
 *
 *   busy     ≥ 1 task in flight
 *   full     every slot taken (in flight + finished, not yet passed on) — more slots could help
 *   starved  nothing in flight, waiting for input — the stages before are slower
 *   blocked  waiting for room downstream — the stages after are slower
 *
 * busy and blocked may overlap (tasks run while a finished one waits for room).
 */
import { SampleRing } from '../stats.js';

export interface MeterTotals {
  busyMs: number;
  fullMs: number;
  starvedMs: number;
  blockedMs: number;
  itemsIn: number;
  itemsOut: number;
  /** Most tasks in flight at once since the last reset of `peak`. */
  peak: number;
}

export class StageMeter {
  readonly totals: MeterTotals = { busyMs: 0, fullMs: 0, starvedMs: 0, blockedMs: 0, itemsIn: 0, itemsOut: 0, peak: 0 };
  readonly runTime = new SampleRing(1024);
  running = 0;
  slots = 0;
  concurrency: number;
  waitingInput = false;
  waitingRoom = false;
  skipped = 0;
  failed = 0;
  readonly startedAt: number;
  endedAt: number | undefined;
  private last: number;

  constructor(concurrency: number, now = performance.now()) {
    this.concurrency = concurrency;
    this.startedAt = now;
    this.last = now;
  }

  /** Account the time since the last change to the state the stage was in. */
  tick(now = performance.now()): void {
    const dt = now - this.last;
    this.last = now;
    if (dt <= 0 || this.endedAt !== undefined) return;
    const t = this.totals;
    if (this.running > 0) t.busyMs += dt;
    if (this.slots >= this.concurrency) t.fullMs += dt;
    if (this.waitingInput && this.running === 0) t.starvedMs += dt;
    if (this.waitingRoom) t.blockedMs += dt;
  }

  started(now: number): void {
    this.tick(now);
    this.running++;
    this.slots++;
    this.totals.itemsIn++;
    if (this.running > this.totals.peak) this.totals.peak = this.running;
  }

  settled(startedAt: number, now: number): void {
    this.tick(now);
    this.running--;
    this.runTime.add(now - startedAt);
  }

  /** A finished task's slot is free again (its output passed on, or dropped). */
  released(): void {
    this.tick();
    this.slots--;
  }

  end(now = performance.now()): void {
    this.tick(now);
    this.endedAt = now;
  }

  elapsed(now = performance.now()): number {
    return (this.endedAt ?? now) - this.startedAt;
  }
}
