/**
 * 5. Tiny tasks: counting the tokens of thousands of short strings, microseconds
 * each. Shipping each one to a process costs far more in messages and copying
 * than the work itself; one message per batch (map's chunkSize) is the fix.
 */
import { tasks, type Executor } from '../../index.js';
import { taskModule } from '../task-url.js';
import { countTokens, makeTexts } from '../tasks/tokens.js';
import { byWallTime, calculatesRule } from '../judge.js';
import { collect, EXECUTOR_ROWS as X, executorRows, markRows, measuredRow, notAutoOrBaseline, setSpeedups } from './common.js';
import type { Row, Scenario, ScenarioOptions, ScenarioResult } from '../types.js';

const t = tasks<typeof import('../tasks/tokens.js')>(taskModule('tokens'));
const TITLE = 'Tiny tasks';
const CHUNK = 500;

export async function run({ quick = false, onStep = () => {} }: ScenarioOptions = {}): Promise<ScenarioResult> {
  const n = quick ? 2_000 : 20_000;
  const texts = makeTexts(n);
  const rows: Row[] = [];
  const totals: number[] = [];
  const add = ({ row, value }: { row: Row; value: number[] }) => {
    rows.push(row);
    totals.push(value.length === n ? value.reduce((a, b) => a + b, 0) : -1);
  };

  // Compile the counter once first, so the first row does not pay for the JIT alone.
  texts.slice(0, 200).forEach(countTokens);
  onStep('sequential');
  add(await measuredRow('sequential', async () => texts.map(countTokens)));
  const batched = {
    ...X.processes,
    label: `processes(), chunkSize ${CHUNK}`,
    work: (ex: Executor) => collect(ex.map(t.countTokens, texts, { chunkSize: CHUNK })),
  };
  const decision = await executorRows([X.loop, X.threads, X.processes, batched, X.auto], {
    task: t.countTokens,
    work: (ex) => collect(ex.map(t.countTokens, texts)),
    measure: measuredRow,
    add,
    onStep,
  });

  setSpeedups(rows, rows[0]!);
  const best = Math.min(...rows.map((r) => r.wallMs));
  markRows(rows, calculatesRule, (r) => byWallTime(r.wallMs, best), notAutoOrBaseline('sequential'));
  const perItemUs = (rows[0]!.wallMs * 1000) / n;
  return {
    id: 'tiny',
    title: TITLE,
    workload: `counting tokens in ${n.toLocaleString('en')} short strings (~${perItemUs.toFixed(1)} µs each inline)`,
    rule: 'calculates → processes',
    columns: [],
    rows,
    auto: decision ?? null,
    checks: rows.slice(1).map((r, i) => ({ name: `${r.model} total = sequential`, ok: totals[i + 1] === totals[0] })),
    notes: [
      'One task per string is the classic mistake: each costs a message each way, far more than the microseconds of work.',
      `chunkSize ${CHUNK} sends ${CHUNK} strings per message; auto() measures the task, finds it shorter than a dispatch and runs it inline.`,
    ],
  };
}

export const scenario: Scenario = { id: 'tiny', title: TITLE, steps: 6, run };
