import { threads } from '../../../src/threads/index.js';
import { GRACE, type ContractFactory } from '../spec.js';

export const name: ContractFactory['name'] = 'threads';
export const create: ContractFactory['create'] = ({ slots, maxQueue, extra, cancelGrace = GRACE }) =>
  threads({ max: slots, cancelGrace, ...(maxQueue !== undefined && { maxQueue }), ...extra });
export const createRaw: ContractFactory['createRaw'] = (options) => threads(options as Parameters<typeof threads>[0]);
export const remote = true;
export const stopsRunaway = true;
export const badOptions: ContractFactory['badOptions'] = [
  { options: { max: 0 }, option: 'max', error: 'OptionRangeError' },
  { options: { max: 'two' }, option: 'max', error: 'InvalidOptionError' },
  { options: { max: 1.5 }, option: 'max', error: 'OptionRangeError' },
  { options: { min: 3, max: 2 }, option: 'min', error: 'OptionRangeError' },
  { options: { idleTimeout: -1 }, option: 'idleTimeout', error: 'OptionRangeError' },
  { options: { maxQueue: -1 }, option: 'maxQueue', error: 'OptionRangeError' },
  { options: { cancelGrace: 'soon' }, option: 'cancelGrace', error: 'InvalidOptionError' },
  { options: { execArgv: '--foo' }, option: 'execArgv', error: 'InvalidOptionError' },
  { options: { resourceLimits: 5 }, option: 'resourceLimits', error: 'InvalidOptionError' },
  { options: { maxQeue: 5 }, option: 'maxQeue', error: 'InvalidOptionError' },
  { options: { resourceLimits: { maxOldSpaceSizeMb: 64 } }, option: 'resourceLimits.maxOldSpaceSizeMb', error: 'InvalidOptionError' },
  { options: { resourceLimits: new Map() }, option: 'resourceLimits', error: 'InvalidOptionError' },
  { options: { env: { N: 1 } }, option: 'env', error: 'InvalidOptionError' },
  { options: { env: new Map([['N', '1']]) }, option: 'env', error: 'InvalidOptionError' },
  { options: { min: 1, workerData: { cb: () => 1 } }, option: 'workerData', error: 'InvalidOptionError' },
  { options: new Date(), option: 'options', error: 'InvalidOptionError' },
  { options: [], option: 'options', error: 'InvalidOptionError' },
  { options: { min: 2, max: 2, maxTasksPerWorker: 0 }, option: 'maxTasksPerWorker', error: 'OptionRangeError' },
  { options: { concurrentTasksPerWorker: 0 }, option: 'concurrentTasksPerWorker', error: 'OptionRangeError' },
];
