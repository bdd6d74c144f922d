/** Printing benchmark results: one table per case, ratios against a baseline. */

export interface Row {
  name: string;
  /** The figure compared (higher is better when `higherIsBetter`). */
  value: number;
  unit: string;
}

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

/** `ratio` of `a` over `b` as the reader wants it: "2.31× p-limit". */
export function ratio(a: number, b: number, higherIsBetter: boolean): number {
  return higherIsBetter ? a / b : b / a;
}

/**
 * Print rows with each one's ratio to `baseline` (the row whose name it is);
 * a ratio above 1 always means "better than the baseline".
 */
export function printTable(title: string, rows: Row[], baseline: string, higherIsBetter: boolean): void {
  const base = rows.find((r) => r.name === baseline);
  console.log(`\n${title}`);
  const width = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) {
    const rel = base ? `${fmt(ratio(r.value, base.value, higherIsBetter))}× ${baseline}` : '';
    console.log(`  ${r.name.padEnd(width)}  ${fmt(r.value).padStart(10)} ${r.unit.padEnd(8)} ${rel}`);
  }
}

/** A target line: "target ≥ 2× p-limit: met (2.4×)". */
export function printTarget(label: string, measured: number, target: number, higherIsBetter = true): boolean {
  const met = higherIsBetter ? measured >= target : measured <= target;
  console.log(`  target ${label}: ${met ? 'met' : 'MISSED'} (${fmt(measured)})`);
  return met;
}
