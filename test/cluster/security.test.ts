/**
 * A job is data, never code: jobs written straight into Redis (as another
 * machine could) that name modules outside the worker's --root, URLs or
 * built-ins fail with TaskNotFoundError and nothing is imported; oversized
 * inputs fail before decoding; a password-protected Redis works with the right
 * password and fails clearly, without hanging, with a wrong one.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Queue, QueueEvents } from 'bullmq';
import { cluster } from '../../src/cluster/index.js';
import { decodeFailure, decodeValue, encodeInput, type JobData } from '../../src/cluster/wire.js';
import { ClusterUnavailableError, TaskInputError } from '../../src/errors.js';
import { tasks } from '../../src/task.js';
import { Gate } from '../helpers/gate.js';
import { rejection } from '../helpers/rejection.js';
import { redisSkip, startRedis, type TestRedis } from '../helpers/redis.js';
import { startWorker, type WorkerProcess } from './harness.js';

describe('cluster security', { skip: redisSkip }, () => {
  let redis: TestRedis;
  let gate: Gate;
  let base: string;
  let root: string;
  let marker: string;
  let worker: WorkerProcess;
  let queue: Queue;
  let events: QueueEvents;
  let seq = 0;
  const Q = 'secure';

  before(async () => {
    redis = await startRedis();
    gate = await Gate.start();
    base = realpathSync(mkdtempSync(join(tmpdir(), 'boundwise-sec-')));
    root = join(base, 'root');
    mkdirSync(root);
    mkdirSync(join(base, 'outside'));
    marker = join(base, 'pwned');
    // Importing this module at all would be visible: it calls the gate at load time.
    const evil = `await fetch(${JSON.stringify(`${gate.url}/hit/evil-imported`)});\nexport function run() { return 'ran'; }\n`;
    writeFileSync(join(base, 'outside', 'evil.mjs'), evil);
    writeFileSync(join(root, 'tasks.mjs'), 'export function hello(name) { return `hello ${name}`; }\nexport const notAFunction = 42;\n');
    symlinkSync(join(base, 'outside', 'evil.mjs'), join(root, 'link.mjs'));
    worker = await startWorker({ redis: redis.url, queue: Q, executor: 'loop', root, extra: ['--max-input', '1000'] });
    queue = new Queue(Q, { connection: { host: '127.0.0.1', port: redis.port } });
    // From the stream's start, not '$': "ready" is the connection, not the first XREAD, and a job
    // that finished between the two would be waited for forever (seen once on a loaded machine).
    events = new QueueEvents(Q, { connection: { host: '127.0.0.1', port: redis.port }, lastEventId: '0-0' });
    await events.waitUntilReady();
  });
  after(async () => {
    await worker.stop();
    await events.close();
    await queue.close();
    await gate.close();
    await redis.close();
    rmSync(base, { recursive: true, force: true });
  });

  /** Write a job straight into Redis, as anyone with access could, and return how it ended. */
  async function rawJob(data: Partial<JobData> & Record<string, unknown>) {
    const job = await queue.add('raw', { v: 1, i: encodeInput(undefined), x: 'run', ...data }, { jobId: `raw-${++seq}` });
    try {
      return { value: await job.waitUntilFinished(events) };
    } catch {
      const done = await queue.getJob(job.id!);
      return { error: decodeFailure(done!.stacktrace ?? undefined) as Error & { code: string; remote: { host: string; jobId: string } }, id: job.id! };
    }
  }

  const refusals: Array<[string, Partial<JobData> & Record<string, unknown>]> = [
    ['path traversal', { m: '../outside/evil.mjs' }],
    ['an absolute path', { m: '' }],
    ['a symlink out of the root', { m: 'link.mjs' }],
    ['node:child_process', { m: 'node:child_process', x: 'execSync' }],
    ['a bare built-in', { m: 'child_process', x: 'execSync' }],
    ['a data: URL', { m: 'data:text/javascript,export function run() { return 1 }' }],
    ['a file: URL', { m: '' }],
    ['an http: URL', { m: '' }],
    ['a package not allowed', { m: 'package:typescript', x: 'transpile' }],
  ];
  for (const [what, data] of refusals) {
    test(`refused, never imported: ${what}`, async () => {
      if (what === 'an absolute path') data.m = join(base, 'outside', 'evil.mjs');
      if (what === 'a file: URL') data.m = pathToFileURL(join(base, 'outside', 'evil.mjs')).href;
      if (what === 'an http: URL') data.m = `${gate.url}/evil.mjs`;
      if (data.x === 'execSync') data.i = encodeInput(`touch ${marker}`);
      const { error, id } = await rawJob(data);
      assert.ok(error, 'the job failed');
      assert.equal(error.name, 'TaskNotFoundError');
      assert.equal(error.code, 'ERR_BOUNDWISE_TASK_NOT_FOUND');
      assert.match(error.message, /was not loaded/);
      assert.match(error.message, new RegExp(`job ${id}`));
      assert.equal(error.remote.host.length > 0, true, 'the worker host is named');
      await worker.event('job-refused', (l) => l.job === id);
      assert.equal(gate.count('evil-imported'), 0, 'the module was never imported');
      assert.equal(gate.count('evil.mjs'), 0);
      assert.equal(existsSync(marker), false, 'nothing was executed');
    });
  }

  test('only exported functions run; a module under the root works', async () => {
    const r = await rawJob({ m: 'tasks.mjs', x: 'hello', i: encodeInput('you') });
    assert.equal(r.error, undefined);
    assert.equal(decodeValue(String(r.value)), 'hello you');
  });

  test('an exported value that is not a function, or a prototype name: TaskNotFoundError', async () => {
    for (const x of ['notAFunction', 'constructor', '__proto__', 'toString']) {
      const { error } = await rawJob({ m: 'tasks.mjs', x });
      assert.equal(error?.name, 'TaskNotFoundError', x);
      assert.match(error!.message, /hello/, 'lists what it does export');
    }
  });

  test('oversized input: refused by the worker before decoding; the client refuses first with maxInput', async () => {
    const { error } = await rawJob({ m: 'tasks.mjs', x: 'hello', i: 'A'.repeat(2000) });
    assert.equal(error?.name, 'TaskInputError');
    assert.match(error!.message, /2000 bytes encoded, above this worker's --max-input 1000; it was not decoded/);
    const c = cluster({ connection: redis.url, queue: Q, root, maxInput: 1000 });
    const e = await rejection(c.run(tasks<{ hello(n: string): string }>(pathToFileURL(join(root, 'tasks.mjs'))).hello, 'x'.repeat(2000)));
    assert.ok(e instanceof TaskInputError);
    assert.match(e.message, /above maxInput 1000/);
    await c.close();
  });

  test('password-protected Redis: right password works; wrong password fails clearly, at once, password never shown', async () => {
    const pw = 's3cret-Pa55';
    const locked = await startRedis({ password: pw });
    try {
      const good = await startWorker({ redis: locked.url, queue: Q, executor: 'loop', root, env: { BOUNDWISE_REDIS_PASSWORD: pw } });
      const t = tasks<{ hello(n: string): string }>(pathToFileURL(join(root, 'tasks.mjs')));
      const c = cluster({ connection: `redis://:${pw}@127.0.0.1:${locked.port}`, queue: Q, root });
      assert.equal(await c.run(t.hello, 'locked'), 'hello locked');
      const s = await c.refreshStats();
      assert.equal(s.connection, `redis://:***@127.0.0.1:${locked.port}`);
      assert.ok(!JSON.stringify(s).includes(pw), 'stats() never holds the password');
      await c.close();
      await good.stop();
      assert.ok(!good.stderr().includes(pw), 'worker logs never hold the password');

      const wrong = cluster({ connection: { url: locked.url, password: 'wrong-one' }, queue: Q, root, connectTimeout: 60_000 });
      const e = await rejection(wrong.run(t.hello, 'x'));
      assert.ok(e instanceof ClusterUnavailableError, `${e.name}: ${e.message}`);
      assert.match(e.message, /refused the credentials/);
      assert.ok(!e.message.includes('wrong-one') && !String(e.stack).includes('wrong-one'));
      await wrong.close();

      const bad = await startWorker({ redis: `redis://:wrong-one@127.0.0.1:${locked.port}`, queue: Q, root, ready: false, extra: ['--connect-timeout', '60000'] });
      const exit = await bad.exited;
      assert.equal(exit.code, 1);
      assert.match(bad.stderr(), /refused the credentials/);
      assert.ok(!bad.stderr().includes('wrong-one'));
    } finally {
      await locked.close();
    }
  });
});
