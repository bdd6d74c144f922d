/**
 * The live process table (Linux /proc), for tests that must prove no child
 * process is left behind. A zombie is dead (only not yet reaped), so it counts
 * as gone.
 */
import { readdirSync, readFileSync } from 'node:fs';

function stat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // "pid (comm) S ppid …": comm may contain spaces and parentheses; it ends at the last ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0] as string, ppid: Number(rest[1]) };
  } catch {
    return undefined;
  }
}

export function alive(pid: number): boolean {
  const s = stat(pid);
  return s !== undefined && s.state !== 'Z' && s.state !== 'X';
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Live processes whose parent is `ppid` and whose command line matches `command`. */
function childrenMatching(ppid: number, command: RegExp): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const s = stat(pid);
    if (s && s.ppid === ppid && s.state !== 'Z' && s.state !== 'X' && command.test(cmdline(pid))) out.push(pid);
  }
  return out;
}

/**
 * Live pool children (processes running the child entry) whose parent is `ppid`.
 * Other children are not ours to count: tsx, for one, runs an esbuild service.
 */
export function childrenOf(ppid: number): number[] {
  return childrenMatching(ppid, /processes\/child\.[jt]s/);
}

/** Live guardian processes (processes/guardian.ts: a `/bin/sh -c` script) whose parent is `ppid`. */
export function guardiansOf(ppid: number): number[] {
  return childrenMatching(ppid, /^\/bin\/sh -c trap '' INT TERM HUP QUIT/);
}

/**
 * Resolves once none of `pids` is alive, polling; rejects with the survivors
 * after `limitMs` (a safety bound for a hung test, not a timing assertion).
 */
export async function allGone(pids: number[], limitMs = 15_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const left = pids.filter(alive);
    if (left.length === 0) return;
    if (Date.now() > deadline) throw new Error(`still alive after ${limitMs} ms: ${left.join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
