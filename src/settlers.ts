/**
 * A promise and its resolving functions without a closure made for each: one shared executor
 * leaves them here. The hot paths make one promise per task (loop(), the pools, auto()'s lane):
 * in a burst of 100,000 runs a closure and its context apiece was ~150 bytes a task of
 * young-generation garbage, and more scavenges.
 *
 *   const promise = newPromise<T>();
 *   const { resolve, reject } = settlers;   // at once: the next newPromise() replaces them
 */
const noop = (): void => {};

/** The resolving functions of the promise newPromise() made last. */
export const settlers: { resolve: (value: any) => void; reject: (error: unknown) => void } = { resolve: noop, reject: noop };

function capture(resolve: (value: any) => void, reject: (error: unknown) => void): void {
  settlers.resolve = resolve;
  settlers.reject = reject;
}

/** A new pending promise; its resolving functions are in `settlers` until the next call. */
export function newPromise<T>(): Promise<T> {
  return new Promise<T>(capture);
}

/** Let go of the last promise's resolving functions (so that `settlers` keeps nothing alive). */
export function dropSettlers(): void {
  settlers.resolve = settlers.reject = noop;
}
