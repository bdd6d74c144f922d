// /proc parsers and duration parsing: pure, table-driven.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIo, parsePids, parseSchedstat, parseStat, parseStatus, parseWchan } from '../../src/classify/procfs.js';

describe('/proc parsers', () => {
  test('stat: a command name with spaces and parentheses', () => {
    const text = '4242 (my (odd) name) S 4241 4242 4000 0 -1 4194304 10 0 0 0 150 25 7 3 20 0 3 0 98765 1000 200 18446744073709551615 0\n';
    const s = parseStat(text);
    assert.ok(s);
    assert.equal(s.pid, 4242);
    assert.equal(s.comm, 'my (odd) name');
    assert.equal(s.state, 'S');
    assert.equal(s.ppid, 4241);
    assert.deepEqual([s.utime, s.stime, s.cutime, s.cstime], [150, 25, 7, 3]);
    assert.equal(s.numThreads, 3);
    assert.equal(s.startTime, 98765);
  });
  test('stat: garbage and truncated text give undefined', () => {
    assert.equal(parseStat(''), undefined);
    assert.equal(parseStat('12 (x) S 1 2'), undefined);
  });
  test('stat: this very process', async () => {
    const { readFileSync } = await import('node:fs');
    const s = parseStat(readFileSync('/proc/self/stat', 'utf8'));
    assert.equal(s?.pid, process.pid);
    assert.equal(s?.ppid, process.ppid);
  });
  test('schedstat', () => {
    assert.deepEqual(parseSchedstat('826455 110437 2\n'), { runNs: 826455, waitNs: 110437 });
    assert.equal(parseSchedstat(''), undefined);
  });
  test('status', () => {
    const text = 'Name:\tx\nVmHWM:\t   2048 kB\nVmRSS:\t   1024 kB\nvoluntary_ctxt_switches:\t17\nnonvoluntary_ctxt_switches:\t4\n';
    assert.deepEqual(parseStatus(text), { voluntary: 17, involuntary: 4, hwmBytes: 2048 * 1024, rssBytes: 1024 * 1024 });
    assert.deepEqual(parseStatus(''), { voluntary: 0, involuntary: 0, hwmBytes: 0, rssBytes: 0 });
  });
  test('io', () => {
    const text = 'rchar: 6976\nwchar: 12\nsyscr: 10\nsyscw: 1\nread_bytes: 4096\nwrite_bytes: 0\ncancelled_write_bytes: 0\n';
    assert.deepEqual(parseIo(text), { rchar: 6976, wchar: 12, readBytes: 4096, writeBytes: 0 });
    assert.equal(parseIo(''), undefined);
  });
  test('children', () => {
    assert.deepEqual(parsePids('12 13 \n'), [12, 13]);
    assert.deepEqual(parsePids(''), []);
  });
});

test('parseWchan: where a sleeping thread waits', () => {
  for (const name of ['do_epoll_wait', 'ep_poll', 'do_sys_poll', 'do_select', 'core_sys_select', 'poll_schedule_timeout.constprop.0'])
    assert.equal(parseWchan(`${name}\n`), 'event-loop', name);
  for (const name of ['hrtimer_nanosleep', 'futex_wait_queue', 'futex_do_wait', 'pipe_read', 'wait_woken', 'do_wait'])
    assert.equal(parseWchan(name), 'blocking', name);
  // Running, hidden by the kernel, or unreadable: it does not say.
  for (const text of ['0', '', '  ', undefined]) assert.equal(parseWchan(text), undefined);
});
