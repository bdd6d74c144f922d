/**
 * Every export documented: typedoc validates (validation.notDocumented,
 * notExported, invalidLink in typedoc.json) without rendering, and each warning
 * must be in scripts/api-docs-baseline.txt — the gaps known when the check came
 * in, to shrink to nothing (then typedoc.json's treatWarningsAsErrors goes on).
 * A new undocumented export fails; so does a baseline line that is fixed (so the
 * list only shrinks).
 *
 * Usage: node --import tsx scripts/check-api-docs.ts [--update]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const baselineFile = join(root, 'scripts', 'api-docs-baseline.txt');

const run = spawnSync(process.execPath, [join(root, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--emit', 'none', '--logLevel', 'Warn'], {
  cwd: root,
  encoding: 'utf8',
});
const output = `${run.stdout}${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, ''); // eslint-disable-line no-control-regex
const warnings = output
  .split('\n')
  .map((l) => /^\[(?:warning|error)\] (.*)$/.exec(l.trim())?.[1])
  .filter((w): w is string => w !== undefined && !/^Found \d+ errors? and \d+ warnings?$/.test(w))
  .map((w) => w.replace(/, defined in boundwise\//, ', in '));
const errors = output.split('\n').filter((l) => l.trim().startsWith('[error]'));

if (process.argv.includes('--update')) {
  writeFileSync(baselineFile, [...new Set(warnings)].sort().join('\n') + '\n');
  console.log(`api docs: baseline written, ${new Set(warnings).size} known gaps`);
  process.exit(0);
}
const baseline = new Set(readFileSync(baselineFile, 'utf8').split('\n').filter(Boolean));
const current = new Set(warnings);
const added = [...current].filter((w) => !baseline.has(w));
const fixed = [...baseline].filter((w) => !current.has(w));
for (const w of added) console.error(`✗ ${w}`);
for (const w of fixed) console.error(`✓ fixed, remove from scripts/api-docs-baseline.txt (or run with --update): ${w}`);
if (errors.length > 0 && added.length === 0) for (const e of errors) console.error(e);
console.log(`api docs: ${current.size} known gaps (baseline ${baseline.size}), ${added.length} new, ${fixed.length} fixed`);
process.exitCode = added.length > 0 || fixed.length > 0 || (run.status !== 0 && errors.length > 0) ? 1 : 0;
