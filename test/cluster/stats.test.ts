// stats(): Redis queue depths, the workers seen and each worker's model choice per task.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { tasks } from '../../src/task.js';
import { cluster } from '../../src/cluster/index.js';
import { redisSkip, startRedis } from '../helpers/redis.js';
import { repoRoot, startWorker } from './harness.js';

const t = tasks<typeof import('./fixtures/tasks.js')>(new URL('./fixtures/tasks.ts', import.meta.url));

test('stats(): depths from Redis, workers seen with their auto() choices, a rate limit applied', { skip: redisSkip }, async () => {
  const redis = await startRedis();
  const w = await startWorker({ redis: redis.url, queue: 'stats', executor: 'auto', concurrency: 2 });
  try {
    await using c = cluster({ connection: redis.url, queue: 'stats', root: repoRoot, rateLimit: { max: 1000, duration: 1000 } });
    const out: number[] = [];
    for await (const v of c.map(t.triple, [1, 2, 3, 4])) out.push(v);
    assert.deepEqual(out, [3, 6, 9, 12]);
    // Health records come every 300 ms here: wait for one written after the runs (no timing asserted).
    let s = await c.refreshStats();
    while (!s.workersSeen[0]?.models['tasks.ts#triple']) {
      await sleep(100);
      s = await c.refreshStats();
    }
    const seen = s.workersSeen[0]!;
    assert.equal(seen.pid, w.pid);
    assert.equal(seen.alive, true);
    assert.equal(seen.executor, 'auto');
    assert.ok(['loop', 'threads', 'processes'].includes(seen.models['tasks.ts#triple']!));
    assert.equal(s.workers, 1);
    assert.equal(s.redis?.completed, 4);
    assert.equal(s.redis?.waiting, 0);
    assert.equal(s.completed, 4);
    assert.equal(s.connected, true);
    assert.ok(Object.isFrozen(s) && Object.isFrozen(s.workersSeen));
    const direct = new Redis({ host: '127.0.0.1', port: redis.port });
    const meta = await direct.hgetall('bull:stats:meta');
    await direct.quit();
    assert.equal(meta.max, '1000', "the rate limit is BullMQ's global one");
  } finally {
    await w.stop();
    await redis.close();
  }
});
