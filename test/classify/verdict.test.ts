// The verdict policy, table-driven: synthetic figures in, verdict out. Spawns nothing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../../src/classify/verdict.js';
import type { Interval, Measurement, VerdictKind } from '../../src/classify/types.js';

interface Shape {
  /** CPU ms per 100 ms interval. */
  cpu: number;
  delay?: number;
  threads?: number[];
  voluntary?: number;
  /** Voluntary switches of the busy threads alone (default: all of them). */
  busyVoluntary?: number;
  involuntary?: number;
}

/** Builds a measurement from interval shapes (each 100 ms long). */
function measure(shapes: Shape[], machineCores = 2): Measurement {
  const intervals: Interval[] = shapes.map((s, k) => ({
    startMs: k * 100,
    endMs: (k + 1) * 100,
    userMs: s.cpu * 0.9,
    systemMs: s.cpu * 0.1,
    cpuMs: s.cpu,
    runDelayMs: s.delay ?? 0,
    voluntarySwitches: s.voluntary ?? 0,
    busyThreadsVoluntarySwitches: s.busyVoluntary ?? s.voluntary ?? 0,
    involuntarySwitches: s.involuntary ?? 0,
    topThreadsMs: s.threads ?? [s.cpu],
    threads: (s.threads ?? [s.cpu]).length,
    processes: 1,
  }));
  const sum = (f: (i: Interval) => number) => intervals.reduce((a, i) => a + f(i), 0);
  return {
    machineCores,
    executables: [],
    intervals,
    totals: {
      wallMs: shapes.length * 100,
      userMs: sum((i) => i.userMs),
      systemMs: sum((i) => i.systemMs),
      runDelayMs: sum((i) => i.runDelayMs),
      voluntarySwitches: sum((i) => i.voluntarySwitches),
      involuntarySwitches: sum((i) => i.involuntarySwitches),
      readBytes: 0,
      writtenBytes: 0,
      storageReadBytes: 0,
      storageWrittenBytes: 0,
      ioComplete: true,
      peakThreads: 1,
      peakProcesses: 1,
      peakMemoryBytes: 0,
    },
  };
}

const times = (n: number, shape: Shape): Shape[] => Array.from({ length: n }, () => shape);

const cases: Array<{ name: string; shapes: Shape[]; cores?: number; kind: VerdictKind; parallel?: number; oversubscribed?: boolean; busyKind?: string }> = [
  { name: 'a sleep loop', shapes: times(10, { cpu: 2, voluntary: 2 }), kind: 'waiting' },
  { name: 'start-up burst then sleeping', shapes: [{ cpu: 90 }, ...times(11, { cpu: 1, voluntary: 5 })], kind: 'waiting' },
  {
    name: 'sleeping on a crowded machine (wake-ups queue, little CPU)',
    shapes: times(10, { cpu: 8, delay: 80, voluntary: 5 }),
    kind: 'waiting',
    oversubscribed: true,
  },
  { name: 'one busy thread', shapes: times(10, { cpu: 99, threads: [97, 1, 1] }), kind: 'calculating-one-core' },
  {
    name: 'one busy thread on a crowded machine',
    shapes: times(10, { cpu: 40, delay: 58, threads: [40], involuntary: 30 }),
    kind: 'calculating-one-core',
    oversubscribed: true,
  },
  { name: 'two busy threads on two cores', shapes: times(10, { cpu: 195, threads: [97, 96, 2] }), kind: 'calculating-parallel', parallel: 2 },
  { name: 'eight busy processes on eight cores', shapes: times(10, { cpu: 790, threads: Array(8).fill(98) }), cores: 8, kind: 'calculating-parallel', parallel: 8 },
  {
    name: 'two busy processes held back by a crowded machine',
    shapes: times(10, { cpu: 90, delay: 95, threads: [46, 44], voluntary: 2, involuntary: 40 }),
    kind: 'calculating-parallel',
    parallel: 2,
    oversubscribed: true,
  },
  {
    name: 'four threads taking turns on one lock (GIL)',
    shapes: times(10, { cpu: 98, delay: 20, threads: [26, 25, 24, 23], voluntary: 70, involuntary: 50 }),
    kind: 'lock-bound',
  },
  {
    name: 'GIL threads on a crowded machine (delay pushes "wanted" past 1.5)',
    shapes: times(10, { cpu: 45, delay: 120, threads: [12, 11, 11, 11], voluntary: 50, involuntary: 30 }),
    kind: 'lock-bound',
    oversubscribed: true,
  },
  {
    name: 'two spinning workers starved by a crowded machine, beside helper threads that switch often',
    shapes: times(10, { cpu: 40, delay: 140, threads: [19, 19, 2], voluntary: 30, busyVoluntary: 0, involuntary: 20 }),
    kind: 'calculating-parallel',
    parallel: 2,
    oversubscribed: true,
  },
  {
    // A quiet machine with many cores: the GIL went back and forth mostly between two of the four.
    name: 'GIL handed mostly between two of four threads (70/30) is lock-bound',
    shapes: times(10, { cpu: 98, threads: [69, 27, 1, 1], voluntary: 70, involuntary: 5 }),
    kind: 'lock-bound',
  },
  {
    name: 'one thread doing 85 % beside helpers that sleep and wake often is one core, not a lock',
    shapes: times(10, { cpu: 98, threads: [83, 4, 4, 4, 3], voluntary: 60, involuntary: 5 }),
    kind: 'calculating-one-core',
  },
  {
    name: 'four threads sharing one core without lock hand-overs',
    shapes: times(10, { cpu: 98, threads: [25, 25, 24, 24], voluntary: 2, involuntary: 40 }),
    kind: 'calculating-one-core',
  },
  {
    name: 'half waiting, half calculating',
    shapes: [...times(5, { cpu: 2, voluntary: 3 }), ...times(5, { cpu: 99, threads: [99] })],
    kind: 'mixed',
    busyKind: 'calculating-one-core',
  },
  {
    name: 'waiting, then parallel',
    shapes: [...times(6, { cpu: 2 }), ...times(4, { cpu: 190, threads: [95, 95] })],
    kind: 'mixed',
    busyKind: 'calculating-parallel',
  },
  { name: 'no intervals at all', shapes: [], kind: 'waiting' },
];

describe('classify() verdict policy', () => {
  for (const c of cases) {
    test(c.name, () => {
      const v = classify(measure(c.shapes, c.cores));
      assert.equal(v.kind, c.kind, v.reasons.join('\n'));
      if (c.parallel !== undefined) assert.equal(v.parallelCores, c.parallel);
      assert.equal(v.oversubscribed, c.oversubscribed ?? false, `oversubscribed; ${v.warnings.join('\n')}`);
      if (c.busyKind) assert.equal(v.busyKind, c.busyKind);
      assert.ok(v.reasons.length >= 2, 'the verdict gives the figures behind it');
      assert.ok(Math.abs(v.phases.waiting + v.phases.calculating - 1) < 1e-9 || c.shapes.length === 0);
    });
  }

  test('mixed reports the share of each phase', () => {
    const v = classify(measure([...times(3, { cpu: 1 }), ...times(7, { cpu: 99 })]));
    // 7 of 10 intervals busy: below 75% → mixed, with 70% calculating and 30% waiting.
    assert.equal(v.kind, 'mixed');
    assert.ok(Math.abs(v.phases.calculating - 0.7) < 1e-9);
    assert.ok(Math.abs(v.phases.waiting - 0.3) < 1e-9);
    assert.match(v.summary, /waiting 30%.*calculating 70%/);
  });

  test('few samples raise a warning', () => {
    const v = classify(measure(times(2, { cpu: 99 })));
    assert.ok(v.warnings.some((w) => /only 2 sampling interval/.test(w)));
  });

  test('summary names the number of cores when parallel', () => {
    const v = classify(measure(times(10, { cpu: 390, threads: [98, 97, 97, 98] }), 4));
    assert.equal(v.summary, 'calculating in parallel on 4 cores');
  });
});

test('a start-up stretched by a crowded machine still leaves a waiting program waiting', () => {
  // 4 intervals of start-up that got a fifth of the core they wanted, then 8 of sleeping:
  // 33% of the wall time busy, but on free cores the start-up would take under a tenth.
  const m = measure([...times(4, { cpu: 20, delay: 80, involuntary: 10 }), ...times(8, { cpu: 1, voluntary: 5 })]);
  const v = classify(m);
  assert.equal(v.kind, 'waiting', v.reasons.join('\n'));
  assert.ok(v.phases.calculating < 0.1);
  assert.match(v.reasons.join('\n'), /on this crowded machine busy 33% of the wall time/);
});

test('reconcileShares: wall-time and free-core views of the busy share', async () => {
  const { reconcileShares } = await import('../../src/classify/verdict.js');
  const cases: Array<[number, number, number]> = [
    [0.34, 0.08, 0.08], // stretched start-up: either view says waiting → waiting
    [0.9, 0.64, 0.9], // one ambiguous interval among starved busy ones → calculating
    [0.5, 0.45, 0.475], // both mixed → the middle
    [0.8, 0.2, 0.5], // contradiction → the middle
    [1, 1, 1],
    [0, 0, 0],
  ];
  for (const [raw, free, expected] of cases) assert.ok(Math.abs(reconcileShares(raw, free) - expected) < 1e-9, `${raw}, ${free}`);
});

// Issue 13's misses, each as figures: a lock verdict only within one process; helper threads
// do not make a one-core program parallel; never more cores than the machine has.
describe('classify(): where the work ran', () => {
  /** Intervals whose busy threads are spread over processes as given: [[ms of each thread] per process]. */
  function spread(perProcess: number[][], extra: Partial<Shape> = {}, n = 10, machineCores = 2): Measurement {
    const threadsMs = perProcess.flat().sort((a, b) => b - a);
    const cpu = threadsMs.reduce((a, b) => a + b, 0);
    const m = measure(times(n, { cpu, threads: threadsMs, ...extra }), machineCores);
    const busiest = [...perProcess].sort((a, b) => b.reduce((x, y) => x + y, 0) - a.reduce((x, y) => x + y, 0))[0] ?? [];
    for (const i of m.intervals) {
      i.topProcessesMs = perProcess.map((p) => p.reduce((a, b) => a + b, 0)).sort((a, b) => b - a);
      i.busiestProcessThreadsMs = [...busiest].sort((a, b) => b - a);
      i.processes = perProcess.length;
    }
    return m;
  }

  const table: Array<{ name: string; m: () => Measurement; kind: VerdictKind; workIn?: string; parallel?: number }> = [
    {
      // compileall -j 2 on a busy machine: two worker processes fed one file at a time, about one core, many voluntary switches.
      name: 'a chatty pool of processes at about one core is not lock-bound',
      m: () => spread([[10], [45], [45]], { voluntary: 400, busyVoluntary: 400, delay: 20, involuntary: 5 }),
      kind: 'calculating-one-core',
      workIn: 'processes',
    },
    {
      name: 'threads of one process taking turns (the GIL) are lock-bound',
      m: () => spread([[33, 33, 33]], { voluntary: 400, busyVoluntary: 400 }),
      kind: 'lock-bound',
      workIn: 'threads',
    },
    {
      // npm ls --all: 82–89 % of the CPU on the main thread, helpers queueing on a crowded machine.
      name: 'a one-core program with helper threads on a crowded machine stays one-core',
      m: () => spread([[66, 4, 4, 4, 4]], { delay: 70, involuntary: 40 }),
      kind: 'calculating-one-core',
      workIn: 'one-thread',
    },
    {
      name: 'two equal workers held back by a crowded machine are parallel',
      m: () => spread([[45, 45]], { delay: 60, involuntary: 40 }),
      kind: 'calculating-parallel',
      workIn: 'threads',
      parallel: 2,
    },
    {
      // It wanted 4 cores on a 2-core machine: the count never exceeds the machine's.
      name: 'wanting 4 cores on a 2-core machine reports parallel on 2',
      m: () => spread([[35], [35], [35], [35]], { delay: 260, involuntary: 80 }),
      kind: 'calculating-parallel',
      workIn: 'processes',
      parallel: 2,
    },
  ];
  for (const c of table) {
    test(c.name, () => {
      const v = classify(c.m());
      assert.equal(v.kind, c.kind, `${v.summary}\n${v.reasons.join('\n')}`);
      if (c.workIn) assert.equal(v.workIn, c.workIn, v.reasons.join('\n'));
      if (c.parallel !== undefined) assert.equal(v.parallelCores, c.parallel, v.summary);
      if (v.parallelCores !== undefined) assert.ok(v.parallelCores <= c.m().machineCores, v.summary);
    });
  }
});

describe('classify(): how a waiting program waits', () => {
  const waitingWith = (waiting: Array<{ eventLoop: number; blocking: number } | undefined>) => {
    const m = measure(times(waiting.length, { cpu: 2, voluntary: 40 }));
    m.intervals.forEach((i, k) => {
      const w = waiting[k];
      if (w) i.waiting = w;
    });
    return classify(m);
  };
  test('in an event loop when at least half the samples saw one', () => {
    const v = waitingWith([{ eventLoop: 1, blocking: 0 }, { eventLoop: 1, blocking: 3 }, { eventLoop: 0, blocking: 1 }, { eventLoop: 1, blocking: 0 }]);
    assert.equal(v.kind, 'waiting');
    assert.equal(v.waitsIn, 'event-loop');
    assert.ok(v.reasons.some((r) => /waits in an event loop \(epoll, poll or select\) in 75% of the samples/.test(r)), v.reasons.join('\n'));
  });
  test('blocked in threads when the median sample saw two or more', () => {
    const v = waitingWith([{ eventLoop: 0, blocking: 8 }, { eventLoop: 0, blocking: 7 }, { eventLoop: 0, blocking: 1 }]);
    assert.equal(v.waitsIn, 'threads');
    assert.ok(v.reasons.some((r) => /blocked in 7 threads at once/.test(r)), v.reasons.join('\n'));
  });
  test('blocked in one thread otherwise', () => {
    assert.equal(waitingWith([{ eventLoop: 0, blocking: 1 }, { eventLoop: 0, blocking: 2 }, { eventLoop: 0, blocking: 1 }]).waitsIn, 'one-thread');
  });
  test('unknown when the kernel never said', () => {
    const v = waitingWith([undefined, { eventLoop: 0, blocking: 0 }, undefined]);
    assert.equal(v.waitsIn, undefined);
    assert.equal('waitsIn' in v, false);
  });
});
