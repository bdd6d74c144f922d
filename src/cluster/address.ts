/**
 * Tasks travel by name. On the caller's side a task reference (a file URL and
 * an export) becomes the module's path relative to the cluster's `root`, so the
 * same build deployed on every machine finds it under the worker's `--root`;
 * a package task (`packageTask('pkg/sub', 'fn')`) travels as `package:pkg/sub`.
 */
import { fileURLToPath } from 'node:url';
import { relative, isAbsolute, sep } from 'node:path';
import { InvalidOptionError } from '../errors.js';
import { isTaskRef, taskRef, type Task, type TaskRef } from '../task.js';

export const PACKAGE_SCHEME = 'package:';

/** A task exported by a package the workers allow (`boundwise worker --allow-package pkg`). */
export function packageTask<I = any, O = any>(specifier: string, name: string): TaskRef<I, O> {
  if (typeof specifier !== 'string' || !PACKAGE_NAME.test(specifier)) {
    throw new InvalidOptionError('specifier', `packageTask(): "${String(specifier)}" is not a package specifier (name or name/subpath)`);
  }
  return taskRef<I, O>(PACKAGE_SCHEME + specifier, name);
}

/** npm package names, optionally scoped, with an optional subpath of plain segments. */
export const PACKAGE_NAME = /^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(?:\/[\w.-]+)*$/i;

/** The module as a job names it, or an InvalidOptionError saying why this task cannot travel. */
export function jobModule(task: Task, root: string): string {
  if (!isTaskRef(task)) {
    throw new InvalidOptionError('task', 'cluster() runs task references only (tasks(new URL(…)) or packageTask()); a function cannot travel to another machine');
  }
  const href = task.module;
  if (href.startsWith(PACKAGE_SCHEME)) return href;
  if (!href.startsWith('file:')) {
    throw new InvalidOptionError('task', `cluster(): task module ${href} is not a file inside the cluster root; workers load only files under their --root and allowed packages`);
  }
  const rel = relative(root, fileURLToPath(href));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new InvalidOptionError('task', `cluster(): task module ${fileURLToPath(href)} is outside the cluster root ${root}; set cluster({ root }) to the directory the workers run with --root`);
  }
  return sep === '/' ? rel : rel.split(sep).join('/');
}
