// The tree sampler's accounting, on a hand-built /proc (real files in a temp dir):
// children reaped between samples are counted once, including the CPU they used
// after our last look and children too short-lived to be seen at all.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcReader } from '../../src/classify/procfs.js';
import { TreeSampler } from '../../src/classify/sampler.js';

const roots: string[] = [];
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

interface FakeThread {
  tid: number;
  runNs?: number;
  waitNs?: number;
  voluntary?: number;
  involuntary?: number;
  children?: number[];
  /** /proc/…/wchan: where it sleeps (no file: the kernel does not say). */
  wchan?: string;
}
interface FakeProcess {
  pid: number;
  ppid: number;
  utime: number;
  stime?: number;
  cutime?: number;
  cstime?: number;
  start?: number;
  rchar?: number;
  threads?: FakeThread[];
}

function stat(pid: number, ppid: number, u: number, s: number, cu: number, cs: number, start: number): string {
  // Fields 3.. of proc(5): state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime prio nice threads itreal starttime …
  return `${pid} (fake) S ${ppid} ${pid} ${pid} 0 -1 0 0 0 0 0 ${u} ${s} ${cu} ${cs} 20 0 1 0 ${start} 0 0\n`;
}

class FakeProc {
  readonly root = mkdtempSync(join(tmpdir(), 'fakeproc-'));
  constructor() {
    roots.push(this.root);
  }
  /** Replaces the whole tree with these processes (others vanish, as if reaped). */
  set(processes: FakeProcess[], selfCut: { cutime: number; cstime: number } = { cutime: 0, cstime: 0 }): void {
    rmSync(this.root, { recursive: true, force: true });
    mkdirSync(join(this.root, 'self'), { recursive: true });
    writeFileSync(join(this.root, 'stat'), 'cpu 0 0 0 0\n');
    writeFileSync(join(this.root, 'self', 'stat'), stat(1, 0, 0, 0, selfCut.cutime, selfCut.cstime, 1));
    for (const p of processes) {
      const dir = join(this.root, String(p.pid));
      mkdirSync(dir, { recursive: true });
      const start = p.start ?? p.pid;
      writeFileSync(join(dir, 'stat'), stat(p.pid, p.ppid, p.utime, p.stime ?? 0, p.cutime ?? 0, p.cstime ?? 0, start));
      writeFileSync(join(dir, 'status'), 'VmHWM:\t100 kB\nVmRSS:\t50 kB\n');
      writeFileSync(join(dir, 'io'), `rchar: ${p.rchar ?? 0}\nwchar: 0\nread_bytes: 0\nwrite_bytes: 0\n`);
      for (const t of p.threads ?? [{ tid: p.pid, runNs: p.utime * 1e7 }]) {
        const tdir = join(dir, 'task', String(t.tid));
        mkdirSync(tdir, { recursive: true });
        writeFileSync(join(tdir, 'stat'), stat(t.tid, p.ppid, 0, 0, 0, 0, start));
        writeFileSync(join(tdir, 'schedstat'), `${t.runNs ?? 0} ${t.waitNs ?? 0} 1\n`);
        writeFileSync(join(tdir, 'status'), `voluntary_ctxt_switches:\t${t.voluntary ?? 0}\nnonvoluntary_ctxt_switches:\t${t.involuntary ?? 0}\n`);
        writeFileSync(join(tdir, 'children'), (t.children ?? []).join(' '));
        if (t.wchan !== undefined) writeFileSync(join(tdir, 'wchan'), t.wchan);
      }
    }
  }
}

function sampler(fake: FakeProc, mode: 'spawn' | 'attach') {
  let now = 0;
  const s = new TreeSampler(100, { reader: new ProcReader(fake.root), mode, now: () => now, machineCores: 2, selfPid: 1, startMs: 0 });
  return {
    s,
    at(ms: number) {
      now = ms;
      s.sample();
    },
  };
}

describe('TreeSampler accounting', () => {
  test('a child reaped between samples: counted once, with the tail it ran after our last look', () => {
    const fake = new FakeProc();
    fake.set([
      { pid: 100, ppid: 1, utime: 10, threads: [{ tid: 100, children: [101] }] },
      { pid: 101, ppid: 100, utime: 20 },
    ]);
    const { s, at } = sampler(fake, 'spawn');
    at(100);
    // The child ran 5 more ticks (final 25), exited and was reaped: the root's cutime holds 25.
    // A second child, never seen, ran 7 ticks and was reaped too.
    fake.set([{ pid: 100, ppid: 1, utime: 15, cutime: 25 + 7 }]);
    at(200);
    const m = s.measurement();
    assert.equal(m.totals.userMs, (15 + 25 + 7) * 10);
    assert.equal(m.intervals.length, 2);
    assert.equal(m.intervals[0]!.userMs, 300);
    assert.equal(m.intervals[1]!.userMs, 170);
    assert.equal(m.totals.peakProcesses, 2);
  });

  test('spawn mode: our own cutime gives the root’s final CPU after it exits', () => {
    const fake = new FakeProc();
    fake.set([{ pid: 100, ppid: 1, utime: 30, stime: 4 }]);
    const { s, at } = sampler(fake, 'spawn');
    at(100);
    assert.equal(s.rootAlive, true);
    // The root ran to 42 user + 6 system ticks and we reaped it.
    fake.set([], { cutime: 42, cstime: 6 });
    at(150);
    assert.equal(s.rootAlive, false);
    const m = s.measurement();
    assert.equal(m.totals.userMs, 420);
    assert.equal(m.totals.systemMs, 60);
    assert.equal(m.totals.wallMs, 150);
  });

  test('a grandchild and its parent both reaped in one interval: no double counting', () => {
    const fake = new FakeProc();
    fake.set([
      { pid: 100, ppid: 1, utime: 1, threads: [{ tid: 100, children: [101] }] },
      { pid: 101, ppid: 100, utime: 2, threads: [{ tid: 101, children: [102] }] },
      { pid: 102, ppid: 101, utime: 3 },
    ]);
    const { s, at } = sampler(fake, 'spawn');
    at(100);
    // 102 ends at 4 and is reaped by 101; 101 ends at 5 own (+4 reaped) and is reaped by 100.
    fake.set([{ pid: 100, ppid: 1, utime: 1, cutime: 5 + 4 }]);
    at(200);
    assert.equal(s.measurement().totals.userMs, (1 + 5 + 4) * 10);
  });

  test('an orphan reparented away from the tree keeps what was counted of it', () => {
    const fake = new FakeProc();
    fake.set([
      { pid: 100, ppid: 1, utime: 1, threads: [{ tid: 100, children: [101] }] },
      { pid: 101, ppid: 100, utime: 2, threads: [{ tid: 101, children: [102] }] },
      { pid: 102, ppid: 101, utime: 3 },
    ]);
    const { s, at } = sampler(fake, 'spawn');
    at(100);
    // 101 exits (reaped by 100); 102 lives on, reparented to init, and keeps running.
    fake.set([
      { pid: 100, ppid: 1, utime: 1, cutime: 2 },
      { pid: 102, ppid: 999, utime: 8 },
    ]);
    at(200);
    assert.equal(s.measurement().totals.userMs, (1 + 2 + 8) * 10);
    assert.equal(s.measurement().totals.peakProcesses, 3);
  });

  test('attach mode counts only what happens after the first sample', () => {
    const fake = new FakeProc();
    fake.set([{ pid: 100, ppid: 50, utime: 1000, rchar: 5000, threads: [{ tid: 100, runNs: 9e9, voluntary: 400 }] }]);
    const { s, at } = sampler(fake, 'attach');
    at(1000);
    fake.set([{ pid: 100, ppid: 50, utime: 1010, rchar: 5600, threads: [{ tid: 100, runNs: 9.1e9, voluntary: 430 }] }]);
    at(1100);
    const m = s.measurement();
    assert.equal(m.totals.userMs, 100);
    assert.equal(m.totals.readBytes, 600);
    assert.equal(m.totals.voluntarySwitches, 30);
    assert.equal(m.totals.wallMs, 100);
    assert.equal(m.intervals.length, 1);
    assert.deepEqual(m.intervals[0]!.topThreadsMs, [100]);
  });

  test('threads: switches and run-queue delay summed over threads, an exited thread keeps its last values', () => {
    const fake = new FakeProc();
    fake.set([
      {
        pid: 100,
        ppid: 1,
        utime: 10,
        threads: [
          { tid: 100, runNs: 50e6, waitNs: 1e6, voluntary: 3 },
          { tid: 101, runNs: 40e6, waitNs: 2e6, voluntary: 10, involuntary: 1 },
        ],
      },
    ]);
    const { s, at } = sampler(fake, 'spawn');
    at(100);
    fake.set([{ pid: 100, ppid: 1, utime: 14, threads: [{ tid: 100, runNs: 90e6, waitNs: 5e6, voluntary: 8 }] }]);
    at(200);
    const m = s.measurement();
    assert.equal(m.totals.voluntarySwitches, 8 + 10);
    assert.equal(m.totals.involuntarySwitches, 1);
    assert.equal(m.totals.runDelayMs, 5 + 2);
    assert.deepEqual(m.intervals[0]!.topThreadsMs, [50, 40]);
    assert.deepEqual(m.intervals[1]!.topThreadsMs, [40]);
    assert.deepEqual(m.intervals.map((i) => i.busyThreadsVoluntarySwitches), [3 + 10, 5]);
    // Per interval, the threads' own run time (ns-precise) is the CPU figure.
    assert.deepEqual(m.intervals.map((i) => i.cpuMs), [90, 40]);
    assert.equal(m.totals.peakThreads, 2);
  });

  test('a reaped child seen before its parent’s cutime catches up: the dip is carried, not lost', () => {
    const fake = new FakeProc();
    fake.set([
      { pid: 100, ppid: 1, utime: 0, threads: [{ tid: 100, children: [101] }] },
      { pid: 101, ppid: 100, utime: 50 },
    ]);
    const { s, at } = sampler(fake, 'spawn');
    at(100);
    // The child is gone but the parent was read before its cutime was updated.
    fake.set([{ pid: 100, ppid: 1, utime: 0, cutime: 0 }]);
    at(200);
    fake.set([{ pid: 100, ppid: 1, utime: 0, cutime: 50 }]);
    at(300);
    const m = s.measurement();
    assert.equal(m.totals.userMs, 500);
    assert.ok(m.intervals.every((i) => i.userMs >= 0));
  });
});

test('run-queue delay reported in a lump when a starved thread finally runs is spread back over the intervals it waited in', () => {
  const fake = new FakeProc();
  const at0 = (runNs: number, waitNs: number) => fake.set([{ pid: 100, ppid: 1, utime: 0, threads: [{ tid: 100, runNs, waitNs }] }]);
  at0(0, 0);
  const { s, at } = sampler(fake, 'spawn');
  at(100);
  at(200);
  at0(10e6, 250e6);
  at(300);
  const delays = s.measurement().intervals.map((i) => i.runDelayMs);
  assert.deepEqual(delays, [60, 100, 90]);
});

test('CPU of children that came and went between samples still reaches the interval', () => {
  const fake = new FakeProc();
  fake.set([{ pid: 100, ppid: 1, utime: 0, threads: [{ tid: 100, runNs: 0 }] }]);
  const { s, at } = sampler(fake, 'spawn');
  at(100);
  // The root's thread barely ran, but it reaped unseen children worth 60 ms.
  fake.set([{ pid: 100, ppid: 1, utime: 0, cutime: 6, threads: [{ tid: 100, runNs: 1e6 }] }]);
  at(200);
  const m = s.measurement();
  assert.equal(m.intervals[1]!.userMs, 60);
  assert.equal(m.intervals[1]!.cpuMs, 50, 'the tick figure less one tick of slack');
});

test('where sleeping threads wait: an event loop, or a blocking call by a thread that has slept during the watch', () => {
  const fake = new FakeProc();
  const tree = (k: number): FakeProcess[] => [
    {
      pid: 100,
      ppid: 1,
      utime: k,
      threads: [
        { tid: 100, runNs: k * 1e6, voluntary: 10 * k, wchan: 'do_epoll_wait' },
        // Idle since it started (a pool's spare thread): its switches never grow.
        { tid: 101, voluntary: 1, wchan: 'futex_wait_queue' },
        // Blocks again and again (a sleep in a loop).
        { tid: 102, runNs: k * 1e5, voluntary: 5 * k, wchan: 'hrtimer_nanosleep' },
        // No wchan file: the kernel does not say.
        { tid: 103, voluntary: 3 * k },
      ],
    },
  ];
  const { s, at } = sampler(fake, 'spawn');
  fake.set(tree(1));
  at(100);
  fake.set(tree(2));
  at(200);
  const [first, second] = s.measurement().intervals;
  // First look: no thread has been seen sleeping between two looks yet.
  assert.deepEqual(first?.waiting, { eventLoop: 1, blocking: 0 });
  // The sleeper counts from then on; the idle pool thread never does.
  assert.deepEqual(second?.waiting, { eventLoop: 1, blocking: 1 });
});
