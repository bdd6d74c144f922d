/**
 * 5. Tiny tasks — counting tokens in thousands of short strings: inline against processes() one per message, processes() in chunks, and auto().
 *
 * The scenario's code is src/demo/scenarios/tiny.ts (its task module: src/demo/tasks/tokens.ts),
 * compiled into the package so `npx boundwise demo` runs it too.
 * Run it alone:   npx tsx examples/tiny/main.ts [--quick] [--json | --json=FILE]
 * Or import it:   const result = await run({ quick: true });
 */
import { tiny } from '../../src/demo/index.js';
import { demoMain } from '../../src/demo/main.js';
import { isMain } from '../lib/is-main.js';

export const run = tiny.run;

if (isMain(import.meta.url)) await demoMain(process.argv.slice(2), tiny.id);
