// cluster() against real `boundwise worker` processes on a real redis-server,
// started by test/contract/cluster.test.ts, which passes their queue names here
// through the environment (so the exit check's child process finds them too).
import { cluster } from '../../../src/cluster/index.js';
import { GRACE, type ContractFactory } from '../spec.js';

const env = () => {
  const url = process.env.BOUNDWISE_TEST_REDIS;
  if (!url) throw new Error('BOUNDWISE_TEST_REDIS is not set: run through test/contract/cluster.test.ts');
  return url;
};
const root = new URL('../../../', import.meta.url);

export const name: ContractFactory['name'] = 'cluster';
/** One worker per slot count: queue contract-1 has a worker of concurrency 1, contract-2 of concurrency 2. */
export const create: ContractFactory['create'] = ({ slots, maxQueue, extra, cancelGrace }) => {
  // cancelGrace is the worker's (--cancel-grace): a short one means the worker started for the runaway case.
  const queue = cancelGrace !== undefined && cancelGrace < GRACE ? 'contract-runaway' : `contract-${Math.min(slots, 2)}`;
  const c = cluster({ connection: env(), queue, root, ...(maxQueue !== undefined && { maxQueue }), ...extra });
  open.add(c);
  return c;
};

/** Executors not yet closed, for the stall report (test/contract/cluster.test.ts). */
export const open = new Set<ReturnType<typeof cluster>>();

/** What each open executor still waits for: a test that hangs says where. */
export function stallReport(): string {
  const lines: string[] = [];
  for (const c of open) {
    const jobs = (c as unknown as { jobs: Map<string, { id: string; label: string; state: string; sent: boolean; held: boolean }>; closing?: unknown }).jobs;
    if ((c as unknown as { closing?: unknown }).closing && jobs.size === 0) {
      open.delete(c);
      continue;
    }
    lines.push(`${c.stats().queue}: ${[...jobs.values()].map((j) => `${j.id} ${j.label} ${j.state}${j.sent ? ' sent' : ''}${j.held ? ' held' : ''}`).join('; ') || 'nothing pending'}`);
  }
  return lines.join('\n');
}
/**
 * Every job of this executor answered by Redis: a removal sent after that reaches Redis
 * before any later take by a worker (one connection, commands in order). A removal racing
 * an unanswered add can lose to a fast worker; the job then starts and its signal is aborted.
 */
export const synced: NonNullable<ContractFactory['synced']> = async (executor) => {
  const jobs = (executor as unknown as { jobs: Map<string, { added?: Promise<unknown> }> }).jobs;
  await Promise.all([...jobs.values()].map((p) => p.added?.catch(() => {})));
};
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
