// Pure parsing for the doc-snippet checker: markdown → code blocks with their
// markers, and a block → the files it names. Conventions: /work/coord/SNIPPETS.md
// (copied into docs/contributing.md#doc-snippets).

export type Kind = 'ts' | 'js';

export type Marker =
  | { type: 'no-run' }
  | { type: 'skip'; reason: string }
  | { type: 'expect-error'; code: string }
  | { type: 'env'; vars: Record<string, string> }
  | { type: 'invalid'; text: string; why: string };

export interface Block {
  /** The fence's info string, lower case: `ts`, `sh`, `text`… */
  lang: string;
  /** 'ts' and 'js' blocks are checked; others are not. */
  kind: Kind | undefined;
  /** 1-based markdown line of the block's first code line. */
  line: number;
  code: string;
  markers: Marker[];
}

export interface SnippetFile {
  name: string;
  code: string;
  /** 0-based line within the block where this file starts. */
  line: number;
  /** Named by a `// name.ts` comment (so it is kept for later blocks). */
  named: boolean;
}

const CHECKED = new Map<string, Kind>([
  ['ts', 'ts'],
  ['typescript', 'ts'],
  ['js', 'js'],
  ['javascript', 'js'],
]);

/**
 * Every fenced block of a markdown text: { lang, kind ('ts' | 'js' | undefined),
 * line (1-based line of the first code line), code, markers }.
 * Markers are `<!-- snippet: … -->` comments on the lines just before the fence.
 */
export function extractBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})\s*([\w+-]*)(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[2]!;
    const lang = open[3]!.toLowerCase();
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(lines[j]!);
      if (close && close[1]![0] === fence[0] && close[1]!.length >= fence.length) break;
      body.push(lines[j]!);
    }
    blocks.push({ lang, kind: CHECKED.get(lang), line: i + 2, code: body.join('\n'), markers: markersBefore(lines, i) });
    i = j;
  }
  return blocks;
}

/** The `<!-- snippet: … -->` comments directly above line `index` (blank lines between allowed). */
function markersBefore(lines: string[], index: number): Marker[] {
  const markers: Marker[] = [];
  for (let k = index - 1; k >= 0; k--) {
    const text = lines[k]!.trim();
    if (text === '') continue;
    const m = /^<!--\s*snippet:\s*(.*?)\s*-->$/.exec(text);
    if (!m) break;
    markers.unshift(parseMarker(m[1]!));
  }
  return markers;
}

/** `no-run` | `skip: reason` | `expect-error TS2345` | `env A=1 B=2`. Unknown markers are errors. */
export function parseMarker(text: string): Marker {
  if (text === 'no-run') return { type: 'no-run' };
  const skip = /^skip\s*:\s*(.+)$/.exec(text);
  if (skip) return { type: 'skip', reason: skip[1]! };
  if (/^skip\b/.test(text)) return { type: 'invalid', text, why: 'skip needs a reason: <!-- snippet: skip: why -->' };
  const expect = /^expect-error\s+(TS\d+)$/.exec(text);
  if (expect) return { type: 'expect-error', code: expect[1]! };
  const env = /^env\s+(.+)$/.exec(text);
  if (env) {
    const vars: Record<string, string> = {};
    for (const pair of env[1]!.split(/\s+/)) {
      const eq = pair.indexOf('=');
      if (eq <= 0) return { type: 'invalid', text, why: `env wants NAME=value, got "${pair}"` };
      vars[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    return { type: 'env', vars };
  }
  return { type: 'invalid', text, why: 'unknown marker; use no-run, skip: <reason>, expect-error TSnnnn or env NAME=value' };
}

const FILE_COMMENT = /^\/\/\s+([\w.-]+\.(?:ts|mts|js|mjs))(?:\s|$)/;

/**
 * Split a block into files. A line `// name.ts …` at the start of a line starts
 * the file `name.ts`; code before the first such line (or a block without one)
 * is the file `fallback`. Each file: { name, code, line } (line = the block
 * line its first code line came from, 0-based within the block).
 */
export function splitFiles(code: string, fallback: string): SnippetFile[] {
  const lines = code.split('\n');
  const files: { name: string; lines: string[]; line: number; named: boolean }[] = [];
  let current = { name: fallback, lines: [] as string[], line: 0, named: false };
  for (let i = 0; i < lines.length; i++) {
    const m = FILE_COMMENT.exec(lines[i]!);
    if (m) {
      if (current.lines.some((l) => l.trim() !== '')) files.push(current);
      current = { name: m[1]!, lines: [], line: i, named: true };
    }
    current.lines.push(lines[i]!);
  }
  files.push(current);
  return files.map((f) => ({ name: f.name, code: f.lines.join('\n'), line: f.line, named: f.named }));
}
