/**
 * `boundwise demo [--quick] [--json [file]] [--only apis,cpu,…]`
 *
 * Runs the five classic scenarios — calling many APIs, heavy computation, a
 * blocking database driver, a backend service, tiny tasks — on every model and
 * prints one table each. The demo is compiled into the package (src/demo →
 * dist/demo), so it runs from an installed package without tsx; the SQLite
 * scenario needs better-sqlite3 and says so when it is missing.
 * Exit codes: 0 every check passed, 1 a check failed, 2 usage error.
 */
import type { CAC } from 'cac';
import { writeFileSync } from 'node:fs';
import { runDemo, unknownScenarios } from '../../demo/index.js';
import { demoHtml } from '../../report/demo.js';
import { document } from '../help.js';
import { UsageError } from '../usage.js';

interface DemoCliOptions {
  quick?: boolean;
  json?: boolean | string;
  only?: string;
  html?: string;
}

export function register(cli: CAC): void {
  const command = cli
    .command('demo', 'Run the classic concurrency scenarios on every model and print the measurements side by side')
    .option('--quick', 'Reduced sizes: a few seconds per scenario')
    .option('--json [file]', 'Results as JSON: on stdout instead of the tables, or written to <file>')
    .option('--html <file>', 'Also write a self-contained HTML report: each scenario as a chart, the rule-of-thumb score')
    .option('--only <ids>', 'Comma-separated scenarios: apis, cpu, sqlite, service, tiny')
    .example('boundwise demo --quick --only cpu,tiny')
    .action(async (options: DemoCliOptions) => {
      const only = options.only === undefined ? undefined : String(options.only).split(',').filter(Boolean);
      const unknown = unknownScenarios(only);
      if (unknown.length > 0) throw new UsageError(`unknown scenario ${unknown.join(', ')} in --only; choose from apis, cpu, sqlite, service, tiny`);
      if (options.html !== undefined && (typeof options.html !== 'string' || options.html === '')) throw new UsageError('--html needs a file name, e.g. --html demo.html');
      const json = options.json === '' ? true : options.json;
      const report = await runDemo({ quick: options.quick === true, ...(json !== undefined && { json }), ...(only && { only }) });
      if (options.html) {
        writeFileSync(options.html, demoHtml(report));
        process.stderr.write(`HTML report written to ${options.html}\n`);
      }
      process.exitCode = report.ok ? 0 : 1;
    });
  document(command, {
    output: 'The tables go to stdout, progress to stderr (on a terminal). --json prints JSON on stdout\ninstead of the tables; --json FILE writes it to FILE and still prints the tables;\n--html FILE also writes an HTML report.',
    exitCodes: [
      [0, 'every check passed (a skipped scenario says why, and does not fail the run)'],
      [1, 'a check failed'],
      [2, 'usage error: an unknown option or scenario'],
    ],
  });
}
