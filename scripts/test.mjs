#!/usr/bin/env node
// Runs every test/**/*.test.ts file with Node's own test runner under tsx.
// Node 20's runner has no glob support, so the files are listed here.
// Usage: node scripts/test.mjs [substring …]  — only files whose path contains one of them.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = walk('test')
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(', ')}`);
  process.exit(1);
}
// --test-timeout bounds every test AND every file as a whole (Node's runner treats a file as one
// test). It is a safety net against a hang, never a timing assertion: on a loaded 2-core machine
// (other suites and CPU hogs beside this one) the contract suite of processes() alone ran past
// 180 s while every test in it passed. Tests end by events; a failing test closes its executors
// (see test/contract/contract.ts), so this net is only reached by a real hang.
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=900000', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
