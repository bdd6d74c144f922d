#!/usr/bin/env node
// Runs every test/**/*.test.ts file with Node's own test runner under tsx, each file in its own
// process (and process group), two at a time, with a watchdog per file.
// Node 20's runner has no glob support, so the files are listed here.
// Usage: node scripts/test.mjs [substring … | file …] — only files whose path contains one of the
// substrings; an argument that names an existing file runs that file (whatever its name).
//
//   this script ──spawn (detached: its own process group)──▶ node --import tsx
//        │                                                     --import scripts/test-exit-watch.mjs
//        │                                                     --test-force-exit FILE
//        ├─ the file's output is kept and printed whole when it ends (two files never interleave)
//        ├─ the tests are done but the process stays alive (a leaked listener, pool, timer):
//        │    test-exit-watch.mjs reports what is open, by name, and exits 70 → "LEAKED"
//        ├─ the file runs past FILE_TIMEOUT_MS (a hang): its whole process group is killed
//        │    (its threads, child processes, servers with it) → "TIMED OUT"
//        └─ after every file: whatever is left in its group is killed (and said)
//
// The limits are safety nets against a hang, never timing assertions: tests end by events. On a
// loaded 2-core machine (other suites and CPU hogs beside this one) the contract suite of
// processes() alone ran past 180 s while every test in it passed.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const TEST_TIMEOUT_MS = Number(process.env.BOUNDWISE_TEST_TIMEOUT_MS ?? 900_000);
const FILE_TIMEOUT_MS = Number(process.env.BOUNDWISE_TEST_FILE_TIMEOUT_MS ?? 1_200_000);
const CONCURRENCY = Number(process.env.BOUNDWISE_TEST_CONCURRENCY ?? 2);
const LEAK_EXIT_CODE = 70; // test-exit-watch.mjs
const exitWatch = fileURLToPath(new URL('./test-exit-watch.mjs', import.meta.url));

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

// The long files first, so the run does not end waiting on one of them alone.
const slow = (f) => (/contract\/|packed\/|race\//.test(f) ? 0 : 1);
const args = process.argv.slice(2);
const named = args.filter((a) => existsSync(a) && statSync(a).isFile());
const filters = args.filter((a) => !named.includes(a));
const found = filters.length === 0 && named.length > 0 ? [] : walk('test').filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
const files = [...new Set([...named, ...found])].sort((a, b) => slow(a) - slow(b) || a.localeCompare(b));
if (files.length === 0) {
  console.error(`no test files match ${args.join(', ')}`);
  process.exit(1);
}

/**
 * The processes of a group, with their command lines (Linux /proc; elsewhere none are listed).
 * Zombies and esbuild's service process (tsx's) are left out: it ends by itself once its parent is gone.
 */
function groupMembers(pgid) {
  const members = [];
  let pids;
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return members;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state ppid pgrp …
      if (Number(fields[2]) !== pgid || fields[0] === 'Z') continue; // a zombie is dead already
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      if (!/esbuild/.test(cmd)) members.push(`${pid} ${cmd.slice(0, 160)}`);
    } catch {
      // gone meanwhile
    }
  }
  return members;
}

/** Kill every process of a group; true if there was one. */
function killGroup(pid) {
  try {
    process.kill(-pid, 'SIGKILL');
    return true;
  } catch {
    return false; // ESRCH: the group is empty
  }
}

const running = new Set();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const pid of running) killGroup(pid);
    process.exit(130);
  });
}

const SUMMARY = /^ℹ (tests|pass|fail|cancelled|skipped|todo) (\d+)$/gm;
const totals = { tests: 0, pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0 };

function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--import', exitWatch, '--test-force-exit', `--test-timeout=${TEST_TIMEOUT_MS}`, '--test-reporter=spec', file],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    running.add(child.pid);
    const chunks = [];
    child.stdout.on('data', (c) => chunks.push(c));
    child.stderr.on('data', (c) => chunks.push(c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, FILE_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child.pid);
      const leftovers = groupMembers(child.pid);
      killGroup(child.pid);
      const output = Buffer.concat(chunks).toString('utf8');
      for (const [, key, n] of output.matchAll(SUMMARY)) totals[key] += Number(n);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      let verdict = code === 0 ? 'ok' : code === LEAK_EXIT_CODE ? 'LEAKED' : 'FAILED';
      if (timedOut) verdict = 'TIMED OUT';
      const why =
        verdict === 'TIMED OUT'
          ? `still running after ${FILE_TIMEOUT_MS / 1000} s: its process group was killed (a test hangs; its output so far follows)`
          : verdict === 'LEAKED'
            ? 'its tests finished but its process stayed alive (see "[test watchdog]" above)'
            : verdict === 'FAILED'
              ? `exit ${code ?? signal}`
              : '';
      process.stdout.write(`\n━━━ ${file} — ${verdict} (${seconds} s)${why ? `: ${why}` : ''}\n${output}`);
      if (leftovers.length > 0) process.stdout.write(`━━━ ${file}: processes of its group outlived it (killed): ${leftovers.join('; ')}\n`);
      resolve({ file, verdict, why });
    });
  });
}

const queue = [...files];
const results = [];
await Promise.all(
  Array.from({ length: Math.min(CONCURRENCY, files.length) }, async () => {
    while (queue.length > 0) results.push(await runFile(queue.shift()));
  }),
);

const bad = results.filter((r) => r.verdict !== 'ok');
process.stdout.write(
  `\n━━━ ${files.length} files: ${files.length - bad.length} ok, ${bad.length} not` +
    ` — tests ${totals.tests}, pass ${totals.pass}, fail ${totals.fail}, cancelled ${totals.cancelled},` +
    ` skipped ${totals.skipped}, todo ${totals.todo}\n`,
);
for (const r of bad) process.stdout.write(`  ${r.verdict}: ${r.file}: ${r.why}\n`);
process.exit(bad.length === 0 ? 0 : 1);
