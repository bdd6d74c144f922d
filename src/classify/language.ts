/**
 * Which language a program is written in, so the recommendation can speak it.
 * Pure: looks at the command line first (the interpreter or the script's
 * extension), then at the executables seen in the process tree.
 */
import { basename } from 'node:path';
import type { Language } from './types.js';

export interface DetectedLanguage {
  language: Language;
  /** How it was found, for the report: "command", "script extension", "executable", "--lang", "default". */
  source: string;
}

const PYTHON_BIN = /^(python|pypy)(\d+(\.\d+)*)?(\.exe)?$/i;
const NODE_BIN = /^(node|nodejs|tsx|ts-node|bun|deno)(\.exe)?$/i;
const PYTHON_EXT = /\.pyw?$/i;
const NODE_EXT = /\.(m|c)?(js|ts)x?$/i;

function fromName(name: string): Language | undefined {
  const base = basename(name);
  if (PYTHON_BIN.test(base)) return 'python';
  if (NODE_BIN.test(base)) return 'node';
  return undefined;
}

/** Maps a --lang value to a language; undefined when it is not one we know. */
export function parseLanguage(value: string): Language | undefined {
  const v = value.trim().toLowerCase();
  if (['python', 'py', 'python3'].includes(v)) return 'python';
  if (['node', 'nodejs', 'js', 'javascript', 'ts', 'typescript'].includes(v)) return 'node';
  if (['other', 'none', 'generic'].includes(v)) return 'other';
  return undefined;
}

export function detectLanguage(argv: readonly string[], executables: readonly string[] = []): DetectedLanguage {
  const [command, ...args] = argv;
  // Launchers that run another program: look past them (env python3, uv run python, npx tsx …).
  const launchers = /^(env|uv|poetry|pipenv|npx|pnpm|yarn|npm|exec|nice|time|taskset|chrt)$/i;
  const words = command === undefined ? [] : [command, ...args];
  for (const word of words) {
    const found = fromName(word);
    if (found) return { language: found, source: 'command' };
    if (!launchers.test(basename(word)) && word !== 'run' && !word.startsWith('-')) break;
  }
  if (command !== undefined && PYTHON_EXT.test(command)) return { language: 'python', source: 'script extension' };
  if (command !== undefined && NODE_EXT.test(command)) return { language: 'node', source: 'script extension' };
  for (const exe of executables) {
    const found = fromName(exe);
    if (found) return { language: found, source: 'executable' };
  }
  return { language: 'other', source: 'default' };
}
