/**
 * `npm run demo`: the five scenarios measured side by side, one table each.
 *   npm run demo -- --quick            reduced sizes (a few seconds per scenario)
 *   npm run demo -- --json             the results as JSON on stdout instead of the tables
 *   npm run demo -- --json=out.json    the tables, and the JSON written to out.json
 *   npm run demo -- --only=cpu,tiny    some scenarios only
 * The same runs compiled as `npx boundwise demo`.
 */
import { demoMain } from '../../src/demo/main.js';

await demoMain(process.argv.slice(2));
