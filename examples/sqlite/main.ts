/**
 * 3. A blocking database driver — real SQLite queries through better-sqlite3 (synchronous) on the event loop against threads(), while a timer should tick every 10 ms.
 *
 * The scenario's code is src/demo/scenarios/sqlite.ts (its task module: src/demo/tasks/sqlite.ts),
 * compiled into the package so `npx boundwise demo` runs it too.
 * Run it alone:   npx tsx examples/sqlite/main.ts [--quick] [--json | --json=FILE]
 * Or import it:   const result = await run({ quick: true });
 */
import { sqlite } from '../../src/demo/index.js';
import { demoMain } from '../../src/demo/main.js';
import { isMain } from '../lib/is-main.js';

export const run = sqlite.run;

if (isMain(import.meta.url)) await demoMain(process.argv.slice(2), sqlite.id);
