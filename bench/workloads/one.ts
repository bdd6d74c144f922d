/**
 * One workload on one model, in a fresh process (started by index.ts): the
 * executor's workers are started first (4 warm calls), then the burst is
 * timed; or, cold, the executor is created inside the timing and nothing is
 * started before the burst (a script's first burst). Prints one JSON line: time, unexpected failures, and for auto() what
 * it chose and whether explain() and stats() agree with where the calls ran.
 *
 *   tsx bench/workloads/one.ts <workload id> <model> <context JSON>
 */
import { loop, threads, processes, auto, type Executor } from '../lib/boundwise.js';
import { t, workloads, type Context, type ModelName } from './workloads.js';

const [id, model, ctxJson] = process.argv.slice(2) as [string, ModelName, string];
const ctx = JSON.parse(ctxJson) as Context;
const w = workloads(ctx.quick).find((x) => x.id === id);
if (!w) throw new Error(`no workload ${id}`);
// Warm, auto()'s threads are started too (its warm-up task pinned there): as in a service that
// created it at start-up. Cold, nothing is: the executor is created inside the timed part.
const makers: Record<ModelName, () => Executor> = {
  loop: () => loop(),
  threads: () => threads(),
  processes: () => processes(),
  auto: () => auto(ctx.cold ? {} : { pin: { [String(t.warm)]: 'threads' } }),
};
const WARM = ctx.cold ? 0 : 4;
let start = performance.now();
const ex = makers[model]();
if (!ctx.cold) {
  await Promise.all(Array.from({ length: WARM }, () => ex.run(t.warm, undefined)));
  start = performance.now();
}
const failed = await w.run(ex, ctx);
const ms = performance.now() - start;
const out: Record<string, unknown> = { id, model, ms, unexpected: failed - (w.expectedFailures ?? 0) };
if (model === 'auto') {
  const a = ex as ReturnType<typeof auto>;
  const s = a.stats();
  const choices: string[] = [];
  let counted = 0;
  for (const [name, rep] of Object.entries(s.tasks)) {
    const byModel = rep.profile.runsByModel;
    counted += byModel.loop + byModel.threads + byModel.processes;
    if (!name.endsWith('#warm')) choices.push(`${name.split('#')[1]} → ${rep.model} (${Object.entries(byModel).filter(([, k]) => k > 0).map(([m, k]) => `${m} ${k}`).join(', ')})`);
  }
  const totals = s.runsByModel.loop + s.runsByModel.threads + s.runsByModel.processes;
  out.choices = choices.join('; ');
  out.agree = counted === w.calls + WARM && totals === counted && s.submitted === s.completed + s.failed + s.cancelled + s.queued + s.running;
}
await ex.close();
console.log(JSON.stringify(out));
