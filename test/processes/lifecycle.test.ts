/**
 * Life and death of children: no orphans when the parent is SIGKILLed, nothing
 * left after close(), idle children that do not keep the parent alive,
 * recycling by task count and by memory, SIGTERM → SIGKILL, and the options
 * that shape a child (env, cwd, execArgv, stdio, TypeScript through tsx).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { tasks } from '../../src/task.js';
import { processes } from '../../src/processes/index.js';
import { Gate } from '../helpers/gate.js';
import { allGone, alive, childrenOf, guardiansOf } from './proc.js';

const t = tasks<typeof import('../fixtures/processes/tasks.js')>(new URL('../fixtures/processes/tasks.ts', import.meta.url));
const parentScript = fileURLToPath(new URL('../fixtures/processes/parent.ts', import.meta.url));

let gate: Gate;
before(async () => {
  gate = await Gate.start();
});
after(async () => {
  await gate.close();
});

/** Runs parent.ts with `args`; resolves with its output once it exits (killed after 30 s: a safety net). */
function runParent(args: string[], onStdout?: (text: string, kill: () => void) => void, env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, ['--import', 'tsx', parentScript, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d;
    onStdout?.(out, () => child.kill('SIGKILL'));
  });
  child.stderr.on('data', (d: Buffer) => (err += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return once(child, 'exit').then(([code, signal]) => {
    clearTimeout(killer);
    return { code: code as number | null, signal: signal as string | null, out, err };
  });
}

// Every way a child is made to leave when its parent dies: the guardian process (Linux, the
// default), the kernel's death signal (through setpriv, where no guardian can be started) and,
// where neither is to be had, the watchdog thread.
for (const [how, env] of [
  ['the default (the guardian process where the platform has it)', process.env],
  ['the kernel death signal (setpriv; BOUNDWISE_NO_GUARDIAN=1)', { ...process.env, BOUNDWISE_NO_GUARDIAN: '1' }],
  ['the watchdog thread (BOUNDWISE_NO_PDEATHSIG=1)', { ...process.env, BOUNDWISE_NO_PDEATHSIG: '1' }],
] as const) {
  test(`no orphans, ${how}: when the parent is SIGKILLed, its busy children exit on their own`, async () => {
    let pids: number[] = [];
    const arrived = Promise.all([gate.arrived('orphan-held'), gate.arrived('orphan-spin')]);
    const result = await runParent(
      ['orphan', gate.url],
      (out, kill) => {
        if (pids.length || !out.includes('\n')) return;
        pids = JSON.parse(out.slice(0, out.indexOf('\n'))) as number[];
        // Kill only once both children are busy: one awaiting I/O, one spinning on the CPU.
        void arrived.then(kill);
      },
      env,
    );
    assert.equal(result.signal, 'SIGKILL');
    assert.equal(pids.length, 2);
    await allGone(pids);
    assert.ok(!pids.some(alive));
  });
}

test('the parent pid handed to a child for its start-up check does not leak into tasks', async () => {
  await using pool = processes({ max: 1 });
  assert.equal(await pool.run(t.env, 'BOUNDWISE_PARENT_PID'), undefined);
});

test('an idle pool does not keep the parent alive, and its children leave with it', async () => {
  const result = await runParent(['idle']);
  assert.equal(result.signal, null, 'the parent had to be killed: the idle pool kept it alive');
  assert.equal(result.code, 0, result.err);
  const pid = Number(/pid=(\d+)/.exec(result.out)?.[1]);
  assert.ok(pid > 0);
  await allGone([pid]);
});

test('close() leaves no child process in the live process table', async () => {
  const pool = processes({ max: 2, min: 1 });
  const pids = new Set(await Promise.all(Array.from({ length: 8 }, () => pool.run(t.pid))));
  assert.ok(pids.size >= 1);
  assert.ok(childrenOf(process.pid).length >= 1);
  await pool.close();
  assert.deepEqual(childrenOf(process.pid), []);
  assert.ok(![...pids].some(alive));
});

test('the guardian of a thread\'s children leaves when the last of them has (Linux), and the next pool starts another', { skip: process.platform !== 'linux' }, async () => {
  for (let round = 0; round < 2; round++) {
    const pool = processes({ max: 2, min: 2 });
    await Promise.all(Array.from({ length: 4 }, () => pool.run(t.pid)));
    const guardians = guardiansOf(process.pid);
    assert.equal(guardians.length, 1, `one guardian while children live (round ${round})`);
    await pool.close();
    // Its input is ended once the last child is reaped: it exits (a bound for a hung test, not a timing).
    await allGone(guardians);
    assert.deepEqual(guardiansOf(process.pid), []);
  }
});

test('maxTasksPerChild: a child is replaced after that many tasks', async () => {
  await using pool = processes({ max: 1, maxTasksPerChild: 2 });
  const seen: number[] = [];
  for (let i = 0; i < 5; i++) seen.push(await pool.run(t.pid));
  assert.equal(seen[0], seen[1]);
  assert.notEqual(seen[1], seen[2]);
  assert.equal(seen[2], seen[3]);
  assert.notEqual(seen[3], seen[4]);
  assert.equal(new Set(seen).size, 3);
  await allGone([seen[0] as number, seen[2] as number]);
});

test('maxMemoryMb: a child past the limit is replaced between tasks; one below it is kept', async () => {
  let base: number;
  {
    await using probe = processes({ max: 1 });
    base = await probe.run(t.rssMb);
  }
  await using pool = processes({ max: 1, maxMemoryMb: Math.ceil(base) + 96 });
  const a = await pool.run(t.grow, 1);
  assert.equal(await pool.run(t.pid), a, 'below the limit: the same child');
  assert.equal(await pool.run(t.grow, 192), a);
  const b = await pool.run(t.pid);
  assert.notEqual(b, a, 'past the limit: a fresh child');
  await allGone([a]);
});

test('killTimeout: a child that ignores SIGTERM gets SIGKILL and the pool goes on', async () => {
  const pool = processes({ max: 1, cancelGrace: 0, killTimeout: 300 });
  const victim = await pool.run(t.pid);
  const ac = new AbortController();
  const p = pool.run(t.ignoresTerm, { gate: gate.url, name: 'ignores-term' }, { signal: ac.signal });
  await gate.arrived('ignores-term');
  ac.abort(new Error('stop'));
  await assert.rejects(p, /stop/);
  assert.notEqual(await pool.run(t.pid), victim, 'a fresh child took over');
  await allGone([victim]);
  await pool.close();
  assert.deepEqual(childrenOf(process.pid), []);
});

test('env, cwd and execArgv reach the child (a bare tsx hook still loads from another cwd)', async () => {
  const dir = realpathSync(tmpdir());
  const execArgv = ['--import', 'tsx', '--max-old-space-size=123'];
  await using pool = processes({ max: 1, env: { ...process.env, BOUNDWISE_TEST: 'yes' }, cwd: dir, execArgv });
  const w = await pool.run(t.where);
  assert.equal(w.env, 'yes');
  assert.equal(w.cwd, dir);
  assert.ok(w.execArgv.includes('--max-old-space-size=123'), w.execArgv.join(' '));
});

test('TypeScript task modules run in the children under tsx', async () => {
  await using pool = processes({ max: 1 });
  assert.equal(await pool.run(t.typescriptOnly, { n: 7 }), 'dark-7');
});

test("stdio 'pipe' prefixes every line with the child's id; 'inherit' passes them through", async () => {
  const piped = await runParent(['stdio', 'pipe']);
  assert.equal(piped.code, 0, piped.err);
  const pid = Number(/pid=(\d+)/.exec(piped.out)?.[1]);
  assert.ok(piped.out.includes(`[process ${pid}] out-line\n`), piped.out);
  assert.ok(piped.err.includes(`[process ${pid}] err-line\n`), piped.err);
  const inherited = await runParent(['stdio', 'inherit']);
  assert.equal(inherited.code, 0, inherited.err);
  assert.match(inherited.out, /^out-line$/m);
  assert.match(inherited.err, /^err-line$/m);
  assert.doesNotMatch(inherited.out + inherited.err, /\[process/);
});
