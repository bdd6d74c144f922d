/** The demo's scenarios, in the order they run. */
import { scenario as apis } from './apis.js';
import { scenario as cpu } from './cpu.js';
import { scenario as sqlite } from './sqlite.js';
import { scenario as service } from './service.js';
import { scenario as tiny } from './tiny.js';
import { scenario as pipeline } from './pipeline.js';
import type { Scenario } from '../types.js';

export const scenarios: readonly Scenario[] = [apis, cpu, sqlite, service, tiny, pipeline];
export { apis, cpu, sqlite, service, tiny, pipeline };
