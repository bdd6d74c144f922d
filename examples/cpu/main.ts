/**
 * 2. Heavy computation — blurring generated images in plain TypeScript, tens of ms each, buffers transferred: sequential, loop(), threads(), processes(), auto().
 *
 * The scenario's code is src/demo/scenarios/cpu.ts (its task module: src/demo/tasks/image.ts),
 * compiled into the package so `npx boundwise demo` runs it too.
 * Run it alone:   npx tsx examples/cpu/main.ts [--quick] [--json | --json=FILE]
 * Or import it:   const result = await run({ quick: true });
 */
import { cpu } from '../../src/demo/index.js';
import { demoMain } from '../../src/demo/main.js';
import { isMain } from '../lib/is-main.js';

export const run = cpu.run;

if (isMain(import.meta.url)) await demoMain(process.argv.slice(2), cpu.id);
