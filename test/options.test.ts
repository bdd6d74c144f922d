/** Option validation's pure helpers (src/options.ts): how values show in messages, shapes, counts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intOption, isOptionsObject, knownOptions, msOption, plural, show } from '../src/options.js';
import { threads } from '../src/threads/index.js';

test('show(): NaN and ±Infinity print as themselves, not as null (table)', () => {
  const cases: Array<[unknown, string]> = [
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
    [-0, '-0'],
    [12n, '12n'],
    ['two', '"two"'],
    [{ a: NaN }, '{ a: NaN }'],
    [[1, Infinity], '[ 1, Infinity ]'],
    [new Map([[1, 2]]), 'Map(1) { 1 => 2 }'],
    [() => 1, 'a function'],
    [undefined, 'undefined'],
    [null, 'null'],
  ];
  for (const [value, shown] of cases) assert.equal(show(value), shown);
});

test('messages name NaN and Infinity', () => {
  assert.throws(() => intOption('x()', 'max', NaN, 1), /got NaN/);
  assert.throws(() => intOption('x()', 'max', Infinity, 1, { min: 1, max: 10 }), /got Infinity/);
  assert.throws(() => msOption('x()', 'timeout', -Infinity, 1), /got -Infinity/);
  assert.throws(() => threads({ max: Infinity }), /got Infinity/);
});

test('plural(): "1 attempt", "2 attempts"', () => {
  assert.equal(plural(1, 'attempt'), '1 attempt');
  assert.equal(plural(0, 'attempt'), '0 attempts');
  assert.equal(plural(3, 'attempt'), '3 attempts');
  assert.equal(plural(2, 'child', 'children'), '2 children');
});

test('an options object is a plain object: not a Map, Date, array, RegExp or boxed value', () => {
  for (const ok of [{}, { a: 1 }, Object.create(null), new (class Options {})()]) assert.ok(isOptionsObject(ok));
  for (const bad of [new Map(), new Date(), [], /x/, new String('x'), null, 'x', 1, () => ({})]) {
    assert.equal(isOptionsObject(bad), false, show(bad));
  }
  assert.throws(() => knownOptions('x()', new Map([['max', 2]]), ['max']), /"options" must be an object, got Map\(1\)/);
  assert.throws(() => knownOptions('x()', { rate: 1, burst: 2 }, ['rate'], 'rate'), (e: { option: string }) => e.option === 'rate.burst');
});
