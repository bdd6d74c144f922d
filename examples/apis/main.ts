/**
 * 1. Calling many APIs — 100 requests to a local server that answers after 50 ms: sequential, loop(), threads(), processes(), auto().
 *
 * The scenario's code is src/demo/scenarios/apis.ts (its task module: src/demo/tasks/apis.ts),
 * compiled into the package so `npx boundwise demo` runs it too.
 * Run it alone:   npx tsx examples/apis/main.ts [--quick] [--json | --json=FILE]
 * Or import it:   const result = await run({ quick: true });
 */
import { apis } from '../../src/demo/index.js';
import { demoMain } from '../../src/demo/main.js';
import { isMain } from '../lib/is-main.js';

export const run = apis.run;

if (isMain(import.meta.url)) await demoMain(process.argv.slice(2), apis.id);
