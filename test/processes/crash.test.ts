/**
 * Isolation, the point of processes: a child that dies (SIGKILL, exit(3),
 * abort) fails only the task it was running, with WorkerCrashedError; every
 * other task completes and the pool refills. Setups that cannot work give
 * ExecutorBrokenError after a bounded number of attempts.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { tasks, taskRef } from '../../src/task.js';
import { ExecutorBrokenError, WorkerCrashedError } from '../../src/errors.js';
import { processes } from '../../src/processes/index.js';
import { Gate } from '../helpers/gate.js';
import { allGone, childrenOf } from './proc.js';
import { rejection } from '../helpers/rejection.js';

const t = tasks<typeof import('../fixtures/processes/tasks.js')>(new URL('../fixtures/processes/tasks.ts', import.meta.url));

let gate: Gate;
before(async () => {
  gate = await Gate.start();
});
after(async () => {
  await gate.close();
});


test('SIGKILL of a busy child fails only its task; the other completes and the pool refills', async () => {
  await using pool = processes({ max: 2, min: 2 });
  const pids = await Promise.all([pool.run(t.pid), pool.run(t.pid)]);
  assert.notEqual(pids[0], pids[1]);
  assert.deepEqual(childrenOf(process.pid).sort(), [...pids].sort(), 'the process table shows the same two children');
  const a = pool.run(t.heldPid, { gate: gate.url, name: 'kill-a' });
  const b = pool.run(t.heldPid, { gate: gate.url, name: 'kill-b' });
  await Promise.all([gate.arrived('kill-a'), gate.arrived('kill-b')]);
  const victim = pids[0] as number;
  process.kill(victim, 'SIGKILL');
  gate.open('kill-a');
  gate.open('kill-b');
  const outcomes = await Promise.allSettled([a, b]);
  const crashed = outcomes.filter((o) => o.status === 'rejected');
  const done = outcomes.filter((o) => o.status === 'fulfilled');
  assert.equal(crashed.length, 1, 'exactly one task failed');
  const e = (crashed[0] as PromiseRejectedResult).reason;
  assert.ok(e instanceof WorkerCrashedError, String(e));
  assert.equal(e.signal, 'SIGKILL');
  assert.equal(e.reason, 'signal');
  assert.equal(e.worker, `process ${victim}`);
  assert.match(e.task ?? '', /heldPid/);
  assert.equal((done[0] as PromiseFulfilledResult<number>).value, pids[1], 'the other child finished its task');
  // The pool refills to min with a new child.
  const after = await Promise.all([pool.run(t.pid), pool.run(t.pid)]);
  assert.ok(!after.includes(victim));
  assert.equal(pool.stats().crashed, 1);
});

test('process.exit(3) on the very first task: WorkerCrashedError with exit code 3 and stderr, no retry', async () => {
  await using pool = processes({ max: 1 });
  const e = await rejection(pool.run(t.exitWith, { gate: gate.url, name: 'exit-first', code: 3 }));
  assert.ok(e instanceof WorkerCrashedError, String(e));
  assert.equal(e.exitCode, 3);
  assert.equal(e.signal, null);
  assert.equal(e.reason, 'exit');
  assert.ok(e.stderr.includes('about to exit with 3'), JSON.stringify(e.stderr));
  assert.match(e.message, /exited with code 3/);
  assert.equal(gate.count('exit-first'), 1, 'the task ran once: not retried as a start failure');
  assert.equal(typeof (await pool.run(t.pid)), 'number', 'the pool refilled');
  assert.equal(gate.count('exit-first'), 1);
});

test('process.exit(3) among other tasks fails only that task', async () => {
  await using pool = processes({ max: 2 });
  const others = Array.from({ length: 6 }, () => pool.run(t.pid));
  const crash = pool.run(t.exitWith, { gate: gate.url, name: 'exit-mixed', code: 3 });
  const more = Array.from({ length: 6 }, () => pool.run(t.pid));
  const e = await rejection(crash);
  assert.ok(e instanceof WorkerCrashedError);
  assert.equal(e.exitCode, 3);
  const results = await Promise.all([...others, ...more]);
  assert.equal(results.length, 12);
  assert.ok(results.every((p) => typeof p === 'number'));
  assert.equal(pool.stats().completed, 12);
  assert.equal(pool.stats().crashed, 1);
});

test("process.abort(): WorkerCrashedError with SIGABRT and the child's last stderr lines (stdio: 'pipe')", async () => {
  // cwd: a temporary directory, in case the machine writes core files.
  await using pool = processes({ max: 1, stdio: 'pipe', cwd: tmpdir() });
  const e = await rejection(pool.run(t.abort));
  assert.ok(e instanceof WorkerCrashedError, String(e));
  assert.equal(e.signal, 'SIGABRT');
  assert.ok(e.stderr.includes('about to abort'), JSON.stringify(e.stderr));
  assert.match(e.message, /last stderr lines:\n {2}about to abort/);
  assert.equal(typeof (await pool.run(t.pid)), 'number', 'the pool refilled');
});

test('a task module that throws at import: ExecutorBrokenError naming the module', async () => {
  await using pool = processes({ max: 1 });
  const broken = taskRef<void, void>(new URL('../fixtures/processes/throws-at-import.ts', import.meta.url), 'never');
  const e = await rejection(pool.run(broken));
  assert.ok(e instanceof ExecutorBrokenError, String(e));
  assert.match(e.message, /throws-at-import/);
  assert.match(e.message, /boom at import/);
  assert.equal(typeof (await pool.run(t.pid)), 'number', 'other modules still run');
});

test('a child that cannot start: ExecutorBrokenError after a bounded number of attempts', async () => {
  const pool = processes({ max: 2, execArgv: ['--no-such-flag'] });
  const e = await rejection(pool.run(t.pid));
  assert.ok(e instanceof ExecutorBrokenError, String(e));
  assert.match(e.message, /3 attempts/);
  assert.match(e.message, /no-such-flag/);
  const again = await rejection(pool.run(t.pid));
  assert.equal(again, e, 'later runs fail fast with the same error');
  await pool.close();
  assert.deepEqual(childrenOf(process.pid), []);
});

test('a working directory that does not exist: ExecutorBrokenError, not a hang', async () => {
  const pool = processes({ max: 1, cwd: '/no/such/dir/boundwise' });
  const e = await rejection(pool.run(t.pid));
  assert.ok(e instanceof ExecutorBrokenError, String(e));
  assert.match(e.message, /ENOENT|no such/i);
  await pool.close();
  await allGone(childrenOf(process.pid));
});
