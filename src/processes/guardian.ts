/**
 * "No orphans" without a cost on each child's way to its first task: one small
 * shell process per thread that owns pools (the guardian) holds the read end of
 * a pipe whose write end only this process has. The pool tells it the pid of
 * each child it starts ("+ pid") and of each child it has seen exit ("- pid").
 * When this process dies, however it dies (SIGKILL included), the kernel closes
 * the write end, the guardian reads the end of its input, and kills the children
 * left with SIGKILL, which needs no cooperation from a child stuck in synchronous
 * code. The same happens when the thread that owns the pools ends (its handles
 * are closed), as with the kernel's parent-death signal, which is sent when the
 * thread that forked dies.
 *
 * It replaces `setpriv --pdeathsig KILL` (deathsig.ts, still the fallback where
 * no shell can be started) on the path of every child: setpriv's own exec put
 * Node's start ~1.3 ms later in each child (start-up timelines, bench/processes.ts
 * (c)) and cost ~2 ms of CPU per child; the guardian is started once per thread,
 * just after the first child (which is still loading Node meanwhile), for ~1 ms of
 * the parent's time. A child whose parent died before the guardian knew it is
 * covered by its own check at start (child.ts: its parent's pid).
 *
 * It lives while this thread has children: when the last one has exited (its pools closed),
 * its input is ended and it leaves, and the next child starts another.
 *
 * The guardian ignores SIGINT, SIGTERM, SIGHUP and SIGQUIT: a Ctrl-C or a
 * signal to the process group that this process survives (a graceful shutdown)
 * must not leave the children unguarded; it ends with its input.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Writable } from 'node:stream';

const SHELL = '/bin/sh';
// Pure shell built-ins: no process is started per line. `kill -9` with the list left at the end.
const SCRIPT = `trap '' INT TERM HUP QUIT
pids=''
while read -r op pid; do
  case "$op" in
    +) pids="$pids $pid" ;;
    -) kept=''; for p in $pids; do [ "$p" = "$pid" ] || kept="$kept $p"; done; pids=$kept ;;
  esac
done
[ -n "$pids" ] && kill -9 $pids 2>/dev/null
exit 0`;

type Refable = { unref?: () => void };

let process_: ChildProcess | undefined;
let input: Writable | undefined;
let starting = false;
let failed: boolean | undefined;
/** Guardians that died while children were left to guard; past a few, this way is given up. */
let restarts = 0;
/** Children started and not yet seen to exit: told to a guardian that is (re)started. */
const children = new Set<number>();

/** Whether children can be guarded this way here (Linux, where the pool used setpriv; not disabled). */
export function canUseGuardian(): boolean {
  if (process.platform !== 'linux' || process.env.BOUNDWISE_NO_PDEATHSIG === '1' || process.env.BOUNDWISE_NO_GUARDIAN === '1') return false;
  failed ??= !existsSync(SHELL);
  return !failed;
}

/**
 * Guard `pid` from now on. The guardian is started by the first child's call, just after that child
 * was spawned (Node is still loading in it): from then on no child is unguarded, not even one whose
 * parent is stuck in synchronous code right after making the pool.
 */
export function guard(pid: number): void {
  children.add(pid);
  if (input) tell(`+ ${pid}\n`);
  else if (!starting) start();
}

/** `pid` has exited (and been reaped): its number may be reused, so it must not be killed. */
export function release(pid: number): void {
  if (!children.delete(pid)) return;
  // Told first in any case: a pid that was reaped may be reused, and must not be killed at the end.
  if (input) tell(`- ${pid}\n`);
  if (children.size > 0) return;
  // No child left to guard (the pools were closed): the guardian leaves too, so that nothing of
  // boundwise outlives close(). The next child starts another (~1 ms of this thread's time).
  const last = input;
  process_ = undefined;
  input = undefined;
  restarts = 0;
  last?.end();
}

function tell(line: string): void {
  try {
    input?.write(line);
  } catch {
    // the guardian is gone: 'exit' below starts another for the next child
  }
}

function start(): void {
  starting = false;
  if (failed) return;
  let child: ChildProcess;
  try {
    child = spawn(SHELL, ['-c', SCRIPT], { stdio: ['pipe', 'ignore', 'ignore'] });
  } catch {
    failed = true;
    return;
  }
  if (child.pid === undefined) {
    child.on('error', () => {});
    failed = true;
    return;
  }
  process_ = child;
  input = child.stdin as Writable;
  // A write after the guardian died fails with EPIPE: the next child starts a new one.
  input.on('error', () => {});
  child.on('error', () => {});
  child.on('exit', () => {
    if (process_ !== child) return;
    process_ = undefined;
    input = undefined;
    // Killed by someone: another guards the children left (from the next turn of the event loop).
    if (children.size > 0 && !starting && ++restarts <= 3) {
      starting = true;
      setImmediate(start);
    }
  });
  // It must never keep this process alive.
  child.unref();
  (input as Refable).unref?.();
  if (children.size > 0) tell([...children].map((pid) => `+ ${pid}\n`).join(''));
}
