/**
 * The race test (issue 14): random run/map/aborts/timeouts/pause/resume/clear/close({ cancel })
 * on every executor, seeded. Each executor's rounds run in a child process (test/race/scenario.ts,
 * which holds the checks and says what they are), so that "the process exits by itself" is
 * checked on a process that did nothing else: the child must print RACE DONE and exit 0.
 *
 * Bounded by a budget (BOUNDWISE_RACE_BUDGET_MS, default 5 s per executor, the four at once):
 * no new round starts after it; a loaded machine runs fewer rounds, never different checks.
 * A failure prints its seed; replay it with
 *   BOUNDWISE_RACE_SEED=<seed> BOUNDWISE_RACE_EXECUTOR=<kind> node scripts/test.mjs test/race
 * (or run scenario.ts directly, as the failure message says).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const scenario = fileURLToPath(new URL('./scenario.ts', import.meta.url));
const only = process.env.BOUNDWISE_RACE_EXECUTOR;
const kinds = ['loop', 'threads', 'processes', 'auto'].filter((k) => only === undefined || k === only);
/** Safety net for a hang (the scenario's own net for a stuck map is 60 s): never reached by a pass. */
const HANG_MS = 300_000;

function runScenario(kind: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; hung: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', scenario, kind], {
      env: { BOUNDWISE_RACE_BUDGET_MS: '5000', ...process.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    let hung = false;
    const net = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, HANG_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(net);
      resolve({ code, signal, out, hung });
    });
  });
}

test(`race: random operations on ${kinds.join(', ')}; every promise settles once, stats add up, the process exits by itself`, async () => {
  const results = await Promise.all(kinds.map(async (kind) => ({ kind, ...(await runScenario(kind)) })));
  for (const r of results) {
    const rounds = r.out.split('\n').filter((l) => l.startsWith('RACE ROUND'));
    process.stdout.write(`# ${r.kind}: ${rounds.length} rounds; ${r.out.split('\n').find((l) => l.startsWith('RACE DONE')) ?? '(not done)'}\n`);
  }
  for (const r of results) {
    const what = r.hung ? `still running after ${HANG_MS / 1000} s (killed)` : `exit ${r.code ?? r.signal}`;
    assert.ok(r.code === 0 && /RACE DONE/.test(r.out), `${r.kind}: ${what}\n${r.out}`);
  }
});
