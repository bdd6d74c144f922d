import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../src/cli/main.js';

test('boundwise demo --only with an unknown scenario is a usage error (exit code 2)', async () => {
  const write = process.stderr.write;
  let err = '';
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
  try {
    await main(['node', 'boundwise', 'demo', '--only', 'nope']);
  } finally {
    process.stderr.write = write;
  }
  assert.equal(process.exitCode, 2);
  process.exitCode = 0;
  assert.match(err, /unknown scenario nope/);
});
