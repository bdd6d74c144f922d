/**
 * 6. The guides' pipeline — fetch documents (async), extract features (CPU), write them in batches
 * through better-sqlite3 (blocking): sequential, a naive chain on the event loop, Promise.all per
 * stage, and pipeline() with and without tune: true.
 *
 * The scenario's code is src/demo/scenarios/pipeline.ts (its task module: src/demo/tasks/docs.ts),
 * compiled into the package so `npx boundwise demo` runs it too.
 * Run it alone:   npx tsx examples/pipeline/main.ts [--quick] [--json | --json=FILE]
 * Or import it:   const result = await run({ quick: true });
 */
import { pipeline } from '../../src/demo/index.js';
import { demoMain } from '../../src/demo/main.js';
import { isMain } from '../lib/is-main.js';

export const run = pipeline.run;

if (isMain(import.meta.url)) await demoMain(process.argv.slice(2), pipeline.id);
