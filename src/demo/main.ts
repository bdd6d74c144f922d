/**
 * The demo runner: every scenario (or those named), measured one after the
 * other, then one table per scenario — or the results as JSON. Used by
 * `npm run demo`, `npx boundwise demo` and each example's own main.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { renderScenario, ruleScore } from './format.js';
import { progress, type ProgressSink } from '../format/progress.js';
import { scenarios } from './scenarios/index.js';
import type { ScenarioResult } from './types.js';

export interface DemoOptions {
  quick?: boolean;
  /** true: JSON on stdout instead of the tables; a path: write it there as well as the tables. */
  json?: boolean | string;
  /** Scenario ids to run (default: all). */
  only?: string[];
  stdout?: { write(text: string): unknown };
  stderr?: ProgressSink;
}

export interface DemoReport {
  node: string;
  cpus: number;
  cpuModel: string;
  /** 1-minute load average when the demo started: other work on the machine skews every figure. */
  loadAverage: number;
  /** Whether the demo ran compiled (dist/) or from TypeScript source under tsx, where every thread and process compiles its modules on start. */
  runtime: 'compiled' | 'tsx';
  quick: boolean;
  totalMs: number;
  results: ScenarioResult[];
  ruleOfThumb: { right: number; wrong: number };
  ok: boolean;
}

export function unknownScenarios(only: string[] | undefined): string[] {
  return (only ?? []).filter((id) => !scenarios.some((s) => s.id === id));
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoReport> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const chosen = options.only?.length ? scenarios.filter((s) => options.only!.includes(s.id)) : scenarios;
  const bar = progress(chosen.reduce((n, s) => n + s.steps, 0), stderr);
  const load = loadavg()[0] ?? 0;
  const started = performance.now();
  const results: ScenarioResult[] = [];
  try {
    for (const s of chosen) results.push(await s.run({ quick: options.quick ?? false, onStep: (label) => bar.step(`${s.title}: ${label}`) }));
  } finally {
    bar.done();
  }
  const report: DemoReport = {
    node: process.version,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    loadAverage: load,
    runtime: import.meta.url.endsWith('.ts') ? 'tsx' : 'compiled',
    quick: options.quick ?? false,
    totalMs: performance.now() - started,
    results,
    ruleOfThumb: ruleScore(results),
    ok: results.every((r) => r.checks.every((c) => c.ok)),
  };
  if (typeof options.json === 'string') writeFileSync(options.json, JSON.stringify(report, null, 2) + '\n');
  if (options.json === true) {
    stdout.write(JSON.stringify(report, null, 2) + '\n');
  } else {
    stdout.write(
      `boundwise demo — Node ${report.node}, ${report.cpus} cores (${report.cpuModel}), load average ${report.loadAverage.toFixed(1)} at start, ` +
        `${report.runtime === 'tsx' ? 'from source under tsx (slower thread and process start-up)' : 'compiled'}${report.quick ? ', quick sizes' : ''}\n\n`,
    );
    results.forEach((r, i) => stdout.write(renderScenario(r, i + 1) + '\n\n'));
    // With every scenario skipped there is no table to explain and no rule to score.
    const ran = results.some((r) => !r.skipped);
    if (ran) stdout.write(
      'CPU: every thread of this process plus its child processes (reaped children, from /proc). peak RSS: this process plus its children, ' +
        'sampled every 50 ms; (+N) MB is what the run added to the RSS it began with. Speed-up: sequential wall time ÷ the row\'s.\n',
    );
    const { right, wrong } = report.ruleOfThumb;
    if (ran) stdout.write(
      `The rule of thumb ("waits → async or threads; calculates → processes") was right ${right} times and wrong ${wrong} times; ` +
        `${(report.totalMs / 1000).toFixed(0)} s in all.${report.ok ? '' : ' SOME CHECKS FAILED.'}\n`,
    );
    const skipped = results.filter((r) => r.skipped);
    if (skipped.length > 0) {
      stdout.write(`${results.length - skipped.length} of ${results.length} scenarios ran; skipped: ${skipped.map((r) => `${r.id} (to run it: ${r.skipped!.enable})`).join(', ')}\n`);
    }
    if (typeof options.json === 'string') stdout.write(`Results written to ${options.json}\n`);
  }
  return report;
}

/** Arguments of `tsx examples/…/main.ts`: --quick, --json (stdout) or --json=FILE, --only=a,b. */
export function parseDemoArgs(argv: string[]): DemoOptions | { error: string } {
  const options: DemoOptions = {};
  for (const arg of argv) {
    if (arg === '--quick') options.quick = true;
    else if (arg === '--json') options.json = true;
    else if (arg.startsWith('--json=')) options.json = arg.slice('--json='.length);
    else if (arg.startsWith('--only=')) options.only = arg.slice('--only='.length).split(',').filter(Boolean);
    else return { error: `unknown argument ${arg}; use --quick, --json, --json=FILE, --only=${scenarios.map((s) => s.id).join(',')}` };
  }
  const unknown = unknownScenarios(options.only);
  if (unknown.length) return { error: `unknown scenario ${unknown.join(', ')}; choose from ${scenarios.map((s) => s.id).join(', ')}` };
  return options;
}

/** A command-line entry for the demo or one scenario: exit 0 when every check passed, 1 if not, 2 on bad arguments. */
export async function demoMain(argv: string[], only?: string): Promise<void> {
  const parsed = parseDemoArgs(argv);
  if ('error' in parsed) {
    process.stderr.write(`${parsed.error}\n`);
    process.exitCode = 2;
    return;
  }
  if (only) parsed.only = [only];
  const report = await runDemo(parsed);
  if (!report.ok) process.exitCode = 1;
}
