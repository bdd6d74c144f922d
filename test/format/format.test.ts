/** The one formatter per concern (src/format/): durations, sizes, ratios, tables, the progress bar. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMs } from '../../src/format/duration.js';
import { formatBytes, formatMb } from '../../src/format/bytes.js';
import { formatSpeedup } from '../../src/format/ratio.js';
import { table } from '../../src/format/table.js';
import { bar, progress } from '../../src/format/progress.js';

test('durations: two or three significant figures, a space before the unit', () => {
  assert.equal(formatMs(0), '0.0 ms');
  assert.equal(formatMs(5.25), '5.3 ms');
  assert.equal(formatMs(50), '50 ms');
  assert.equal(formatMs(999.4), '999 ms');
  assert.equal(formatMs(1500), '1.50 s');
  assert.equal(formatMs(12_345), '12.3 s');
});

test('sizes: decimal units (1 kB = 1000 B), at most one decimal, en-US digits', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1337), '1.3 kB');
  assert.equal(formatBytes(2_000_000), '2 MB');
  assert.equal(formatBytes(1_500_000_000), '1.5 GB');
  assert.equal(formatMb(80.4), '80 MB');
});

test('speed-ups', () => {
  assert.equal(formatSpeedup(null), '—');
  assert.equal(formatSpeedup(1.6667), '1.67×');
  assert.equal(formatSpeedup(30), '30×');
});

test('tables: a header, a rule under it, columns two spaces apart, numbers right-aligned, no trailing spaces', () => {
  const t = table(['a', 'num', 'mark'], [['long text', '1', 'right ✓'], ['x', '100', '—']], [false, true, false]).split('\n');
  assert.deepEqual(t, [
    'a          num  mark',
    '─────────  ───  ───────',
    'long text    1  right ✓',
    'x          100  —',
  ]);
  // A row with fewer cells than the header is padded, not shifted.
  assert.deepEqual(table(['a', 'b'], [['x']], [false, false]).split('\n'), ['a  b', '─  ─', 'x']);
});

test('progress: plain lines off a terminal, a redrawn bar on one', () => {
  let plain = '';
  const p = progress(2, { isTTY: false, write: (s) => (plain += s) });
  p.step('a');
  p.step('b');
  p.done();
  assert.equal(plain, 'demo [1/2] a\ndemo [2/2] b\n');
  let tty = '';
  const q = progress(4, { isTTY: true, columns: 80, write: (s) => (tty += s) }, 'bench');
  q.step('one');
  q.step('two');
  q.done();
  const ESC = String.fromCharCode(27);
  assert.ok(tty.startsWith(`\r${ESC}[2Kbench ░`), 'clears the line and draws the bar');
  assert.match(tty, /bench ░+ 0\/4/);
  assert.match(tty, /bench ██████░+ 1\/4 \d+s {2}two/);
  assert.equal(bar(0.5, 4), '██░░');
});
