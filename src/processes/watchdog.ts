/**
 * The second half of "no orphans". A child leaves when its IPC channel closes
 * ('disconnect'), but that event needs the child's event loop, and a child busy
 * in a long synchronous calculation (what processes() is for) would keep
 * running for as long as the calculation lasts, or forever. So each child also
 * starts one tiny thread that does nothing but check, once a second, whether
 * its parent is still the process that forked it; when it is not (the parent
 * died and the child was re-parented), it kills its own process with SIGKILL,
 * which needs no cooperation from the busy main thread.
 *
 * The thread costs about 1.5 MB and a few ms of CPU at start-up, off the path
 * to 'ready'. It gets no execArgv, so no loader (tsx) is loaded into it.
 */
import { Worker } from 'node:worker_threads';

const CHECK_EVERY_MS = 1_000;

export function watchParent(): void {
  const source = `
    const ppid = ${process.ppid};
    setInterval(() => {
      if (process.ppid !== ppid) process.kill(${process.pid}, 'SIGKILL');
    }, ${CHECK_EVERY_MS});
  `;
  const worker = new Worker(source, { eval: true, execArgv: [], env: {}, stdout: false, stderr: false });
  // It must never keep the child alive, nor take it down if it fails.
  worker.unref();
  worker.on('error', () => {});
}
