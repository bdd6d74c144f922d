// Recommendations and language detection: pure, table-driven.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { recommend } from '../../src/classify/recommend.js';
import { detectLanguage, parseLanguage } from '../../src/classify/language.js';
import type { Language, Verdict, VerdictKind } from '../../src/classify/types.js';

function verdict(kind: VerdictKind, extra: Partial<Verdict> = {}): Verdict {
  return {
    kind,
    summary: kind,
    coresAverage: 1,
    coresBusy: 1,
    phases: { waiting: 0, calculating: 1 },
    oversubscribed: false,
    reasons: [],
    warnings: [],
    ...extra,
  };
}

describe('recommend()', () => {
  const cases: Array<{ kind: VerdictKind; lang: Language; has: RegExp[]; hasNot?: RegExp[]; extra?: Partial<Verdict> }> = [
    { kind: 'waiting', lang: 'python', has: [/asyncio/, /ThreadPoolExecutor|to_thread/], hasNot: [/ProcessPoolExecutor\(/] },
    { kind: 'calculating-one-core', lang: 'python', has: [/ProcessPoolExecutor\(max_workers=4\)/, /multiprocessing\.Pool\(4\)/, /GIL/] },
    { kind: 'lock-bound', lang: 'python', has: [/GIL/, /ProcessPoolExecutor/, /multiprocessing/] },
    { kind: 'calculating-parallel', lang: 'python', has: [/Already parallel on 2 cores/, /pool of 4 workers/], extra: { parallelCores: 2 } },
    { kind: 'mixed', lang: 'python', has: [/asyncio/, /run_in_executor/], extra: { busyKind: 'calculating-one-core' } },
    { kind: 'waiting', lang: 'node', has: [/loop\(\)/], hasNot: [/asyncio/] },
    { kind: 'calculating-one-core', lang: 'node', has: [/threads\(\)/, /processes\(\)/, /event loop/] },
    { kind: 'lock-bound', lang: 'node', has: [/threads\(\)|processes\(\)/] },
    { kind: 'calculating-parallel', lang: 'node', has: [/threads\(\) \/ processes\(\)/], extra: { parallelCores: 4 } },
    { kind: 'mixed', lang: 'node', has: [/loop\(\)/, /threads\(\)/], extra: { busyKind: 'calculating-one-core' } },
    { kind: 'waiting', lang: 'other', has: [/asynchronous I\/O/], hasNot: [/asyncio/, /loop\(\)/] },
    { kind: 'lock-bound', lang: 'other', has: [/processes/], hasNot: [/asyncio|loop\(\)|ProcessPool/] },
  ];
  for (const c of cases) {
    test(`${c.lang} / ${c.kind}`, () => {
      const r = recommend(verdict(c.kind, c.extra), c.lang, 4);
      const text = r.lines.join('\n');
      assert.equal(r.language, c.lang);
      for (const re of c.has) assert.match(text, re);
      for (const re of c.hasNot ?? []) assert.doesNotMatch(text, re);
    });
  }
  test('a waiting program is never told to do what it already does', () => {
    const lines = (lang: Language, waitsIn?: Verdict['waitsIn']) => recommend(verdict('waiting', waitsIn ? { waitsIn } : {}), lang, 4).lines.join('\n');
    // asyncio already: not "use asyncio"; more waits in flight instead.
    assert.doesNotMatch(lines('python', 'event-loop'), /^Overlap the waits: use asyncio/m);
    assert.match(lines('python', 'event-loop'), /already overlaps its waits on an event loop/);
    assert.match(lines('python', 'event-loop'), /more waits in flight/);
    // Blocking in threads already: not "run those calls in threads".
    assert.doesNotMatch(lines('python', 'threads'), /run those calls in threads/);
    assert.match(lines('python', 'threads'), /already blocks in several threads/);
    // One thread blocking (or unknown): both ways to overlap.
    for (const w of ['one-thread', undefined] as const) {
      assert.match(lines('python', w), /use asyncio/);
      assert.match(lines('python', w), /run those calls in threads/);
    }
    assert.match(lines('other', 'event-loop'), /already on an event loop/);
    assert.doesNotMatch(lines('other', 'event-loop'), /overlap the waits with asynchronous I\/O/);
    assert.match(lines('other', 'threads'), /blocked in several threads at once/);
    for (const w of ['event-loop', 'threads', 'one-thread', undefined] as const) assert.match(lines('python', w), /Processes would add/);
  });

  test('a program already using every core is told so', () => {
    const r = recommend(verdict('calculating-parallel', { parallelCores: 2 }), 'python', 2);
    assert.match(r.lines.join('\n'), /every core/);
  });
});

describe('detectLanguage()', () => {
  const cases: Array<[string[], string[], Language, string]> = [
    [['python3', 'app.py'], [], 'python', 'command'],
    [['/usr/bin/python3.11', '-u', 'app.py'], [], 'python', 'command'],
    [['env', 'python3', 'x.py'], [], 'python', 'command'],
    [['uv', 'run', 'python', 'x.py'], [], 'python', 'command'],
    [['node', 'server.js'], [], 'node', 'command'],
    [['/opt/node/bin/node', 'x.mjs'], [], 'node', 'command'],
    [['npx', 'tsx', 'main.ts'], [], 'node', 'command'],
    [['./tool.py'], [], 'python', 'script extension'],
    [['./server.mjs'], [], 'node', 'script extension'],
    [['./run.sh'], ['/bin/bash', '/usr/local/bin/python3.12'], 'python', 'executable'],
    [['make', 'all'], ['/usr/bin/make', '/usr/bin/cc'], 'other', 'default'],
    [['sh', '-c', 'node x.js'], [], 'other', 'default'],
  ];
  for (const [argv, exes, lang, source] of cases) {
    test(`${argv.join(' ')} → ${lang}`, () => {
      assert.deepEqual(detectLanguage(argv, exes), { language: lang, source });
    });
  }
  test('--lang values', () => {
    assert.equal(parseLanguage('Python'), 'python');
    assert.equal(parseLanguage('js'), 'node');
    assert.equal(parseLanguage('typescript'), 'node');
    assert.equal(parseLanguage('other'), 'other');
    assert.equal(parseLanguage('cobol'), undefined);
  });
});

// Advice never recommends what the program already does (issue 13).
describe('recommend(): never what the program already does', () => {
  const table: Array<{ name: string; lang: Language; v: Verdict; has: RegExp; hasNot: RegExp }> = [
    {
      name: 'Python, parallel in threads (native code or no GIL): the threads are credited, not processes',
      lang: 'python',
      v: verdict('calculating-parallel', { parallelCores: 2, workIn: 'threads' }),
      has: /threads of one process/,
      hasNot: /processes \(multiprocessing/,
    },
    {
      name: 'Python, parallel in processes: the processes are credited',
      lang: 'python',
      v: verdict('calculating-parallel', { parallelCores: 2, workIn: 'processes' }),
      has: /processes \(multiprocessing \/ ProcessPoolExecutor\) are doing their job/,
      hasNot: /threads of one process/,
    },
    {
      name: 'Python, one core while already in processes: not "run it in processes"',
      lang: 'python',
      v: verdict('calculating-one-core', { workIn: 'processes' }),
      has: /already runs in several processes/,
      hasNot: /run it in processes/,
    },
    {
      name: 'Node, one core while already in worker threads: not "move it to threads()"',
      lang: 'node',
      v: verdict('calculating-one-core', { workIn: 'threads' }),
      has: /already hands work to worker threads/,
      hasNot: /Move it to boundwise threads\(\)/,
    },
  ];
  for (const c of table) {
    test(c.name, () => {
      const text = recommend(c.v, c.lang, 2).lines.join('\n');
      assert.match(text, c.has);
      assert.doesNotMatch(text, c.hasNot);
    });
  }
});

