import { processes } from '../../../src/processes/index.js';
import { GRACE, type ContractFactory } from '../spec.js';

export const name: ContractFactory['name'] = 'processes';
export const create: ContractFactory['create'] = ({ slots, maxQueue, extra, cancelGrace = GRACE }) =>
  processes({ max: slots, cancelGrace, killTimeout: 500, ...(maxQueue !== undefined && { maxQueue }), ...extra });
export const createRaw: ContractFactory['createRaw'] = (options) => processes(options as Parameters<typeof processes>[0]);
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
  { options: { killTimeout: -1 }, option: 'killTimeout', error: 'OptionRangeError' },
  { options: { killTimeout: Infinity }, option: 'killTimeout', error: 'OptionRangeError' },
  { options: { maxTasksPerChild: 0 }, option: 'maxTasksPerChild', error: 'OptionRangeError' },
  { options: { maxMemoryMb: 'lots' }, option: 'maxMemoryMb', error: 'InvalidOptionError' },
  { options: { maxMemoryMb: 0 }, option: 'maxMemoryMb', error: 'OptionRangeError' },
  { options: { execArgv: '--foo' }, option: 'execArgv', error: 'InvalidOptionError' },
  { options: { env: 'PATH=/bin' }, option: 'env', error: 'InvalidOptionError' },
  { options: { env: { N: 1 } }, option: 'env', error: 'InvalidOptionError' },
  { options: { cwd: 42 }, option: 'cwd', error: 'InvalidOptionError' },
  { options: { stdio: 'ignore' }, option: 'stdio', error: 'InvalidOptionError' },
  { options: { maxTasksPerWorker: 5 }, option: 'maxTasksPerWorker', error: 'InvalidOptionError' },
  { options: { env: new Map([['N', '1']]) }, option: 'env', error: 'InvalidOptionError' },
  { options: new Map([['max', 2]]), option: 'options', error: 'InvalidOptionError' },
  { options: [], option: 'options', error: 'InvalidOptionError' },
  { options: { min: 2, max: 2, stdio: 'ignore' }, option: 'stdio', error: 'InvalidOptionError' },
  { options: { concurrentTasksPerWorker: 0 }, option: 'concurrentTasksPerWorker', error: 'OptionRangeError' },
];
