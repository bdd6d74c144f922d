import type { CAC } from 'cac';
import { register as classify } from './classify.js';
import { register as watch } from './watch.js';
import { register as demo } from './demo.js';
import { register as bench } from './bench.js';
import { register as worker } from './worker.js';

/** Every CLI command registers itself here; one import per command file. */
export const commands: Array<(cli: CAC) => void> = [classify, watch, demo, bench, worker];
