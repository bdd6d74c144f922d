/**
 * Every export documented: typedoc validates every entry point (typedoc.json:
 * validation.notDocumented, notExported, invalidLink, with treatWarningsAsErrors)
 * without rendering. Any warning — an export without a TSDoc comment, a type a
 * public signature uses but no entry point exports, a {@link} to nothing — fails.
 * There is no list of known gaps: document what you export.
 * (typedoc.json's intentionallyNotExported names the few internal helper types that
 * public signatures spell out, such as a deadline scope's body type.)
 *
 * Usage: node --import tsx scripts/check-api-docs.ts   (npm test runs it: test/docs/api.test.ts)
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const run = spawnSync(process.execPath, [join(root, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--emit', 'none', '--logLevel', 'Warn'], {
  cwd: root,
  encoding: 'utf8',
});
const output = `${run.stdout}${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, ''); // eslint-disable-line no-control-regex
const problems = output
  .split('\n')
  // `[warning] …` alone, or after the `file:line:col - ` of a comment it is about.
  .map((l) => /(?:^|\s- )\[(?:warning|error)\] (.*)$/.exec(l.trim()))
  .map((m) => m && (/^\.?\//.test(m.input) ? `${m.input.split(' - ')[0]}: ${m[1]}` : m[1]))
  .filter((w): w is string => typeof w === 'string' && !/^Found \d+ errors? and \d+ warnings?$/.test(w))
  .map((w) => w.replace(/, defined in boundwise\//, ', in '));
for (const p of new Set(problems)) console.error(`✗ ${p}`);
if (run.status !== 0 && problems.length === 0) console.error(output.trim() || `typedoc exited with ${run.status ?? run.signal}`);
console.log(`api docs: ${new Set(problems).size} undocumented or unexported (must be 0)`);
process.exitCode = run.status === 0 && problems.length === 0 ? 0 : 1;
