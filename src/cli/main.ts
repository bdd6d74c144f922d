/**
 * The `boundwise` command. One file per command under ./commands; each exports
 * `register(cli)` and is listed below. Exit codes: 0 ok, 1 failure, 2 usage error,
 * and commands that run a program pass its own exit code through.
 */
import { cac } from 'cac';
import { createRequire } from 'node:module';
import { commands } from './commands/index.js';

const require = createRequire(import.meta.url);
const pkg = require('../../package.json') as { version: string };

export function buildCli() {
  const cli = cac('boundwise');
  for (const register of commands) register(cli);
  cli.help();
  cli.version(pkg.version);
  return cli;
}

export async function main(argv = process.argv): Promise<void> {
  const cli = buildCli();
  try {
    cli.parse(argv, { run: false });
    if (!cli.matchedCommand && cli.args.length > 0) {
      process.stderr.write(`boundwise: unknown command "${cli.args[0]}"; see boundwise --help\n`);
      process.exitCode = 2;
      return;
    }
    if (!cli.matchedCommand && !cli.options.help && !cli.options.version) {
      cli.outputHelp();
      return;
    }
    await cli.runMatchedCommand();
  } catch (error) {
    // cac throws CACError for unknown options and missing arguments: a usage error.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`boundwise: ${message}\n`);
    process.exitCode = error instanceof Error && error.name === 'CACError' ? 2 : 1;
  }
}

