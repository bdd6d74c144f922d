/**
 * Issue 14 items 10 and 13: every option is validated before anything starts. A pool with
 * `min: 2` and one bad option throws at construction and leaves no thread or child behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { threads } from '../../src/threads/index.js';
import { processes } from '../../src/processes/index.js';
import { InvalidOptionError, type OptionRangeError } from '../../src/errors.js';

/** OS threads of this process (Linux): a worker thread adds one. */
function osThreads(): number {
  return Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
}
const children = () => process.getActiveResourcesInfo().filter((r) => r === 'ProcessWrap').length;
const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

test('threads({ min: 2, <a bad option> }) throws and starts no thread', async () => {
  const bad: Array<[object, string]> = [
    [{ workerData: { items: [1, { cb: () => 1 }] } }, 'workerData'],
    [{ env: { N: 1 } }, 'env'],
    [{ resourceLimits: { maxOldSpaceSizeMb: 64 } }, 'resourceLimits.maxOldSpaceSizeMb'],
    [{ maxTasksPerWorker: 0 }, 'maxTasksPerWorker'],
    [{ execArgv: '--inspect' }, 'execArgv'],
  ];
  const before = osThreads();
  for (const [options, option] of bad) {
    assert.throws(
      () => threads({ min: 2, max: 2, ...options }),
      (e: InvalidOptionError | OptionRangeError) => e.option === option,
      JSON.stringify(Object.keys(options)),
    );
  }
  await turns();
  assert.equal(osThreads(), before, 'no worker thread was started');
});

test('threads(): uncloneable workerData is named by its path, at construction', () => {
  assert.throws(
    () => threads({ workerData: { items: [1, { cb: () => 1 }] } }),
    (e: InvalidOptionError) => {
      assert.ok(e instanceof InvalidOptionError);
      assert.match(e.message, /workerData\.items\[1\]\.cb: functions cannot be cloned/);
      return true;
    },
  );
});

test('processes({ min: 2, <a bad option> }) throws and starts no child', async () => {
  const bad: Array<[object, string]> = [
    [{ env: { N: 1 } }, 'env'],
    [{ stdio: 'ignore' }, 'stdio'],
    [{ killTimeout: Infinity }, 'killTimeout'],
    [{ cwd: 42 }, 'cwd'],
    [{ maxMemoryMb: 0 }, 'maxMemoryMb'],
  ];
  for (const [options, option] of bad) {
    assert.throws(
      () => processes({ min: 2, max: 2, ...options }),
      (e: InvalidOptionError | OptionRangeError) => e.option === option,
      JSON.stringify(Object.keys(options)),
    );
  }
  await turns();
  assert.equal(children(), 0, 'no child process was started');
});
