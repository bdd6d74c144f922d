/**
 * The child-process pools a user would pick instead of boundwise processes(),
 * each set up the same way (2 children, fixed, the same no-op task module,
 * the same Node flags for the children), behind the same small shape as the
 * thread peers.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Tinypool } from 'tinypool';
import { FixedClusterPool } from 'poolifier';
import type { processes as processesFn } from '../../src/processes/index.js';
import type { threads as threadsFn } from '../../src/threads/index.js';
import type { tasks as tasksFn } from '../../src/task.js';
import { boundedClose, echoClient, type Contender } from './dispatch.js';

export type { Contender };

/** boundwise as the bench loads it (from source, or compiled: see bench/processes.ts). */
export interface Boundwise {
  processes: typeof processesFn;
  threads: typeof threadsFn;
  tasks: typeof tasksFn;
}

const here = (p: string) => new URL(`../workers/${p}`, import.meta.url);
export const CHILDREN = 2;

type NoopModule = { noop(x: unknown): unknown };

/** Every contender by name; `execArgv`: the children's Node flags, the same for all. */
export function processPeers(bw: Boundwise, execArgv: string[]): Record<string, () => Contender> {
  const t = bw.tasks<NoopModule>(here('noop-task.mjs'));
  return {
    'boundwise processes()': () => {
      const pool = bw.processes({ min: CHILDREN, max: CHILDREN, execArgv });
      return { name: 'boundwise processes()', run: (x) => pool.run(t.noop, x), close: () => pool.close() };
    },
    'tinypool child_process': () => {
      const pool = new Tinypool({
        filename: here('noop-task.mjs').href,
        runtime: 'child_process',
        minThreads: CHILDREN,
        maxThreads: CHILDREN,
        execArgv,
        // tinypool's default gives its children an EMPTY environment (it spreads a symbol). Every other
        // contender inherits process.env, so tinypool gets it too: same work at start-up (on this
        // machine NODE_EXTRA_CA_CERTS alone costs each new Node process ~40 ms).
        env: { ...process.env } as Record<string, string>,
      });
      return { name: 'tinypool child_process', run: (x) => pool.run(x), close: () => pool.destroy() };
    },
    // As configured in the thread benchmark: a task queue, one task per worker at a time.
    'poolifier cluster': () => {
      const pool = new FixedClusterPool(CHILDREN, here('poolifier-cluster-worker.cjs').pathname, {
        enableTasksQueue: true,
        settings: { execArgv },
      });
      const force = () => {
        for (const node of pool.workerNodes) node.worker.kill('SIGKILL');
      };
      return { name: 'poolifier cluster', run: (x) => pool.execute(x), close: () => boundedClose('poolifier cluster', () => pool.destroy(), force) };
    },
    'raw fork (advanced)': () => rawFork('advanced', execArgv),
    'raw fork (json)': () => rawFork('json', execArgv),
  };
}

/** threads(), for the ratio processes() / threads(). */
export function boundwiseThreads(bw: Boundwise, execArgv: string[]): Contender {
  const pool = bw.threads({ min: CHILDREN, max: CHILDREN, execArgv });
  const t = bw.tasks<NoopModule>(here('noop-task.mjs'));
  return { name: 'boundwise threads()', run: (x) => pool.run(t.noop, x), close: () => pool.close() };
}

/** The floor: two bare forked children, round-robin, one message per task, a map of resolvers. */
function rawFork(serialization: 'advanced' | 'json', execArgv: string[]): Contender {
  const children: ChildProcess[] = Array.from({ length: CHILDREN }, () => fork(here('process-echo.mjs'), { serialization, execArgv }));
  return echoClient(
    `raw fork (${serialization})`,
    children,
    (c, m) => c.send(m),
    (c, on) => c.on('message', on),
    async () => {
      await Promise.all(
        children.map((c) => {
          const exited = once(c, 'exit');
          c.kill();
          return exited;
        }),
      );
    },
  );
}
