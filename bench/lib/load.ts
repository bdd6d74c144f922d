/**
 * `--load`: CPU hogs beside a benchmark, one busy process per core asked for,
 * so a figure can be read "on a machine with no spare core" as well as quiet.
 * The hogs are plain `node -e 'for(;;){}'` children, killed when the bench ends
 * (and on their own if the bench dies: each one checks that its parent lives).
 */
import { spawn, type ChildProcess } from 'node:child_process';

const HOG = `const p = process.ppid; setInterval(() => { if (process.ppid !== p) process.exit(0); }, 500).unref();
  const end = Date.now() + 600000; (function spin() { const t = Date.now() + 400; while (Date.now() < t); if (Date.now() < end) setImmediate(spin); })();`;

export interface Load {
  readonly hogs: number;
  stop(): void;
}

/** Start `count` CPU hogs (0: none). */
export function startLoad(count: number): Load {
  const children: ChildProcess[] = Array.from({ length: count }, () => spawn(process.execPath, ['-e', HOG], { stdio: 'ignore' }));
  for (const c of children) c.unref();
  const stop = () => {
    for (const c of children) c.kill('SIGKILL');
  };
  process.once('exit', stop);
  return { hogs: count, stop };
}

/** The hog count a bench was asked for: `--load` = one per core's worth given (`--load=2`), default 2. */
export function loadFromArgv(argv: readonly string[]): number {
  const arg = argv.find((a) => a === '--load' || a.startsWith('--load='));
  if (!arg) return 0;
  const n = arg.includes('=') ? Number(arg.slice('--load='.length)) : 2;
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new RangeError(`--load takes a whole number of CPU hogs from 0 to 64, not ${arg.slice(7)}`);
  return n;
}
