/**
 * Runs a program (or attaches to one), samples its process tree until it ends,
 * and builds the report.
 *
 *   spawn ─► sample now, then every interval ─► 'exit' ─► final sample
 *            (our cutime now holds the root's final CPU) ─► verdict ─► report
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { ClassifyExit, usageError } from './errors.js';
import { detectLanguage, type DetectedLanguage } from './language.js';
import { parseStat, type ProcReader } from './procfs.js';
import { recommend } from './recommend.js';
import type { ClassifyReport } from './report.js';
import { TreeSampler } from './sampler.js';
import type { Language } from './types.js';
import { classify } from './verdict.js';

export interface WatchOptions {
  reader: ProcReader;
  intervalMs: number;
  machineCores: number;
  /** --lang, when given. */
  language?: Language;
  /** Send the program's stdout to our stderr (so stdout carries only the JSON report). */
  stdoutToStderr: boolean;
}

export function ensureLinux(reader: ProcReader): void {
  if (process.platform !== 'linux' || !reader.available()) {
    throw new ClassifyExit(
      `boundwise classify needs Linux: it reads the kernel's accounting from /proc, and ${reader.root} has none on this system (${process.platform})`,
      1,
    );
  }
}

function report(
  base: Pick<ClassifyReport, 'mode' | 'command' | 'pid' | 'exit'>,
  sampler: TreeSampler,
  argv: string[],
  options: WatchOptions,
): ClassifyReport {
  const measurement = sampler.measurement();
  const verdict = classify(measurement);
  const language: DetectedLanguage = options.language
    ? { language: options.language, source: '--lang' }
    : detectLanguage(argv, measurement.executables);
  return {
    ...base,
    intervalMs: options.intervalMs,
    language,
    measurement,
    verdict,
    recommendation: recommend(verdict, language.language, measurement.machineCores),
  };
}

/** Runs `argv`, passing stdio through; resolves when it exits, with its exit code. */
export async function classifySpawn(argv: string[], options: WatchOptions): Promise<{ report: ClassifyReport; exitCode: number }> {
  const [command, ...args] = argv;
  if (command === undefined) throw usageError('no command given after --');
  const startMs = performance.now();
  const child = spawn(command, args, { stdio: options.stdoutToStderr ? ['inherit', 2, 'inherit'] : 'inherit' });

  const spawned = await new Promise<{ ok: true } | { ok: false; error: NodeJS.ErrnoException }>((resolve) => {
    child.once('spawn', () => resolve({ ok: true }));
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, error }));
  });
  if (!spawned.ok) {
    const code = spawned.error.code;
    if (code === 'ENOENT') throw new ClassifyExit(`command not found: ${command}`, 127);
    if (code === 'EACCES') throw new ClassifyExit(`cannot execute ${command}: permission denied`, 126);
    throw new ClassifyExit(`cannot start ${command}: ${spawned.error.message}`, 126);
  }
  const pid = child.pid!;
  const sampler = new TreeSampler(pid, {
    reader: options.reader,
    mode: 'spawn',
    now: () => performance.now(),
    machineCores: options.machineCores,
    startMs,
  });

  // Ctrl-C reaches the program through the terminal's process group: let it decide,
  // and stay alive to report. Termination requests aimed at us are passed on.
  const ignore = () => {};
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', ignore);
  process.on('SIGTERM', forward);
  process.on('SIGHUP', forward);

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  sampler.sample();
  const timer = setInterval(() => sampler.sample(), options.intervalMs);
  const exit = await exited;
  clearInterval(timer);
  process.off('SIGINT', ignore);
  process.off('SIGTERM', forward);
  process.off('SIGHUP', forward);
  sampler.sample();

  const exitCode = exit.signal ? 128 + (constants.signals[exit.signal] ?? 0) : (exit.code ?? 1);
  return { report: report({ mode: 'spawn', command: argv, pid, exit }, sampler, argv, options), exitCode };
}

/** Watches a running process for `durationMs` or until it exits (or Ctrl-C). */
export async function classifyPid(pid: number, durationMs: number, options: WatchOptions): Promise<{ report: ClassifyReport }> {
  const stat = parseStat(options.reader.read(pid, 'stat') ?? '');
  if (!stat) throw usageError(`no process with PID ${pid} (nothing at ${options.reader.root}/${pid})`);
  const argv = (options.reader.read(pid, 'cmdline') ?? '').split('\0').filter((s) => s.length > 0);
  const sampler = new TreeSampler(pid, {
    reader: options.reader,
    mode: 'attach',
    now: () => performance.now(),
    machineCores: options.machineCores,
  });
  sampler.sample();
  const seconds = durationMs / 1000;
  process.stderr.write(
    `boundwise classify: watching pid ${pid} (${argv.join(' ') || stat.comm}) for ${seconds} s or until it exits; Ctrl-C stops early\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      clearInterval(timer);
      clearTimeout(deadline);
      process.off('SIGINT', stop);
      resolve();
    };
    const timer = setInterval(() => {
      sampler.sample();
      if (!sampler.rootAlive) stop();
    }, options.intervalMs);
    const deadline = setTimeout(stop, durationMs);
    process.on('SIGINT', stop);
  });
  if (sampler.rootAlive) sampler.sample();
  const exit = sampler.rootAlive ? undefined : { code: null, signal: null };
  return { report: report({ mode: 'attach', command: argv, pid, ...(exit && { exit }) }, sampler, argv, options) };
}
