// The frames processes() sends over a child's socket (frames.ts, values.ts): pure, no process.
// What a reader gets back must be what the writer was given, however the stream is cut.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameReader, FrameWriter } from '../../src/processes/frames.js';
import type { FromWorker, ToWorker } from '../../src/pool/protocol.js';

type Message = ToWorker | FromWorker;

const M = 'file:///app/tasks.js';
const big = new Uint8Array(300_000).map((_, i) => i % 251);

/** Every kind of frame, with direct and V8-cloned values, and tasks named twice. */
const messages: Message[] = [
  { t: 'ready' },
  { t: 'run', id: 1, m: M, n: 'resize', i: 42 },
  { t: 'run', id: 2, m: M, n: 'resize', i: -0 },
  { t: 'run', id: 3, m: M, n: 'other', i: 'h\u00e9llo \ud800 lone surrogate', p: true, c: true },
  { t: 'run', id: 4, m: 'file:///app/b.js', n: 'resize', i: undefined, a: true },
  { t: 'run', id: 2 ** 40 + 1, m: M, n: 'resize', i: { map: new Map([[1, new Set(['a'])]]), when: new Date(7), n: 10n, bytes: big } },
  { t: 'run', id: 6, m: M, n: 'resize', i: 'x'.repeat(1_000) },
  { t: 'ok', id: 1, v: NaN },
  { t: 'ok', id: 2, v: null },
  { t: 'ok', id: 3, v: true },
  { t: 'ok', id: 4, v: false },
  { t: 'ok', id: 5, v: [1, { b: Buffer.from('buf') }] },
  { t: 'ok', id: 6, v: 1, p: { wall: 1, cpu: 1, runQueue: 0, elu: 0.5 } },
  { t: 'ok', id: 7, v: 'done', h: 12 },
  { t: 'batch', ids: [8, 9], m: M, n: 'resize', i: [1, 2] },
  { t: 'err', id: 10, e: { name: 'Error', message: 'boom', stack: 'Error: boom' } },
  { t: 'abort', id: 11, r: { name: 'AbortError', message: 'stop' } },
  { t: 'stop' },
];

function encodeAll(list: Message[]): Buffer {
  const writer = new FrameWriter();
  return Buffer.concat(list.map((m) => writer.encode(m)));
}

function readAll(bytes: Buffer, cuts: (length: number) => number[]): Message[] {
  const out: Message[] = [];
  const reader = new FrameReader((m) => out.push(m));
  let from = 0;
  for (const at of [...cuts(bytes.length), bytes.length]) {
    reader.push(bytes.subarray(from, at));
    from = at;
  }
  return out;
}

test('frames: every message comes back as it was sent, in order', () => {
  assert.deepEqual(readAll(encodeAll(messages), () => []), messages);
});

test('frames: the same messages cut anywhere (one byte at a time, at random, inside a length) still come back whole', () => {
  const bytes = encodeAll(messages);
  const oneByOne = (n: number) => Array.from({ length: n - 1 }, (_, k) => k + 1);
  const random = (n: number) => Array.from({ length: 60 }, () => Math.floor(Math.random() * n)).sort((a, b) => a - b);
  const inLength = () => [1, 2, 3, 6, 7]; // the first frames' length fields and kinds
  for (const cuts of [oneByOne, random, inLength]) assert.deepEqual(readAll(bytes, cuts), messages);
});

test('frames: a large value split over many chunks arrives intact, its typed array unchanged', () => {
  const [back] = readAll(encodeAll([{ t: 'ok', id: 1, v: big }]), (n) => Array.from({ length: Math.floor(n / 65_536) }, (_, k) => (k + 1) * 65_536));
  assert.ok(back && back.t === 'ok');
  assert.ok(back.v instanceof Uint8Array);
  assert.deepEqual(back.v, big);
});

test('frames: a run names its task once; a new writer (a new child) names it again', () => {
  const writer = new FrameWriter();
  const first = writer.encode({ t: 'run', id: 1, m: M, n: 'resize', i: 1 });
  const second = writer.encode({ t: 'run', id: 2, m: M, n: 'resize', i: 1 });
  assert.ok(first.length > second.length + M.length, 'the second run repeats the module URL');
  assert.equal(new FrameWriter().encode({ t: 'run', id: 2, m: M, n: 'resize', i: 1 }).length, first.length);
});

test('frames: a value that cannot be cloned throws at encode, and the writer stays usable', () => {
  const writer = new FrameWriter();
  assert.throws(() => writer.encode({ t: 'run', id: 1, m: M, n: 'resize', i: { f() {} } }), /could not be cloned/);
  assert.throws(() => writer.encode({ t: 'ok', id: 1, v: Symbol('s') }), /could not be cloned/);
  // The failed run did not name its task: the next run of it must (or the reader could not know it).
  const out: Message[] = [];
  const reader = new FrameReader((m) => out.push(m));
  reader.push(writer.encode({ t: 'run', id: 2, m: M, n: 'resize', i: 5 }));
  assert.deepEqual(out, [{ t: 'run', id: 2, m: M, n: 'resize', i: 5 }]);
});

test('frames: a reader given one reused buffer (the child\'s `onread`) keeps nothing that is written over', () => {
  const bytes = encodeAll(messages);
  const out: Message[] = [];
  const reader = new FrameReader((m) => out.push(m), true);
  const scratch = Buffer.alloc(2_000);
  // Reads of every size, down to a byte (some end inside a frame's length field), into either
  // half of the buffer, which is written over after each read.
  const sizes = [1, 2, 3, 7, 700, 5, 999];
  for (let from = 0, k = 0; from < bytes.length; k++) {
    const at = (k % 2) * 1_000;
    const n = bytes.copy(scratch, at, from, Math.min(from + (sizes[k % sizes.length] as number), bytes.length));
    reader.push(scratch.subarray(at, at + n));
    scratch.fill(0xee);
    from += n;
  }
  assert.deepEqual(out, messages);
});
