/**
 * 1. Calling many APIs: N requests to a local server that answers after 50 ms.
 * Work that waits. The event loop overlaps every wait; a pool runs one task per
 * thread or process, so it overlaps only as many waits as it has workers.
 */
import { availableParallelism } from 'node:os';
import { auto, loop, processes, tasks, threads } from '../../index.js';
import { startLatencyServer } from '../latency-server.js';
import { taskModule } from '../task-url.js';
import { fetchPrice } from '../tasks/apis.js';
import { byWallTime, waitsRule } from '../judge.js';
import { autoDecision, collect, markRows, measuredRow, notAutoOrBaseline, setSpeedups } from './common.js';
import type { Row, Scenario, ScenarioOptions, ScenarioResult } from '../types.js';

const DELAY_MS = 50;
const t = tasks<typeof import('../tasks/apis.js')>(taskModule('apis'));

export async function run({ quick = false, onStep = () => {} }: ScenarioOptions = {}): Promise<ScenarioResult> {
  const n = quick ? 20 : 100;
  const server = await startLatencyServer(DELAY_MS);
  const urls = Array.from({ length: n }, (_, i) => `${server.url}/price/${i}`);
  const rows: Row[] = [];
  const outputs: number[][] = [];
  const add = ({ row, value }: { row: Row; value: number[] }) => {
    rows.push(row);
    outputs.push(value);
  };
  let decision;
  try {
    onStep('sequential');
    add(await measuredRow('sequential', async () => {
      const out: number[] = [];
      for (const url of urls) out.push(await fetchPrice(url));
      return out;
    }));
    onStep('loop()');
    add(await measuredRow('loop()', async () => {
      await using ex = loop();
      return await collect(ex.map(t.fetchPrice, urls));
    }));
    onStep('threads()');
    add(await measuredRow('threads()', async () => {
      await using ex = threads();
      return await collect(ex.map(t.fetchPrice, urls));
    }));
    onStep('processes()');
    add(await measuredRow('processes()', async () => {
      await using ex = processes();
      return await collect(ex.map(t.fetchPrice, urls));
    }, { children: true }));
    onStep('auto()');
    add(await measuredRow('auto()', async () => {
      await using ex = auto();
      const out = await collect(ex.map(t.fetchPrice, urls));
      decision = autoDecision(ex.explain(t.fetchPrice));
      return out;
    }, { children: true }));
  } finally {
    await server.close();
  }
  const served = server.served;
  setSpeedups(rows, rows[0]!);
  const best = Math.min(...rows.map((r) => r.wallMs));
  markRows(rows, waitsRule, (r) => byWallTime(r.wallMs, best), notAutoOrBaseline('sequential'));
  return {
    id: 'apis',
    title: 'Calling many APIs',
    workload: `${n} GET requests to a local server that answers after ${DELAY_MS} ms`,
    rule: 'waits → async or threads',
    columns: [],
    rows,
    auto: decision ?? null,
    checks: [
      { name: `every model got all ${n} answers`, ok: outputs.every((o) => o.length === n && o.every((p) => p === 42)) },
      { name: 'the server answered every request', ok: served === n * rows.length },
    ],
    notes: [
      'Each executor with its defaults; times include starting and closing its threads or processes.',
      `A pool runs one task per worker at a time: its ${availableParallelism()} workers (one per core) overlap ${availableParallelism()} waits; the event loop overlaps all of them.`,
    ],
  };
}

export const scenario: Scenario = { id: 'apis', title: 'Calling many APIs', steps: 5, run };
