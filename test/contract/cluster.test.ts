// The contract suite against cluster(): a real redis-server and two real
// `boundwise worker` processes (threads executor; concurrency 1 and 2).
import { after, describe } from 'node:test';
import { redisSkip, startRedis } from '../helpers/redis.js';
import { startWorker } from '../cluster/harness.js';
import { defineContract } from './contract.js';

if (redisSkip) {
  describe('executor contract: cluster.ts', { skip: redisSkip }, () => {});
} else {
  const redis = await startRedis();
  process.env.BOUNDWISE_TEST_REDIS = redis.url;
  const workers = await Promise.all([
    startWorker({ redis: redis.url, queue: 'contract-1', concurrency: 1 }),
    startWorker({ redis: redis.url, queue: 'contract-2', concurrency: 2 }),
  ]);
  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await redis.close();
  });
  defineContract(new URL('./factories/cluster.ts', import.meta.url));
}
