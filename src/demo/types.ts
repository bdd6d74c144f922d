/** What every demo scenario returns: rows of measurements, one per model, and what they show. */

export interface ScenarioOptions {
  /** A reduced size (used by the tests): seconds instead of tens of seconds. */
  quick?: boolean;
  /** Called before each model runs, so a runner can show progress. */
  onStep?: (label: string) => void;
}

/** The rule of thumb's call for one row, and whether the measurement agreed. */
export interface RuleMark {
  /** What the guides say about this model for this kind of work. */
  says: 'use' | 'avoid';
  /** What the measurement shows. */
  measured: 'good' | 'bad';
  /** The rule was right when what it says matches what was measured. */
  right: boolean;
}

export interface Row {
  /** 'sequential', 'loop()', 'threads()', 'processes()', 'auto()' or a variant. */
  model: string;
  wallMs: number;
  cpuMs: number;
  /** Whose CPU time cpuMs counts: this process (all its threads), or with its child processes too. */
  cpuScope: 'process' | 'process+children';
  /** Highest sampled resident memory of this process plus its live child processes. */
  peakRssMb: number;
  /** Peak minus the resident memory when the run began (the process keeps earlier runs' heap). */
  addedRssMb: number;
  /** Wall time of the baseline row divided by this row's; null where it means nothing. */
  speedup: number | null;
  /** Scenario-specific figures, shown as extra columns. */
  metrics: Record<string, number | string | boolean>;
  /** null for the baseline and for auto(), which the guides do not cover. */
  rule: RuleMark | null;
}

export interface Column {
  key: string;
  label: string;
}

export interface ScenarioResult {
  id: string;
  title: string;
  /** What was run, with its size. */
  workload: string;
  /** The rule of thumb as it applies here, e.g. "waits → async or threads". */
  rule: string;
  /** Extra columns, read from each row's metrics. */
  columns: Column[];
  rows: Row[];
  /** auto()'s decision after the run, from explain(). */
  auto: { model: string; behaviour: string; reason: string } | null;
  /** Sanity checks of the run (same output as sequential, every request answered…). */
  checks: Array<{ name: string; ok: boolean }>;
  /** How to read the table. */
  notes: string[];
  /** Set when the scenario could not run here: why, and the command that makes it run. */
  skipped?: { reason: string; enable: string };
}

export interface Scenario {
  id: string;
  title: string;
  /** How many onStep calls run() makes (for the progress bar). */
  steps: number;
  run(options?: ScenarioOptions): Promise<ScenarioResult>;
}
