/**
 * The second half of "no orphans". A child leaves when its socket to the pool
 * ends (child.ts), but that event needs the child's event loop, and a child busy
 * in a long synchronous calculation (what processes() is for) would keep
 * running for as long as the calculation lasts, or forever. On Linux a guardian
 * process kills the children when the pool's process dies (guardian.ts), else
 * the kernel does (deathsig.ts). Elsewhere each
 * child starts one tiny thread that does nothing but check, once a second, whether
 * its parent is still the process that forked it; when it is not (the parent
 * died and the child was re-parented), it kills its own process with SIGKILL,
 * which needs no cooperation from the busy main thread.
 *
 * The thread costs about 1.5 MB and a few ms of CPU at start-up, off the path
 * to 'ready'. It gets no execArgv, so no loader (tsx) is loaded into it.
 */
const CHECK_EVERY_MS = 1_000;

/**
 * Set by the pool to its pid when the child is guarded by the guardian process
 * (guardian.ts) or was started under `setpriv --pdeathsig` (deathsig.ts): the
 * child is then killed with its parent, and the thread is not needed. Empty otherwise.
 */
export const PARENT_PID_ENV = 'BOUNDWISE_PARENT_PID';

/**
 * No orphans, by the cheapest means this child has: the kernel's death signal
 * if the pool set one up (then only the race before it was set is checked
 * here), else the watchdog thread.
 */
export function watchParent(): void {
  const parent = process.env[PARENT_PID_ENV];
  delete process.env[PARENT_PID_ENV];
  if (parent) {
    // The parent died before this child started (between fork and prctl, or before the guardian had its pid).
    if (process.ppid !== Number(parent)) process.kill(process.pid, 'SIGKILL');
    return;
  }
  startWatchdogThread();
}

function startWatchdogThread(): void {
  const source = `
    const ppid = ${process.ppid};
    setInterval(() => {
      if (process.ppid !== ppid) process.kill(${process.pid}, 'SIGKILL');
    }, ${CHECK_EVERY_MS});
  `;
  // Imported here, not at the top: on Linux (the death signal) a child never loads node:worker_threads.
  void import('node:worker_threads').then(({ Worker }) => {
    const worker = new Worker(source, { eval: true, execArgv: [], env: {}, stdout: false, stderr: false });
    // It must never keep the child alive, nor take it down if it fails.
    worker.unref();
    worker.on('error', () => {});
  });
}
