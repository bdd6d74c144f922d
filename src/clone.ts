/**
 * Cloning a value to a thread or process: what it costs (cloneMs, timed now and then),
 * and why it fails (findUncloneable), naming the path of the bad field:
 * `input.items[3].cb: functions cannot be cloned`. The latter is only called after a
 * send has already failed, so it may be slow.
 */

/** The largest buffer or string whose copying a measured run times (see cloneMs). */
const MAX_CLONE_BYTES = 64 * 1024 * 1024;

/**
 * What a structured clone of `value` costs here, ms: about what sending it to another
 * thread or process costs, serialized on one side and deserialized on the other.
 * Primitives and short strings cost nothing worth a clock read; undefined when it
 * cannot be cloned (its send fails anyway, with TaskInputError or TaskOutputError), and
 * for a buffer or string over MAX_CLONE_BYTES: a second copy of it, even for a moment,
 * could take a worker near its memory limit over it.
 */
export function cloneMs(value: unknown): number | undefined {
  if (value === null || (typeof value !== 'object' && !(typeof value === 'string' && value.length > 4096))) return 0;
  const bytes = typeof value === 'string' ? value.length * 2 : ArrayBuffer.isView(value) || value instanceof ArrayBuffer ? value.byteLength : 0;
  if (bytes > MAX_CLONE_BYTES) return undefined;
  const start = performance.now();
  try {
    structuredClone(value);
  } catch {
    return undefined;
  }
  return performance.now() - start;
}

export interface CloneProblem {
  path: string;
  problem: string;
}

export function findUncloneable(value: unknown, root = 'input'): CloneProblem | undefined {
  return walk(value, root, new Set());
}

function walk(value: unknown, path: string, seen: Set<object>): CloneProblem | undefined {
  if (typeof value === 'function') return { path, problem: 'functions cannot be cloned; send data and import the function in the task module' };
  if (typeof value === 'symbol') return { path, problem: 'symbols cannot be cloned' };
  if (value === null || typeof value !== 'object') return undefined;
  if (seen.has(value)) return undefined;
  seen.add(value);
  if (value instanceof Promise) return { path, problem: 'a Promise cannot be cloned; await it first' };
  if (value instanceof WeakMap || value instanceof WeakSet || value instanceof WeakRef) {
    return { path, problem: `a ${value.constructor.name} cannot be cloned` };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = walk(value[i], `${path}[${i}]`, seen);
      if (p) return p;
    }
    return undefined;
  }
  if (value instanceof Map) {
    let i = 0;
    for (const [k, v] of value) {
      const p = walk(k, `${path}.<key ${i}>`, seen) ?? walk(v, `${path}.get(${label(k)})`, seen);
      if (p) return p;
      i++;
    }
    return undefined;
  }
  if (value instanceof Set) {
    let i = 0;
    for (const v of value) {
      const p = walk(v, `${path}.<item ${i++}>`, seen);
      if (p) return p;
    }
    return undefined;
  }
  // Native objects that are not cloneable as a whole (sockets, handles…).
  try {
    structuredClone(value);
    return undefined;
  } catch (error) {
    for (const key of Object.keys(value)) {
      const p = walk((value as Record<string, unknown>)[key], /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`, seen);
      if (p) return p;
    }
    const name = (value as object).constructor?.name ?? 'object';
    return { path, problem: `${name} cannot be cloned (${error instanceof Error ? error.message : String(error)})` };
  }
}

function label(k: unknown): string {
  return typeof k === 'string' ? JSON.stringify(k) : String(k);
}
