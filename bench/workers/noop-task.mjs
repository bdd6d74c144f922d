// The task every pool runs in the dispatch benchmarks: no work at all, so what
// is measured is the pool's own cost per task.
export function noop(x) {
  return x;
}
export function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}
export default function (x) {
  return typeof x === 'object' && x !== null && 'fib' in x ? fib(x.fib) : x;
}
