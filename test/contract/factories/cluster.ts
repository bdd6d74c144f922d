// cluster() against real `boundwise worker` processes on a real redis-server,
// started by test/contract/cluster.test.ts, which passes their queue names here
// through the environment (so the exit check's child process finds them too).
import { cluster } from '../../../src/cluster/index.js';
import type { ContractFactory } from '../spec.js';

const env = () => {
  const url = process.env.BOUNDWISE_TEST_REDIS;
  if (!url) throw new Error('BOUNDWISE_TEST_REDIS is not set: run through test/contract/cluster.test.ts');
  return url;
};
const root = new URL('../../../', import.meta.url);

export const name: ContractFactory['name'] = 'cluster';
/** One worker per slot count: queue contract-1 has a worker of concurrency 1, contract-2 of concurrency 2. */
export const create: ContractFactory['create'] = ({ slots, maxQueue, extra }) =>
  cluster({ connection: env(), queue: `contract-${Math.min(slots, 2)}`, root, ...(maxQueue !== undefined && { maxQueue }), ...extra });
export const createRaw: ContractFactory['createRaw'] = (options) => cluster(options as Parameters<typeof cluster>[0]);
export const remote = true;
export const stopsRunaway = true;
export const badOptions: ContractFactory['badOptions'] = [
  { options: { queue: 'q' }, option: 'connection', error: 'InvalidOptionError' },
  { options: { connection: 42, queue: 'q' }, option: 'connection', error: 'InvalidOptionError' },
  { options: { connection: 'http://x', queue: 'q' }, option: 'connection', error: 'InvalidOptionError' },
  { options: { connection: 'redis://h', queue: 'bad name' }, option: 'queue', error: 'InvalidOptionError' },
  { options: { connection: 'redis://h', queue: 'q', attempts: 0 }, option: 'attempts', error: 'OptionRangeError' },
  { options: { connection: 'redis://h', queue: 'q', maxQueue: -1 }, option: 'maxQueue', error: 'OptionRangeError' },
  { options: { connection: 'redis://h', queue: 'q', backoff: { type: 'linear', delay: 1 } }, option: 'backoff', error: 'InvalidOptionError' },
  { options: { connection: 'redis://h', queue: 'q', connectTimeout: 'soon' }, option: 'connectTimeout', error: 'InvalidOptionError' },
  { options: { connection: 'redis://h', queue: 'q', maxInput: 0 }, option: 'maxInput', error: 'OptionRangeError' },
  { options: { connection: 'redis://h', queue: 'q', root: '/no/such/dir' }, option: 'root', error: 'InvalidOptionError' },
  { options: { connection: 'redis://h', queue: 'q', maxQeue: 1 }, option: 'maxQeue', error: 'InvalidOptionError' },
];
