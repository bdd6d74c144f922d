import assert from 'node:assert/strict';

/** The error a promise rejects with; fails the test if it fulfils. */
export async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  assert.fail('expected the promise to reject');
}
