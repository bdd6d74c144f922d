import { auto } from '../../../src/auto/index.js';
import { GRACE, type ContractFactory } from '../spec.js';

export const name: ContractFactory['name'] = 'auto';
export const create: ContractFactory['create'] = ({ slots, maxQueue, extra, cancelGrace = GRACE }) => {
  const q = maxQueue !== undefined ? { maxQueue } : {};
  // maxBlockingThreads: 0 keeps auto() to exactly `slots` threads, as the contract's queueing tests need;
  // headStart: false probes the contract's async tasks on threads too (on the loop they are loop()'s contract).
  return auto({
    ...q,
    maxBlockingThreads: 0,
    headStart: false,
    loop: { concurrency: slots, ...q },
    threads: { max: slots, cancelGrace, ...q },
    processes: { max: slots, cancelGrace, ...q },
    ...extra,
  });
};
export const createRaw: ContractFactory['createRaw'] = (options) => auto(options as Parameters<typeof auto>[0]);
// Unknown tasks are probed on threads, so inputs cross a boundary and runaway CPU can be stopped.
export const remote = true;
export const stopsRunaway = true;
export const badOptions: ContractFactory['badOptions'] = [
  { options: { pin: 'threads' }, option: 'pin', error: 'InvalidOptionError' },
  { options: { pin: { 'file:///x.js#y': 'gpu' } }, option: 'pin', error: 'InvalidOptionError' },
  { options: { probeRuns: 0 }, option: 'probeRuns', error: 'OptionRangeError' },
  { options: { headStart: 'yes' }, option: 'headStart', error: 'InvalidOptionError' },
  { options: { threads: { max: 0 } }, option: 'max', error: 'OptionRangeError' },
  { options: { loop: { concurrency: -1 } }, option: 'concurrency', error: 'OptionRangeError' },
  { options: { procesess: {} }, option: 'procesess', error: 'InvalidOptionError' },
];
