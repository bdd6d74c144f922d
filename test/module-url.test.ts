import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTypeScriptUrl, taskModuleUrl } from '../src/module-url.js';

const files = (...paths: string[]) => (p: string) => paths.includes(p);

test('taskModuleUrl: ./tasks.js for a tasks.ts is the TypeScript file; an existing .js always wins', () => {
  const cases: Array<[string, string[], string]> = [
    ['file:///app/tasks.js', ['/app/tasks.ts'], 'file:///app/tasks.ts'],
    ['file:///app/tasks.js', ['/app/tasks.js', '/app/tasks.ts'], 'file:///app/tasks.js'],
    ['file:///app/tasks.mjs', ['/app/tasks.mts'], 'file:///app/tasks.mts'],
    ['file:///app/tasks.cjs', ['/app/tasks.cts'], 'file:///app/tasks.cts'],
    ['file:///app/view.jsx', ['/app/view.tsx'], 'file:///app/view.tsx'],
    ['file:///app/tasks.js', [], 'file:///app/tasks.js'], // neither: Node reports the missing .js
    ['file:///app/tasks.ts', ['/app/tasks.ts'], 'file:///app/tasks.ts'],
    ['file:///app/a.b/tasks', ['/app/a.b/tasks.ts'], 'file:///app/a.b/tasks'],
    ['file:///app/my%20dir/tasks.js', ['/app/my dir/tasks.ts'], 'file:///app/my%20dir/tasks.ts'],
    ['data:text/javascript,export const x = 1', [], 'data:text/javascript,export const x = 1'],
  ];
  for (const [href, existing, want] of cases) assert.equal(taskModuleUrl(href, files(...existing)), want, href);
});

test('isTypeScriptUrl', () => {
  for (const href of ['file:///a.ts', 'file:///a.mts', 'file:///a.cts', 'file:///a.tsx', 'file:///a.ts?x=1']) assert.ok(isTypeScriptUrl(href), href);
  for (const href of ['file:///a.js', 'file:///a.d.ts.js', 'node:fs', 'file:///ts']) assert.ok(!isTypeScriptUrl(href), href);
});
