/**
 * What `boundwise bench` reads from the command line: the task (`./tasks.ts#thumbnail`)
 * and its inputs (`--input file.json`, a JSON array or JSON lines; `--inputs gen.js`,
 * a module whose default export — or `inputs` export — is a function returning
 * an (async) iterable, or the iterable itself).
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importModule, taskRef, type TaskRef } from '../task.js';
import type { BenchInputs } from './bench.js';

/** A problem with what was given on the command line: exit code 2. */
export class BenchUsageError extends Error {
  override name = 'BenchUsageError';
}

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);

export function isTypeScript(file: string): boolean {
  return TYPESCRIPT.has(extname(file));
}

/** `path#export` → a task reference (the export defaults to `default`). */
export function parseTaskSpec(spec: string, cwd = process.cwd()): TaskRef {
  const at = spec.lastIndexOf('#');
  const file = at >= 0 ? spec.slice(0, at) : spec;
  const name = at >= 0 ? spec.slice(at + 1) : 'default';
  if (file === '' || name === '') throw new BenchUsageError(`bad task "${spec}": give the module and its export, e.g. ./tasks.ts#thumbnail`);
  const path = resolve(cwd, file);
  if (!existsSync(path)) throw new BenchUsageError(`bad task "${spec}": no file ${path}`);
  return taskRef(pathToFileURL(path).href, name);
}

/** `--input file.json`: a JSON array of inputs, or one JSON value per line. */
export function readInputFile(file: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new BenchUsageError(`cannot read --input ${file}: ${(error as Error).message}`);
  }
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : [value];
  } catch {
    try {
      return text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as unknown);
    } catch (error) {
      throw new BenchUsageError(`--input ${file} is neither a JSON array nor JSON lines: ${(error as Error).message}`);
    }
  }
}

function isIterable(value: unknown): value is Iterable<unknown> | AsyncIterable<unknown> {
  return value !== null && typeof value === 'object' && (Symbol.iterator in value || Symbol.asyncIterator in value);
}

/** `--inputs gen.js`: its default (or `inputs`) export, a function is called for fresh inputs each run. */
export async function loadInputsModule(file: string, cwd = process.cwd()): Promise<BenchInputs<unknown>> {
  const href = pathToFileURL(resolve(cwd, file)).href;
  const mod = await importModule(href);
  const value = mod.default ?? mod.inputs;
  if (typeof value === 'function') {
    return () => {
      const out: unknown = (value as () => unknown)();
      if (!isIterable(out)) throw new BenchUsageError(`--inputs ${file}: its export returned ${typeof out}, not an iterable or async iterable of inputs`);
      return out;
    };
  }
  if (isIterable(value)) return value;
  throw new BenchUsageError(
    `--inputs ${file} must export (as default or as "inputs") a function returning an iterable of inputs, a generator function, or an array; it exports ${Object.keys(mod).join(', ') || 'nothing'}`,
  );
}
