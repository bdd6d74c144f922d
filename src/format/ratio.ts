/** A speed-up factor: `1.67×`, `30×`; `—` where there is none (the baseline, a failed run). */
export function formatSpeedup(x: number | null): string {
  if (x === null) return '—';
  return x >= 10 ? `${x.toFixed(0)}×` : `${x.toFixed(2)}×`;
}
