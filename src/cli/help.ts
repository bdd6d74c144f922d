/**
 * What every command's --help says beyond cac's usage/options/examples: where
 * its output goes and its exit codes. A command calls `document(command, …)`;
 * main.ts adds the sections when that command's help is printed.
 */
import type { Command } from 'cac';

export interface CommandDocs {
  /** Where the command writes what: "The report goes to stderr; …". */
  output?: string;
  /** Exit codes, in order: [code, meaning]. 2 (usage error) is added if missing. */
  exitCodes: Array<[number | string, string]>;
}

const docs = new WeakMap<Command, CommandDocs>();

export function document(command: Command, d: CommandDocs): Command {
  docs.set(command, d);
  return command;
}

/** The extra help sections of a command (none for the global help). */
export function helpSections(command: Command | undefined): Array<{ title: string; body: string }> {
  const d = command && docs.get(command);
  if (!d) return [];
  const codes = d.exitCodes.some(([c]) => c === 2) ? d.exitCodes : [...d.exitCodes, [2, 'usage error: an unknown command or option, a bad value'] as [number, string]];
  const width = Math.max(...codes.map(([c]) => String(c).length));
  const sections = [];
  if (d.output) sections.push({ title: 'Output', body: d.output.replace(/^/gm, '  ') });
  sections.push({ title: 'Exit codes', body: codes.map(([c, m]) => `  ${String(c).padEnd(width)}  ${m}`).join('\n') });
  return sections;
}
