/**
 * A task module's setup() and teardown() on threads and processes: setup once per worker
 * before its first task; teardown when the pool stops the worker (close, recycling, idle
 * reaping) within teardownTimeout; failures fail tasks (setup) or are reported (teardown).
 * The hooks write to a file the test reads; the test waits on events, never on time.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { threads } from '../../src/threads/index.js';
import { processes } from '../../src/processes/index.js';
import { tasks } from '../../src/task.js';
import { OptionRangeError, TaskSetupError, TeardownError } from '../../src/errors.js';
import type { WorkerExit, WorkerInfo } from '../../src/control.js';

const hooks = tasks<typeof import('../fixtures/control/hooks.js')>(new URL('../fixtures/control/hooks.ts', import.meta.url));
const badSetup = tasks<typeof import('../fixtures/control/bad-setup.js')>(new URL('../fixtures/control/bad-setup.ts', import.meta.url));
const badTeardown = tasks<typeof import('../fixtures/control/bad-teardown.js')>(new URL('../fixtures/control/bad-teardown.ts', import.meta.url));

type Options = { min?: number; idleTimeout?: number; teardownTimeout?: number; env: Record<string, string | undefined> };
const pools = [
  ['threads', (o: Options) => threads({ max: 1, ...o })],
  ['processes', (o: Options) => processes({ max: 1, killTimeout: 500, ...o })],
] as const;

describe('setup() and teardown()', () => {
  let dir: string;
  let n = 0;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'boundwise-hooks-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  /** A fresh log file and the environment that names it. */
  const logFile = (extra: Record<string, string> = {}) => {
    const file = join(dir, `log-${++n}.txt`);
    return { file, env: { ...process.env, BOUNDWISE_HOOKS_LOG: file, ...extra } };
  };
  const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : []);

  for (const [kind, make] of pools) {
    test(`${kind}: setup runs once per worker before its first task; teardown runs on close()`, async () => {
      const { file, env } = logFile();
      const pool = make({ env });
      assert.deepEqual(await Promise.all([1, 2, 3].map(() => pool.run(hooks.setupRuns, undefined))), [1, 1, 1]);
      assert.equal(await pool.run(hooks.setupRuns, undefined), 1);
      await pool.close();
      const log = lines(file);
      assert.equal(log.length, 2, log.join('\n'));
      assert.match(log[0] as string, /^setup /);
      assert.equal(log[1], (log[0] as string).replace('setup', 'teardown'), 'the same worker tore down');
    });

    test(`${kind}: teardown runs when a worker is recycled and when it is reaped for idling`, async () => {
      const { file, env } = logFile();
      await using pool = make({ env, idleTimeout: 1 });
      const exits: WorkerExit[] = [];
      pool.on('workerExit', (e) => exits.push(e));
      await pool.run(hooks.setupRuns, undefined);
      // Idle workers and the reaper do not keep a process alive (by design): this test must stay to see it.
      const keepAlive = setInterval(() => {}, 1_000);
      while (exits.length < 1) await once(pool, 'workerExit');
      clearInterval(keepAlive);
      assert.equal(exits[0]?.reason, 'idle');
      assert.deepEqual(lines(file).map((l) => l.split(' ')[0]), ['setup', 'teardown']);
      pool.resize({ min: 1 }); // a worker that stays, to be recycled
      await pool.run(hooks.setupRuns, undefined);
      pool.recycleWorkers();
      while (!exits.some((e) => e.reason === 'recycled')) await once(pool, 'workerExit');
      const log = lines(file).map((l) => l.split(' ')[0]);
      assert.deepEqual(log.slice(0, 4), ['setup', 'teardown', 'setup', 'teardown']);
    });

    test(`${kind}: a setup that throws fails the task with TaskSetupError; the worker is replaced`, async () => {
      const { env } = logFile();
      await using pool = make({ env });
      const exits: WorkerExit[] = [];
      pool.on('workerExit', (e) => exits.push(e));
      await assert.rejects(pool.run(badSetup.query, undefined), (e: unknown) => {
        assert.ok(e instanceof TaskSetupError, String(e));
        assert.equal(e.code, 'ERR_BOUNDWISE_TASK_SETUP');
        assert.match(e.message, /setup\(\) of bad-setup\.ts failed in (thread|process) \d+: no database at db\.invalid/);
        assert.equal((e.cause as Error).message, 'no database at db.invalid');
        return true;
      });
      assert.equal(await pool.run(hooks.setupRuns, undefined), 1, 'other modules run, on a new worker');
      while (exits.length < 1) await once(pool, 'workerExit');
      assert.deepEqual(exits.map((e) => [e.workerId, e.reason]), [[1, 'setup-failed']]);
      assert.deepEqual(pool.stats().workerIds, [2]);
    });

    test(`${kind}: a teardown that throws is reported (event, stats) and close() completes`, async () => {
      const { env } = logFile();
      const pool = make({ env });
      const reported: Array<[TeardownError, WorkerInfo]> = [];
      pool.on('teardownError', (error, worker) => reported.push([error, worker]));
      assert.equal(await pool.run(badTeardown.ping, undefined), 'pong');
      await pool.close();
      assert.equal(reported.length, 1);
      const [error, worker] = reported[0] as [TeardownError, WorkerInfo];
      assert.ok(error instanceof TeardownError);
      assert.equal(error.code, 'ERR_BOUNDWISE_TEARDOWN');
      assert.match(error.message, /teardown\(\) of bad-teardown\.ts in (thread|process) \d+ threw: cannot close the connection/);
      assert.equal(worker.workerId, 1);
      assert.equal(pool.stats().teardownFailures, 1);
    });

    test(`${kind}: a teardown that hangs does not hold close() beyond teardownTimeout; it is reported`, async () => {
      const { env } = logFile({ BOUNDWISE_TEARDOWN: 'hang' });
      const pool = make({ env, teardownTimeout: 100 });
      const reported: TeardownError[] = [];
      pool.on('teardownError', (error) => reported.push(error));
      assert.equal(await pool.run(badTeardown.ping, undefined), 'pong');
      await pool.close();
      assert.equal(reported.length, 1);
      assert.match(reported[0]?.message ?? '', /did not finish within 100 ms \(teardownTimeout\)/);
      assert.equal(pool.stats().teardownFailures, 1);
    });
  }

  test('with nobody listening, a failed teardown is a process warning, not lost', async () => {
    const { env } = logFile();
    const pool = threads({ max: 1, env });
    await pool.run(badTeardown.ping, undefined);
    const warned = once(process, 'warning') as Promise<[Error & { code?: string }]>;
    await pool.close();
    const [warning] = await warned;
    assert.equal(warning.code, 'BOUNDWISE_TEARDOWN');
    assert.match(warning.message, /cannot close the connection/);
  });

  test('teardownTimeout is validated: finite ms', () => {
    for (const make of [threads, processes]) {
      assert.throws(() => make({ teardownTimeout: Infinity }), (e: unknown) => e instanceof OptionRangeError && /teardownTimeout/.test(e.message));
      assert.throws(() => make({ teardownTimeout: -1 }), OptionRangeError);
    }
  });
});
