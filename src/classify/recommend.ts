/**
 * The recommendation, in the program's own language. Pure: verdict + language +
 * machine cores in, lines of advice out.
 */
import type { BusyKind, Language, Recommendation, Verdict } from './types.js';

type Advice = Record<'waiting' | BusyKind, (cores: number, v: Verdict) => string[]>;

const NO_PROCESSES = 'Processes would add start-up and copying cost without gain: the CPU is mostly idle.';

const PYTHON: Advice = {
  // Never what it already does (issue 13: an asyncio program was told to use asyncio).
  waiting: (_cores, v) =>
    v.waitsIn === 'event-loop'
      ? [
          'It already overlaps its waits on an event loop (asyncio or the like): more cores will not help. To go faster, keep more waits in flight at once (a larger gather() or Semaphore limit, a bigger connection pool), or make each wait shorter.',
          'Keep blocking calls off that loop: asyncio.to_thread() for a library that only blocks.',
          NO_PROCESSES,
        ]
      : v.waitsIn === 'threads'
        ? [
            'It already blocks in several threads at once (threading or a ThreadPoolExecutor; the GIL is released while they wait). For more waits in flight, raise max_workers, or use asyncio (aiohttp, httpx, asyncpg) to keep thousands in flight on one thread.',
            NO_PROCESSES,
          ]
        : [
            'Overlap the waits: use asyncio (async/await with an async client such as aiohttp, httpx or asyncpg) to keep thousands of waits in flight on one thread.',
            'Where a library only blocks, run those calls in threads: concurrent.futures.ThreadPoolExecutor or asyncio.to_thread — the GIL is released while they wait.',
            NO_PROCESSES,
          ],
  'calculating-one-core': (cores, v) =>
    v.workIn === 'processes'
      ? [
          `It already runs in several processes, yet about one core's worth was used: the workers wait on each other or on the parent that feeds them one item at a time.`,
          'Hand each worker bigger pieces (chunksize= in Pool.map / Pool.imap / ProcessPoolExecutor.map) so they spend their time computing, not waiting for the next item.',
        ]
      : [
          `The work is CPU-bound on one core. To use the other ${cores - 1} core(s), run it in processes: concurrent.futures.ProcessPoolExecutor(max_workers=${cores}) or multiprocessing.Pool(${cores}).`,
          'Threads will not help pure-Python CPU work: they share one GIL. Keep each task large enough (tens of ms) to pay for pickling its input and result.',
        ],
  'lock-bound': (cores) => [
    "Several threads compute but take turns on one lock — in CPython, the GIL. More threads will not help; they only add switching.",
    `Move the CPU work to processes: concurrent.futures.ProcessPoolExecutor(max_workers=${cores}) or multiprocessing.Pool(${cores}), each with its own interpreter and GIL.`,
    'Native code that releases the GIL (hashlib, zlib, NumPy) may stay in threads.',
  ],
  'calculating-parallel': (cores, v) => [
    v.workIn === 'threads'
      ? `Already parallel on ${v.parallelCores ?? 2} cores in threads of one process: the work runs outside the GIL (native code such as hashlib, zlib or NumPy, or a free-threaded build), so the threads are doing their job.`
      : `Already parallel on ${v.parallelCores ?? 2} cores: processes (multiprocessing / ProcessPoolExecutor) are doing their job.`,
    (v.parallelCores ?? 2) < cores
      ? `The machine has ${cores} cores: a pool of ${cores} workers could go further.`
      : 'It uses every core the machine has: to go faster, do less work per item or add machines.',
  ],
};

const NODE: Advice = {
  waiting: () => [
    "Keep it on the event loop: boundwise loop() runs many waits at once with a concurrency limit, deadlines and cancellation.",
    'Threads or processes would add start-up and copying cost without gain: the CPU is mostly idle.',
  ],
  'calculating-one-core': (cores, v) =>
    v.workIn === 'processes' || v.workIn === 'threads'
      ? [
          `It already hands work to ${v.workIn === 'processes' ? 'child processes' : 'worker threads'}, yet about one core's worth was used: the workers wait on each other or on the main thread that feeds them.`,
          `Send them bigger pieces (map({ chunkSize }) in boundwise), keep ${cores} of them busy at once, and keep the main thread free of CPU work.`,
        ]
      : [
          `CPU work on the main thread blocks the event loop. Move it to boundwise threads() — worker_threads are truly parallel in Node — with up to ${cores} workers.`,
          'Use processes() when the work needs isolation (native crashes, memory limits); auto() measures each task and picks for you.',
        ],
  'lock-bound': (cores) => [
    'Several threads compute but take turns: they contend on one lock (Atomics.wait on a shared mutex, a synchronous call, or a single shared resource).',
    `Give each worker independent work with boundwise threads() (up to ${cores}), or processes() when the lock lives in a native library.`,
  ],
  'calculating-parallel': (cores, v) => [
    `Already parallel on ${v.parallelCores ?? 2} cores: ${v.workIn === 'processes' ? 'the processes are' : v.workIn === 'threads' ? 'the worker threads are' : 'threads() / processes() are'} doing their job.`,
    (v.parallelCores ?? 2) < cores
      ? `The machine has ${cores} cores: a pool of ${cores} workers could go further.`
      : 'It uses every core the machine has: to go faster, do less work per item or add machines.',
  ],
};

const NEUTRAL: Advice = {
  waiting: (_cores, v) => [
    v.waitsIn === 'event-loop'
      ? 'The program mostly waits, already on an event loop: more cores will not help. To go faster, keep more waits in flight at once (more connections or concurrent requests), or make each wait shorter.'
      : v.waitsIn === 'threads'
        ? 'The program mostly waits, blocked in several threads at once: more cores will not help. For more waits in flight, more threads or connections, or asynchronous I/O on an event loop.'
        : 'The program mostly waits: overlap the waits with asynchronous I/O (an event loop) or more threads or connections; more cores will not help.',
  ],
  'calculating-one-core': (cores) => [
    `The program calculates on one core. Split the work across ${cores} workers — threads if the language runs them in parallel, processes if it has a global interpreter lock.`,
  ],
  'lock-bound': (cores) => [
    'Several threads compute but take turns on one lock (a global interpreter lock or a shared mutex): more threads will not help.',
    `Use ${cores} processes, or make the threads share less.`,
  ],
  'calculating-parallel': (cores, v) => [
    `Already parallel on ${v.parallelCores ?? 2} cores.`,
    (v.parallelCores ?? 2) < cores ? `The machine has ${cores} cores: ${cores} workers could go further.` : 'It uses every core the machine has.',
  ],
};

const MIXED: Record<Language, string> = {
  python:
    'It both waits and calculates: keep the waits in asyncio and hand the CPU part to a ProcessPoolExecutor with loop.run_in_executor().',
  node: 'It both waits and calculates: keep the waits on loop() and hand the CPU tasks to threads() — or let auto() route each task by measurement.',
  other: 'It both waits and calculates: overlap the waits asynchronously and hand the CPU part to a pool of workers.',
};

export function recommend(verdict: Verdict, language: Language, machineCores: number): Recommendation {
  const advice = language === 'python' ? PYTHON : language === 'node' ? NODE : NEUTRAL;
  const cores = Math.max(1, machineCores);
  if (verdict.kind === 'mixed') {
    const busy = verdict.busyKind ?? 'calculating-one-core';
    return { language, lines: [MIXED[language], ...advice[busy](cores, verdict)] };
  }
  return { language, lines: advice[verdict.kind](cores, verdict) };
}
