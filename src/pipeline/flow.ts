/**
 * Pulling and pushing for the stages that handle one item at a time (batch,
 * take), with the meter told when they wait: for input (starved) or for room
 * downstream (blocked).
 */
import type { Input, Output, Pulled } from './channel.js';
import type { StageMeter } from './meter.js';
import { isThenable } from './stage.js';

export async function pullOne<T>(input: Input<T>, m: StageMeter): Promise<Pulled<T>> {
  const r = input.pull();
  if (!isThenable(r)) return r;
  m.tick();
  m.waitingInput = true;
  try {
    return await r;
  } finally {
    m.tick();
    m.waitingInput = false;
  }
}

/** Wait for room downstream; false when the reader is gone. */
export async function roomFor(output: Output<unknown>, m: StageMeter): Promise<boolean> {
  if (output.room()) return true;
  if (output.cancelled) return false;
  m.tick();
  m.waitingRoom = true;
  try {
    return await output.waitRoom();
  } finally {
    m.tick();
    m.waitingRoom = false;
  }
}
