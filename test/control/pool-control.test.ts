/**
 * Pool-only queue control: resize({ min, max }) at run time (down while workers
 * are busy, up with work waiting), recycleWorkers(), worker events with their
 * reasons, crash, needsDrain / drain. Real threads and processes; gates, not timing.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { threads } from '../../src/threads/index.js';
import { processes } from '../../src/processes/index.js';
import { tasks } from '../../src/task.js';
import { OptionRangeError, InvalidOptionError, WorkerCrashedError } from '../../src/errors.js';
import type { WorkerExit, WorkerInfo } from '../../src/control.js';
import { Gate } from '../helpers/gate.js';

const t = tasks<typeof import('../fixtures/tasks.js')>(new URL('../fixtures/tasks.ts', import.meta.url));

describe('pool queue control', () => {
  let gate: Gate;
  before(async () => {
    gate = await Gate.start();
  });
  after(async () => {
    await gate.close();
  });
  let seq = 0;
  const name = (base: string) => `${base}-${++seq}`;

  test('resize down while every worker is busy: no task fails, busy workers retire as they finish', async () => {
    await using pool = threads({ max: 3 });
    const exits: WorkerExit[] = [];
    pool.on('workerExit', (e) => exits.push(e));
    const names = [1, 2, 3].map(() => name('busy'));
    const held = names.map((n) => pool.run(t.hold, { gate: gate.url, name: n }));
    for (const n of names) await gate.arrived(n);
    assert.equal(pool.stats().workers, 3);
    const queued = [1, 2, 3, 4].map((n) => pool.run(t.echo, n));
    pool.resize({ max: 1 });
    assert.equal(pool.pending, 3, 'running tasks are not touched');
    for (const n of names) gate.open(n);
    assert.deepEqual(await Promise.all(held), names.map((n) => `${n}:open`));
    assert.deepEqual(await Promise.all(queued), [1, 2, 3, 4]);
    await pool.onIdle();
    while (exits.length < 2) await new Promise((r) => setImmediate(r));
    assert.equal(pool.stats().workers, 1);
    assert.deepEqual(exits.map((e) => e.reason), ['resize', 'resize']);
  });

  test('resize up with work waiting starts workers at once; min starts them with none', async () => {
    await using pool = threads({ max: 1 });
    const h = name('one');
    const first = pool.run(t.hold, { gate: gate.url, name: h });
    await gate.arrived(h);
    const h2 = name('two');
    const second = pool.run(t.hold, { gate: gate.url, name: h2 });
    assert.equal(pool.size, 1);
    pool.resize({ max: 2 });
    assert.equal(pool.size, 0, 'the waiting task was sent to a new worker');
    await gate.arrived(h2);
    gate.open(h);
    gate.open(h2);
    await Promise.all([first, second]);
    pool.resize({ min: 2, max: 2 });
    assert.equal(pool.stats().workers, 2);
    assert.throws(() => pool.resize({ min: 3, max: 2 }), InvalidOptionError);
    assert.throws(() => pool.resize({ max: 0 }), OptionRangeError);
  });

  test('recycleWorkers(): idle workers now, busy ones when free; queued work runs on new workers', async () => {
    await using pool = processes({ max: 2, min: 1, killTimeout: 500 });
    const created: WorkerInfo[] = [];
    const exits: WorkerExit[] = [];
    pool.on('workerCreate', (w) => created.push(w));
    pool.on('workerExit', (e) => exits.push(e));
    const h = name('recycle');
    const busy = pool.run(t.hold, { gate: gate.url, name: h });
    await gate.arrived(h);
    const queued = [pool.run(t.echo, 'a'), pool.run(t.echo, 'b')];
    pool.recycleWorkers();
    created.length = 0; // from here on: replacements only
    gate.open(h);
    assert.equal(await busy, `${h}:open`);
    assert.deepEqual(await Promise.all(queued), ['a', 'b']);
    await pool.onIdle();
    while (exits.filter((e) => e.reason === 'recycled').length < 1) await new Promise((r) => setImmediate(r));
    assert.ok(created.length >= 1, 'replacements were started');
    assert.ok(exits.every((e) => e.reason === 'recycled'), JSON.stringify(exits));
    assert.ok(created.every((c) => exits.every((e) => e.workerId !== c.workerId)), 'the new workers are not the old ones');
  });

  test('crash event and workerExit reason "crash"; the pool goes on', async () => {
    await using pool = threads({ max: 1 });
    const crashes: WorkerCrashedError[] = [];
    const exits: WorkerExit[] = [];
    pool.on('crash', (e) => crashes.push(e));
    pool.on('workerExit', (e) => exits.push(e));
    await assert.rejects(pool.run(t.exitsOn, { n: 1, crashAt: 1 }), WorkerCrashedError);
    assert.equal(crashes.length, 1);
    assert.ok(crashes[0] instanceof WorkerCrashedError);
    assert.equal(exits[0]?.reason, 'crash');
    assert.equal(exits[0]?.exitCode, 5);
    assert.equal(await pool.run(t.echo, 'after'), 'after');
  });

  test('needsDrain when the queue reaches maxQueue, drain when it falls below', async () => {
    await using pool = threads({ max: 1, maxQueue: 2 });
    const log: string[] = [];
    pool.on('needsDrain', () => log.push('needsDrain'));
    pool.on('drain', () => log.push('drain'));
    const h = name('drain');
    const holder = pool.run(t.hold, { gate: gate.url, name: h });
    await gate.arrived(h);
    const queued = [pool.run(t.echo, 1), pool.run(t.echo, 2)];
    assert.equal(pool.needsDrain, true);
    assert.deepEqual(log, ['needsDrain']);
    gate.open(h);
    await Promise.all([holder, ...queued]);
    assert.equal(pool.needsDrain, false);
    assert.deepEqual(log, ['needsDrain', 'drain']);
  });
});
