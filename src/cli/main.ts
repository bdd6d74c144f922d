/**
 * The `boundwise` command. One file per command under ./commands; each exports
 * `register(cli)` (a cac command) and is listed in ./commands/index.ts. This
 * file gives every command the same behaviour:
 *
 *   argv ──▶ unknown command? / unknown flag (checked against the command's declared options)?
 *        │        └─▶ one line on stderr: "boundwise <cmd>: unknown option --x; see boundwise <cmd> --help", exit 2
 *        └─▶ action ──throws UsageError──▶ the same one line, exit 2
 *                   └─sets process.exitCode (0 ok, 1 failure, a program's own code)
 *
 * Commands declare where their output goes and their exit codes with
 * document() (./help.ts), shown in their --help.
 */
import { cac, type Command } from 'cac';
import { createRequire } from 'node:module';
import { commands } from './commands/index.js';
import { helpSections } from './help.js';
import { UsageError, USAGE_EXIT, unknownFlags, usageLine } from './usage.js';

const require = createRequire(import.meta.url);
const pkg = require('../../package.json') as { version: string };

const GLOBAL_FLAGS = ['--help', '-h', '--version', '-v'];

export function buildCli() {
  const cli = cac('boundwise');
  for (const register of commands) register(cli);
  cli.help((sections) => [...sections, ...helpSections(cli.matchedCommand)]);
  cli.version(pkg.version);
  return cli;
}

/** Every spelling a command accepts: `--interval`, `-h`, … from its options' raw names. */
function declaredFlags(command: Command | undefined): Set<string> {
  const flags = new Set(GLOBAL_FLAGS);
  for (const option of command?.options ?? []) for (const f of option.rawName.match(/--?[\w-]+/g) ?? []) flags.add(f);
  return flags;
}

export async function main(argv = process.argv): Promise<void> {
  const cli = buildCli();
  let name: string | undefined;
  try {
    cli.parse(argv, { run: false });
    const command = cli.matchedCommand;
    name = command?.name;
    if (!command && cli.args.length > 0) throw new UsageError(`unknown command "${cli.args[0]}"`);
    const [flag] = unknownFlags(argv.slice(2), declaredFlags(command));
    if (flag !== undefined) throw new UsageError(`unknown option ${flag}${command ? '' : ' (options go after a command)'}`);
    if (!command) {
      if (!cli.options.help && !cli.options.version) cli.outputHelp();
      return;
    }
    if (cli.options.help) return; // cac printed the command's help
    await cli.runMatchedCommand();
  } catch (error) {
    // cac throws CACError for a missing required argument: a usage error too.
    const usage = error instanceof UsageError || (error instanceof Error && error.name === 'CACError');
    const message = error instanceof Error ? error.message : String(error);
    if (usage) process.stderr.write(usageLine(name, message));
    else process.stderr.write(`boundwise${name ? ` ${name}` : ''}: ${message}\n`);
    process.exitCode = usage ? USAGE_EXIT : 1;
  }
}
