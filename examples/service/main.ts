/**
 * 4. A backend service — /aggregate (two upstream calls), /thumbnail (CPU), /health under bounded load: /health p99 with /thumbnail inline against offloaded.
 *
 * The scenario's code is src/demo/scenarios/service.ts (its task module: src/demo/tasks/image.ts),
 * compiled into the package so `npx boundwise demo` runs it too.
 * Run it alone:   npx tsx examples/service/main.ts [--quick] [--json | --json=FILE]
 * Or import it:   const result = await run({ quick: true });
 */
import { service } from '../../src/demo/index.js';
import { demoMain } from '../../src/demo/main.js';
import { isMain } from '../lib/is-main.js';

export const run = service.run;

if (isMain(import.meta.url)) await demoMain(process.argv.slice(2), service.id);
