import { loop } from '../../../src/loop/index.js';
import type { ContractFactory } from '../spec.js';

export const name: ContractFactory['name'] = 'loop';
export const create: ContractFactory['create'] = ({ slots, maxQueue, extra }) =>
  loop({ concurrency: slots, ...(maxQueue !== undefined && { maxQueue }), ...extra });
export const createRaw: ContractFactory['createRaw'] = (options) => loop(options as Parameters<typeof loop>[0]);
export const remote = false;
export const stopsRunaway = false;
export const badOptions: ContractFactory['badOptions'] = [
  { options: { concurrency: 0 }, option: 'concurrency', error: 'OptionRangeError' },
  { options: { concurrency: 'many' }, option: 'concurrency', error: 'InvalidOptionError' },
  { options: { concurrency: 2.5 }, option: 'concurrency', error: 'OptionRangeError' },
  { options: { maxQueue: -1 }, option: 'maxQueue', error: 'OptionRangeError' },
  { options: { rate: 10 }, option: 'rate', error: 'InvalidOptionError' },
  { options: { rate: { limit: 0, interval: 1000 } }, option: 'rate.limit', error: 'OptionRangeError' },
  { options: { rate: { limit: 5 } }, option: 'rate.interval', error: 'InvalidOptionError' },
  { options: { rate: { limit: 5, interval: 0 } }, option: 'rate.interval', error: 'OptionRangeError' },
  { options: { rate: { limit: 5, interval: 1000, burst: 2 } }, option: 'rate.burst', error: 'InvalidOptionError' },
  { options: { rate: new Date() }, option: 'rate', error: 'InvalidOptionError' },
  { options: { rate: { limit: 5, interval: NaN } }, option: 'rate.interval', error: 'InvalidOptionError' },
  { options: new Map([['concurrency', 2]]), option: 'options', error: 'InvalidOptionError' },
  { options: [{ concurrency: 2 }], option: 'options', error: 'InvalidOptionError' },
  { options: { clock: { now: 1 } }, option: 'clock', error: 'InvalidOptionError' },
  { options: { concurrrency: 5 }, option: 'concurrrency', error: 'InvalidOptionError' },
];
