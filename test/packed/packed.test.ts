/**
 * The package as users get it: `npm pack`, installed into a fresh project, and
 * apps run the ways users run them — a TypeScript and a JavaScript app under
 * tsx (its CLI and `--import tsx`), and under Node's own type stripping where
 * this Node has it — using threads(), processes() and auto() with TypeScript
 * task files, named `./tasks.js` (the TypeScript convention) and `./tasks.ts`.
 * The rest of the suite imports src/, which cannot see what breaks only in dist/.
 *
 * Needs a fresh build (npm test builds first). npm installs the tarball's own
 * dependencies (from its cache when it has them); tsx is the repository's own.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const tsxCli = join(repo, 'node_modules/tsx/dist/cli.mjs');
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const stripsTypes = major > 22 || (major === 22 && minor >= 6);
const expected = { threads: [9, 'later 4', 1, 4], processes: [9, 'later 4', 1, 4], auto: [9, 'later 4', 1, 4] };

let project: string;

before(() => {
  assert.ok(existsSync(join(repo, 'dist/index.js')), 'dist/ is missing: run `npm run build` first');
  project = mkdtempSync(join(tmpdir(), 'boundwise-packed-'));
  const npm = process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath) ? [process.execPath, process.env.npm_execpath] : ['npm'];
  const run = (args: string[], cwd: string) =>
    execFileSync(npm[0] as string, [...npm.slice(1), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  run(['pack', '--ignore-scripts', '--silent', '--pack-destination', project], repo);
  const tarball = readdirSync(project).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack made no tarball');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'packed-app', private: true, type: 'module' }));
  run(['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--no-package-lock', `./${tarball}`], project);
  // tsx as the user would have it, in the project's node_modules (after install, which would remove it).
  symlinkSync(join(repo, 'node_modules/tsx'), join(project, 'node_modules/tsx'), 'dir');
  cpSync(fileURLToPath(new URL('./app/', import.meta.url)), project, { recursive: true });
});

after(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

/** Run `node …args` in the project; its JSON output line, or a failure with its stderr. */
async function runApp(args: string[]): Promise<unknown> {
  const child = spawn(process.execPath, args, { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (err += d));
  // A safety net against a hang, not a timing assertion.
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  clearTimeout(killer);
  assert.equal(signal, null, `node ${args.join(' ')} had to be killed (it hung)\n${err}`);
  assert.equal(code, 0, `node ${args.join(' ')} failed:\n${err}`);
  return JSON.parse(out.trim().split('\n').at(-1) as string);
}

test('a TypeScript app under the tsx CLI', async () => {
  assert.deepEqual(await runApp([tsxCli, 'app.ts']), expected);
});

test('a JavaScript app under the tsx CLI, with TypeScript tasks', async () => {
  assert.deepEqual(await runApp([tsxCli, 'app.mjs']), expected);
});

test('a TypeScript app under node --import tsx', async () => {
  assert.deepEqual(await runApp(['--import', 'tsx', 'app.ts']), expected);
});

test("a TypeScript app under Node's type stripping", { skip: !stripsTypes && `Node ${process.version} has no type stripping` }, async () => {
  assert.deepEqual(await runApp(['--experimental-strip-types', '--no-warnings', 'app.ts']), expected);
});

test('a task module that imports boundwise itself: transfer(), the context and errors across the two copies', async () => {
  const result = (await runApp(['copies.mjs'])) as Record<string, { mainThread: boolean }>;
  const common = { data: [7, 7, 7], workerId: 1, messages: ['from worker 1'], failed: 'Error E_ORDER no such order' };
  assert.deepEqual(result.threads, { ...common, mainThread: false });
  assert.deepEqual(result.processes, { ...common, mainThread: true });
});
