/**
 * A job is data, never code. The worker turns the module a job names into a
 * file URL only when it is a plain relative path whose real location (symlinks
 * followed) stays inside --root, or a package the worker was told to allow.
 * Anything else — absolute paths, `..`, URLs of any scheme (file:, data:, http:,
 * node:), bare built-in names, odd characters — is refused before anything is
 * imported. A pure function of the name, the root and the file system.
 */
import { realpathSync, statSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_NAME, PACKAGE_SCHEME } from './address.js';

export interface ResolvePolicy {
  /** Real path of --root. */
  root: string;
  /** Package names allowed with --allow-package. */
  allowPackages: readonly string[];
}

export type Resolution = { ok: true; href: string } | { ok: false; reason: string };

const MODULE_EXT = /\.(?:m|c)?(?:js|ts)$/;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const MAX_NAME = 1024;

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
}

/**
 * resolveJobModule() remembered per policy and name (a worker sees the same few
 * modules again and again; the checks touch the file system). Bounded: a flood of
 * distinct names cannot grow it without limit. Files moved while the worker runs
 * are seen after a restart.
 */
export function cachedResolver(policy: ResolvePolicy, max = 1_000): (module: unknown) => Resolution {
  const cache = new Map<string, Resolution>();
  return (module) => {
    if (typeof module !== 'string') return resolveJobModule(module, policy);
    let r = cache.get(module);
    if (!r) {
      r = resolveJobModule(module, policy);
      if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      cache.set(module, r);
    }
    return r;
  };
}

export function resolveJobModule(module: unknown, policy: ResolvePolicy): Resolution {
  if (typeof module !== 'string' || module.length === 0 || module.length > MAX_NAME) return { ok: false, reason: 'the module name is missing or too long' };
  if (/[\0\\]/.test(module)) return { ok: false, reason: 'the module name contains a NUL or a backslash' };
  if (module.startsWith(PACKAGE_SCHEME)) {
    const specifier = module.slice(PACKAGE_SCHEME.length);
    if (!PACKAGE_NAME.test(specifier) || specifier.split('/').some((s) => s === '.' || s === '..')) {
      return { ok: false, reason: 'not a package specifier' };
    }
    const name = packageName(specifier);
    if (isBuiltin(name)) return { ok: false, reason: 'Node.js built-in modules are never loaded' };
    if (!policy.allowPackages.includes(name)) return { ok: false, reason: `package "${name}" is not allowed (boundwise worker --allow-package ${name})` };
    try {
      // Resolved from --root, so the project's own node_modules decides the version.
      const path = createRequire(join(policy.root, 'package.json')).resolve(specifier);
      return { ok: true, href: pathToFileURL(path).href };
    } catch {
      return { ok: false, reason: `package "${specifier}" cannot be resolved from ${policy.root}` };
    }
  }
  if (SCHEME.test(module)) return { ok: false, reason: 'URLs (file:, data:, http:, node: …) are never loaded; name a file under --root' };
  if (module.startsWith('/') || module.startsWith('~')) return { ok: false, reason: 'absolute paths are never loaded; name a file relative to --root' };
  if (module.split('/').some((s) => s === '..' || s === '.' || s === '')) return { ok: false, reason: 'the path has "..", "." or empty segments' };
  if (isBuiltin(module)) return { ok: false, reason: 'Node.js built-in modules are never loaded' };
  if (!MODULE_EXT.test(module)) return { ok: false, reason: 'only .js, .mjs, .cjs, .ts, .mts, .cts files are loaded' };
  let real: string;
  try {
    real = realpathSync(resolve(policy.root, module));
    if (!statSync(real).isFile()) return { ok: false, reason: 'not a file' };
  } catch {
    return { ok: false, reason: `no such file under --root ${policy.root}` };
  }
  if (!real.startsWith(policy.root + sep)) return { ok: false, reason: 'its real path (symlinks followed) is outside --root' };
  if (!MODULE_EXT.test(real)) return { ok: false, reason: 'its real path is not a .js/.ts module' };
  return { ok: true, href: pathToFileURL(real).href };
}
