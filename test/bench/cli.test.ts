import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from '../../src/bench/types.js';
import { runCli } from '../helpers/run-cli.js';

const fixtures = fileURLToPath(new URL('../fixtures/bench/', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runCli(['bench', ...args]);
  return { code: r.code, out: r.stdout, err: r.stderr };
}

test('boundwise bench prints one table and the verdict; --json FILE and --html FILE are written too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'boundwise-bench-cli-'));
  try {
    const json = join(dir, 'out.json');
    const html = join(dir, 'report.html');
    const r = await cli(`${fixtures}tasks.ts#hash`, '--input', `${fixtures}inputs.json`, '--n', '6', '--concurrency', '2', '--rounds', '1', '--models', 'loop,threads', '--json', json, '--html', html);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /boundwise bench — tasks\.ts#hash: 6 inputs, 2 in flight/);
    assert.match(r.out, /^sequential +[\d.]+\/s/m);
    assert.match(r.out, /^threads\(\) +[\d.]+\/s/m);
    assert.match(r.out, /auto|Use|Call it inline|Every model/);
    assert.doesNotMatch(r.err, /bench \[|█/, 'no progress when stderr is not a terminal');
    const result = JSON.parse(readFileSync(json, 'utf8')) as BenchResult;
    assert.deepEqual(result.models.map((m) => m.model), ['sequential', 'loop', 'threads']);
    assert.equal(result.n, 6);
    const page = readFileSync(html, 'utf8');
    assert.match(page, /^<!doctype html>/);
    assert.doesNotMatch(page, /<script[^>]+src=|<link[^>]+href=/, 'self-contained');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('boundwise bench --json prints the result alone; --inputs takes a generator module', async () => {
  const r = await cli(`${fixtures}tasks.ts#hash`, '--inputs', `${fixtures}gen.ts`, '--rounds', '1', '--models', 'loop', '--json');
  assert.equal(r.code, 0, r.err);
  const result = JSON.parse(r.out) as BenchResult;
  assert.equal(result.n, 12);
  assert.ok(result.models.every((m) => m.summary));
});

test('boundwise bench exits 1 when a model fails, 2 on usage errors', async () => {
  const failed = await cli(`${fixtures}tasks.ts#picky`, '--input', `${fixtures}odd.jsonl`, '--rounds', '1', '--models', 'loop');
  assert.equal(failed.code, 1);
  assert.match(failed.out, /failed/);
  await Promise.all(([
    [[], /missing required args for command `bench <task>`/],
    [[`${fixtures}tasks.ts#hash`, '--models', 'loop,gpu'], /bad --models/],
    [[`${fixtures}tasks.ts#hash`, '--n', 'many'], /bad --n/],
    [[`${fixtures}tasks.ts#absent`], /"absent" is not an exported function/],
    [[`${fixtures}missing.ts#x`], /no file/],
    [[`${fixtures}tasks.ts#hash`, '--input', `${fixtures}nope.json`], /cannot read --input/],
    [[`${fixtures}tasks.ts#hash`, '--input', 'a.json', '--inputs', 'b.js'], /not both/],
  ] as Array<[string[], RegExp]>).map(async ([args, message]) => {
    const r = await cli(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, message);
  }));
});

test('the compiled CLI on plain node loads a TypeScript task file (tsx from the project) in threads and processes', () => {
  const r = spawnSync(process.execPath, [join(root, 'bin/boundwise.js'), 'bench', `${fixtures}tasks.ts#tick`, '--n', '3', '--rounds', '1', '--models', 'threads,processes', '--json'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout) as BenchResult;
  assert.deepEqual(result.models.map((m) => [m.model, m.error?.message]), [['sequential', undefined], ['threads', undefined], ['processes', undefined]]);
});
