/**
 * The cheap form of "no orphans" on Linux: the kernel kills a child when its
 * parent dies, if the child asked it to (prctl PR_SET_PDEATHSIG). Node cannot
 * make that call, but util-linux's `setpriv --pdeathsig KILL` can, just before
 * it execs Node in the same process: the child is spawned as setpriv, with Node,
 * Node's flags and the entry as setpriv's arguments. The child's pid, stdio and
 * environment are Node's own, as with a plain spawn of Node.
 *
 * Unlike the watchdog thread (watchdog.ts, the fallback elsewhere), it costs no
 * thread and no memory in the child, only setpriv's own exec before Node's
 * (~2 ms of CPU a child here), and it works however busy the child's main
 * thread is, at once rather than within a second.
 *
 * Two limits, both covered: the signal is sent when the *thread* that forked
 * dies — a pool made inside a worker thread loses its children with that
 * thread, which owns it anyway; and a parent that dies between fork and prctl
 * is missed, so the child also checks, once started, that its parent is still
 * the one that forked it (child.ts, via BOUNDWISE_PARENT_PID).
 */
import { readFileSync } from 'node:fs';

const SETPRIV = '/usr/bin/setpriv';
let usable: boolean | undefined;

/** Whether children can be started through `setpriv --pdeathsig` here (checked once per process). */
export function canUseDeathSignal(): boolean {
  if (usable !== undefined) return usable;
  if (process.platform !== 'linux' || process.env.BOUNDWISE_NO_PDEATHSIG === '1') return (usable = false);
  // An old setpriv (before util-linux 2.33), or busybox's, does not know the flag. Its name is in the
  // binary of one that does (getopt's table of long options, the usage text): reading 80 KB costs
  // well under a millisecond, where running `setpriv --pdeathsig KILL -- true` once blocked the
  // user's first pool for 2.5–3 ms (spawnSync).
  try {
    return (usable = readFileSync(SETPRIV).includes('pdeathsig'));
  } catch {
    return (usable = false); // no setpriv here
  }
}

/**
 * How `spawn()` must be called for a child that dies with its parent: setpriv,
 * then Node and `nodeArgs` (its flags, the script, the script's arguments).
 */
export function deathSignalSpawn(nodeArgs: string[]): { command: string; args: string[] } {
  return { command: SETPRIV, args: ['--pdeathsig', 'KILL', '--', process.execPath, ...nodeArgs] };
}
