// Pure helpers of processes(): the stderr line tail, VmRSS parsing, and which flags a child inherits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineTail } from '../../src/processes/lines.js';
import { parseVmRssMb, rssMb } from '../../src/processes/memory.js';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { childExecArgv } from '../../src/processes/transport.js';
import { inheritableExecArgv } from '../../src/processes/exec-argv.js';

test('LineTail splits chunks into lines and keeps the last N', () => {
  const cases: Array<{ chunks: string[]; keep: number; end?: boolean; tail: string[]; seen: string[] }> = [
    { chunks: ['a\nb\n'], keep: 5, tail: ['a', 'b'], seen: ['a', 'b'] },
    { chunks: ['he', 'llo\nwor', 'ld\n'], keep: 5, tail: ['hello', 'world'], seen: ['hello', 'world'] },
    { chunks: ['1\n2\n3\n4\n'], keep: 2, tail: ['3', '4'], seen: ['1', '2', '3', '4'] },
    { chunks: ['done\nno newline'], keep: 5, tail: ['done', 'no newline'], seen: ['done'] },
    { chunks: ['done\nno newline'], keep: 5, end: true, tail: ['done', 'no newline'], seen: ['done', 'no newline'] },
    { chunks: ['crlf\r\n'], keep: 5, tail: ['crlf'], seen: ['crlf'] },
    { chunks: ['\n\n'], keep: 5, tail: ['', ''], seen: ['', ''] },
  ];
  for (const c of cases) {
    const seen: string[] = [];
    const tail = new LineTail(c.keep, (l) => seen.push(l));
    for (const chunk of c.chunks) tail.push(chunk);
    if (c.end) tail.end();
    assert.deepEqual(tail.tail(), c.tail, JSON.stringify(c));
    assert.deepEqual(seen, c.seen, JSON.stringify(c));
  }
});

test('LineTail cuts a line that never ends, so memory stays bounded', () => {
  const tail = new LineTail(3);
  for (let i = 0; i < 100; i++) tail.push('x'.repeat(1_000));
  const lines = tail.tail();
  assert.equal(lines.length, 3);
  assert.ok(lines.every((l) => l.length <= 2_000));
});

test('parseVmRssMb reads VmRSS in kB from /proc/<pid>/status', () => {
  assert.equal(parseVmRssMb('Name:\tnode\nVmRSS:\t   51200 kB\nVmData:\t1 kB\n'), 50);
  assert.equal(parseVmRssMb('Name:\tkthreadd\n'), undefined);
  const own = rssMb(process.pid);
  if (process.platform === 'linux') assert.ok(own !== undefined && own > 1, String(own));
  assert.equal(rssMb(2 ** 30), undefined, 'no such process');
  assert.equal(rssMb(undefined), undefined);
});

test('childExecArgv: the parent flags by default, the given ones instead; hooks resolved when cwd changes', () => {
  assert.deepEqual(childExecArgv(undefined, undefined), inheritableExecArgv(process.execArgv));
  assert.deepEqual(childExecArgv(['--max-old-space-size=64'], undefined), ['--max-old-space-size=64']);
  // This test file runs under `--import tsx`: with another cwd the bare "tsx" becomes a file URL.
  const moved = childExecArgv(undefined, '/');
  const k = moved.indexOf('--import');
  assert.ok(k >= 0);
  assert.match(moved[k + 1] as string, /^file:\/\/.*tsx/);
  assert.match(childExecArgv(['--import=tsx'], '/')[0] as string, /^--import=file:\/\/.*tsx/);
  assert.deepEqual(childExecArgv(['--import', './x.mjs'], '/'), ['--import', pathToFileURL(resolve('x.mjs')).href]);
  assert.deepEqual(childExecArgv(['--import', 'no-such-package-zz'], '/'), ['--import', 'no-such-package-zz'], 'left for the child to report');
});
