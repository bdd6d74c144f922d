// Preloaded into every test file's process by scripts/test.mjs (with --test-force-exit).
//
// Once the file's last test has finished, Node's test runner calls process.exit(). Here that
// call is held back: the process is left to exit by itself, as a user's process must once every
// executor is closed. If it is still alive LEAK_GRACE_MS later, something the tests started
// keeps it alive (a 127.0.0.1 listener, a pool, a child process, a timer): the file is reported
// with what is still open and ends with exit code 70, so the run fails clearly instead of hanging.
//
//   tests done ─▶ runner calls process.exit(code) ─▶ held: exitCode = code, an unref'd timer
//     ├─ the event loop empties ─▶ the process exits by itself (exit code = the tests')
//     └─ the timer fires (the loop is still alive) ─▶ report the open handles, exit(1)
//
// The grace is a safety net, not a timing assertion: cleanup that is already under way (a worker
// terminating, a child's exit being reaped) finishes in far less, however loaded the machine.
import { inspect } from 'node:util';
import workerThreads from 'node:worker_threads';
import { syncBuiltinESMExports } from 'node:module';

const LEAK_GRACE_MS = Number(process.env.BOUNDWISE_TEST_LEAK_GRACE_MS ?? 30_000);
// scripts/test.mjs reads this code as "the file leaked" (a failing test exits with 1).
const LEAK_EXIT_CODE = 70;
const file = process.argv[1] ?? '(unknown file)';
const realExit = process.exit.bind(process);

// A worker thread keeps its parent alive but is not among Node's active handles: the live ones
// are tracked here (every `import { Worker }` sees this subclass: syncBuiltinESMExports).
const liveWorkers = new Map();
const BuiltinWorker = workerThreads.Worker;
class TrackedWorker extends BuiltinWorker {
  constructor(filename, options) {
    super(filename, options);
    liveWorkers.set(this, String(filename).slice(0, 200));
    this.once('exit', () => liveWorkers.delete(this));
  }
}
workerThreads.Worker = TrackedWorker;
syncBuiltinESMExports();

/** What keeps the loop alive, described for a person (stdio handles left out). */
function openHandles() {
  const std = new Set([process.stdin, process.stdout, process.stderr]);
  const described = [...liveWorkers].map(([w, what]) => `a worker thread ${w.threadId} (${what})`);
  for (const h of process._getActiveHandles?.() ?? []) {
    if (std.has(h)) continue;
    const kind = h?.constructor?.name ?? typeof h;
    if (kind === 'Server' && typeof h.address === 'function') described.push(`a server listening on ${inspect(h.address())}`);
    else if (kind === 'Socket' && h.remoteAddress === undefined) described.push('a pipe');
    else if (kind === 'Socket') described.push(`a socket ${h.localAddress ?? ''}:${h.localPort ?? ''} → ${h.remoteAddress ?? ''}:${h.remotePort ?? ''}`);
    else if (kind === 'ChildProcess') described.push(`a child process ${h.pid} (${(h.spawnargs ?? []).join(' ').slice(0, 200)})`);
    else described.push(kind);
  }
  const counts = new Map();
  for (const d of described) counts.set(d, (counts.get(d) ?? 0) + 1);
  return [...counts].map(([d, n]) => (n > 1 ? `${d} ×${n}` : d));
}

let held = false;
process.exit = function exitAfterTests(code) {
  const fromRunner = /node:internal\/test_runner/.test(new Error().stack ?? '');
  if (!fromRunner || held) return realExit(code);
  held = true;
  if (code !== undefined) process.exitCode = code;
  setTimeout(() => {
    const resources = process.getActiveResourcesInfo();
    process.stderr.write(
      `\n[test watchdog] ${file}: every test has finished, but the process is still alive ${LEAK_GRACE_MS} ms later.\n` +
        `  Something a test started was not closed. Still open: ${openHandles().join('; ') || '(no handle; see resources)'}\n` +
        `  Active resources: ${resources.join(', ')}\n`,
    );
    realExit(LEAK_EXIT_CODE);
  }, LEAK_GRACE_MS).unref();
};
