// The contract suite against cluster(): a real redis-server and two real
// `boundwise worker` processes (threads executor; concurrency 1 and 2, and one for the runaway case).
import { after, describe } from 'node:test';
import { redisSkip, startRedis } from '../helpers/redis.js';
import { startWorker } from '../cluster/harness.js';
import { defineContract } from './contract.js';
import { GRACE } from './spec.js';

if (redisSkip) {
  describe('executor contract: cluster.ts', { skip: redisSkip }, () => {});
} else {
  const redis = await startRedis();
  process.env.BOUNDWISE_TEST_REDIS = redis.url;
  // A long --cancel-grace (the factories' GRACE), so a task that obeys its signal slowly on a loaded
  // machine is never killed before it reports; the runaway case gets its own worker with a short one.
  const workers = await Promise.all([
    startWorker({ redis: redis.url, queue: 'contract-1', concurrency: 1, cancelGrace: GRACE }),
    startWorker({ redis: redis.url, queue: 'contract-2', concurrency: 2, cancelGrace: GRACE }),
    startWorker({ redis: redis.url, queue: 'contract-runaway', concurrency: 1, cancelGrace: 200 }),
  ]);
  // A hang must say where it is: every 60 s, what the open executors still wait for, and the workers' last words.
  const { stallReport } = await import('./factories/cluster.js');
  const stall = setInterval(() => {
    const tails = workers.map((w) => `worker ${w.pid}: ${w.stderr().split('\n').filter((l) => l && !l.includes('"health"')).slice(-4).join(' | ')}`);
    process.stderr.write(`[cluster contract, still waiting]\n${stallReport()}\n${tails.join('\n')}\n`);
  }, 60_000);
  stall.unref();
  after(async () => {
    clearInterval(stall);
    await Promise.all(workers.map((w) => w.stop()));
    await redis.close();
  });
  defineContract(new URL('./factories/cluster.ts', import.meta.url));
}
