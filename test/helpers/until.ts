import assert from 'node:assert/strict';

/**
 * Waits for a condition, polling every 100 ms. The bound only turns a hang into a failure that says what never
 * happened; it is never a timing assertion.
 */
export async function until(what: string, done: () => boolean | Promise<boolean>, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await done())) {
    if (Date.now() > deadline) assert.fail(`gave up waiting for ${what} after ${limitMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
