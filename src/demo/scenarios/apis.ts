/**
 * 1. Calling many APIs: N requests to a local server that answers after 50 ms.
 * Work that waits. The event loop overlaps every wait; a pool runs one task per
 * thread or process, so it overlaps only as many waits as it has workers.
 */
import { availableParallelism } from 'node:os';
import { tasks } from '../../index.js';
import { startLatencyServer } from '../latency-server.js';
import { taskModule } from '../task-url.js';
import { fetchPrice } from '../tasks/apis.js';
import { byWallTime, waitsRule } from '../judge.js';
import { collect, EXECUTOR_ROWS as X, executorRows, markRows, measuredRow, notAutoOrBaseline, setSpeedups } from './common.js';
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
    decision = await executorRows([X.loop, X.threads, X.processes, X.auto], {
      task: t.fetchPrice,
      work: (ex) => collect(ex.map(t.fetchPrice, urls)),
      measure: measuredRow,
      add,
      onStep,
    });
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
