import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { childPids, procAvailable, reapedChildrenCpuMs, rssMb } from '../../src/demo/proc.js';
import { measure } from '../../src/demo/measure.js';

test('/proc: a child is found with its memory, and its CPU time is ours once it has exited', { skip: !procAvailable && 'no /proc' }, async () => {
  const before = reapedChildrenCpuMs()!;
  // The child burns CPU, says so, then idles until killed.
  const child = spawn(process.execPath, ['-e', 'const end = Date.now() + 300; while (Date.now() < end); console.log("busy done"); setTimeout(() => {}, 10_000)'], { stdio: ['ignore', 'pipe', 'ignore'] });
  await once(child.stdout!, 'data');
  assert.ok(childPids().includes(child.pid!));
  assert.ok(rssMb(child.pid!) > 0);
  child.kill();
  await once(child, 'exit');
  assert.ok(reapedChildrenCpuMs()! > before, 'the child burned CPU and was reaped');
  assert.equal(rssMb(child.pid!), 0);
  assert.ok(!childPids().includes(child.pid!));
});

test('measure() returns the value with wall, CPU and memory figures', async () => {
  const m = await measure(async () => 42, { children: true });
  assert.equal(m.value, 42);
  assert.ok(m.wallMs >= 0 && m.cpuMs >= 0 && m.peakRssMb > 0);
  assert.equal(m.cpuScope, procAvailable ? 'process+children' : 'process');
});
