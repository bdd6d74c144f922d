/**
 * Which of the parent's Node flags a `processes()` child inherits. A child runs
 * the pool's own entry script, so flags that name a program to run, or make
 * the process a test runner, a watcher or a debugger on a port, must stay with
 * the parent: inherited, `node -e "…processes()…"` would run its script again
 * in every child (each starting a pool of its own, a fork bomb), `--test` and
 * `--watch` would turn each child into a runner, and `--inspect` children would
 * fight over one port. `--input-type` goes with `-e`: Node refuses it for a file.
 *
 * Everything else passes through, notably loaders and preloads (`--import`,
 * `--require`, `--loader`, `--experimental-*`), memory and diagnostic flags, so
 * TypeScript tasks load in children as in the parent. Flags the user gives in
 * `processes({ execArgv })` are used as given: this filter is for inherited ones.
 */

/** Dropped flags that take their value as the next argument when written without `=`. */
const DROPPED_WITH_VALUE = new Set([
  '-e',
  '--eval',
  '-p',
  '--print',
  '-pe',
  '--run',
  '--input-type',
  '--watch-path',
  '--watch-kill-signal',
  '--inspect-port',
  '--debug-port',
  '--inspect-publish-uid',
  '--test-reporter',
  '--test-reporter-destination',
  '--test-name-pattern',
  '--test-skip-pattern',
  '--test-shard',
  '--test-concurrency',
  '--test-timeout',
  '--test-isolation',
  '--test-global-setup',
  '--test-coverage-include',
  '--test-coverage-exclude',
  '--test-coverage-branches',
  '--test-coverage-functions',
  '--test-coverage-lines',
]);

/** Dropped flags that stand alone (or carry their value after `=`). */
function droppedAlone(name: string): boolean {
  return (
    name === '-i' ||
    name === '--interactive' ||
    name === '-c' ||
    name === '--check' ||
    name === '--test' ||
    name.startsWith('--test-') ||
    name === '--watch' ||
    name.startsWith('--watch-') ||
    name.startsWith('--inspect') ||
    name.startsWith('--debug')
  );
}

/** The parent's flags minus those that must not reach a child (see the module comment). */
export function inheritableExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let k = 0; k < execArgv.length; k++) {
    const arg = execArgv[k] as string;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (name === arg && DROPPED_WITH_VALUE.has(name)) {
      k++; // its value too
      continue;
    }
    if (DROPPED_WITH_VALUE.has(name) || droppedAlone(name)) continue;
    out.push(arg);
  }
  return out;
}
