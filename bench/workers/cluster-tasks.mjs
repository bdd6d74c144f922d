// Tasks for bench/cluster.ts, run by `boundwise worker --root bench/workers`.
export function noop() {}

export function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}
