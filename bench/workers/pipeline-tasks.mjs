// Tasks with known capacities for the pipeline bench: each takes a fixed time
// whatever the CPU load (a timer, or a blocking Atomics.wait on a thread), so
// a stage's capacity is concurrency / ms, and the pipeline's bound is the
// slowest stage's.
const cell = new Int32Array(new SharedArrayBuffer(4));

export async function wait(ms) {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return ms;
}

/** Holds its thread for `ms`, as a blocking driver call does. */
export function block(ms) {
  Atomics.wait(cell, 0, 0, ms);
  return ms;
}
