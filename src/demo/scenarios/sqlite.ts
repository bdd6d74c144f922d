/**
 * 3. A blocking database driver: report queries through better-sqlite3, which
 * is synchronous, while a timer should tick every 10 ms. On the event loop each
 * query holds everything else until it ends; on threads() the loop stays free.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tasks } from '../../index.js';
import { taskModule } from '../task-url.js';
import { closeAll, createDatabase, loadDriver, report, type ReportInput, type ReportRow } from '../tasks/sqlite.js';
import { startTicker, type TickReport } from '../ticker.js';
import { byResponsiveness } from '../judge.js';
import { formatMs } from '../../format/duration.js';
import { collect, EXECUTOR_ROWS as X, executorRows, markRows, measuredRow, setSpeedups } from './common.js';
import type { Row, Scenario, ScenarioOptions, ScenarioResult } from '../types.js';

const t = tasks<typeof import('../tasks/sqlite.js')>(taskModule('sqlite'));
const PERIOD_MS = 10;
/** A loop that never waited longer than this between ticks stayed responsive. */
const RESPONSIVE_MS = 50;
const TITLE = 'A blocking database driver';

/** Run `fn` with the ticker going; the row gets its tick figures. */
async function ticked<T>(model: string, fn: () => Promise<T>): Promise<{ row: Row; value: T; ticks: TickReport }> {
  let ticks: TickReport | undefined;
  const { row, value } = await measuredRow(model, async () => {
    const ticker = startTicker(PERIOD_MS);
    try {
      return await fn();
    } finally {
      ticks = ticker.stop();
    }
  });
  const r = ticks as unknown as TickReport;
  row.metrics = { ticks: r.ticks, expected: r.expected, maxGapMs: Math.round(r.maxGapMs), timer: `${r.ticks} of ${r.expected}`, gap: formatMs(r.maxGapMs) };
  return { row, value, ticks: r };
}

function skipped(reason: string, enable: string): ScenarioResult {
  return {
    id: 'sqlite', title: TITLE, workload: 'skipped', rule: 'a blocking library → threads', columns: [], rows: [], auto: null, checks: [],
    notes: [], skipped: { reason, enable },
  };
}

export async function run({ quick = false, onStep = () => {} }: ScenarioOptions = {}): Promise<ScenarioResult> {
  const driver = loadDriver();
  if (!driver.name) return skipped(driver.reason, driver.enable);
  const [rowsInDb, queries] = quick ? [100_000, 12] : [300_000, 40];
  const dir = mkdtempSync(join(tmpdir(), 'boundwise-demo-'));
  const file = join(dir, 'shop.db');
  const rows: Row[] = [];
  const outputs: ReportRow[][][] = [];
  const tickReports: TickReport[] = [];
  let decision;
  try {
    createDatabase(file, rowsInDb);
    const inputs: ReportInput[] = Array.from({ length: queries }, (_, i) => ({ file, pattern: `%${(i % 36).toString(36)}${((i * 7) % 36).toString(36)}%` }));
    const add = (r: { row: Row; value: ReportRow[][]; ticks: TickReport }) => {
      rows.push(r.row);
      outputs.push(r.value);
      tickReports.push(r.ticks);
    };
    onStep('sequential');
    add(await ticked('sequential', async () => inputs.map(report)));
    decision = await executorRows([X.loop, X.threads, X.auto], {
      task: t.report,
      work: (ex) => collect(ex.map(t.report, inputs)),
      measure: ticked,
      add,
      onStep,
    });
  } finally {
    closeAll();
    rmSync(dir, { recursive: true, force: true });
  }
  setSpeedups(rows, rows[0]!);
  markRows(
    rows,
    (model) => (model.startsWith('threads') ? 'use' : 'avoid'),
    (r) => byResponsiveness(r.metrics.maxGapMs as number, RESPONSIVE_MS),
    (r) => r.model !== 'auto()',
  );
  const same = JSON.stringify(outputs[0]);
  const threadsTicks = tickReports[2]!.ticks;
  return {
    id: 'sqlite',
    title: TITLE,
    workload: `${queries} report queries (full scan, GROUP BY) on a ${rowsInDb.toLocaleString('en')}-row SQLite table via ${driver.name}, a timer set to tick every ${PERIOD_MS} ms`,
    rule: 'a blocking library → threads',
    columns: [
      { key: 'timer', label: 'timer ticks' },
      { key: 'gap', label: 'longest gap' },
    ],
    rows,
    auto: decision ?? null,
    checks: [
      ...rows.slice(1).map((r, i) => ({ name: `${r.model} rows = sequential`, ok: JSON.stringify(outputs[i + 1]) === same })),
      { name: 'the timer ticked more often with threads() than on the event loop', ok: threadsTicks > tickReports[0]!.ticks },
    ],
    notes: [
      `"good" here means the event loop stayed responsive: no gap between ticks longer than ${RESPONSIVE_MS} ms.`,
      'The query itself is work in SQLite\'s C code on the calling thread: to the event loop a synchronous driver is a wait it cannot leave.',
    ],
  };
}

export const scenario: Scenario = { id: 'sqlite', title: TITLE, steps: 4, run };
