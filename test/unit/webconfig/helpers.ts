/** Fixture access and small helpers for the web.config tests. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MergeChange, MergeInput } from '../../../core/webconfig/index';
import { CoreError } from '../../../core/util/errors';

export const FIXTURE_DIR = 'test/fixtures/webconfig';

export function fixture(name: string): MergeInput {
  return { path: `C:\\inetpub\\wwwroot\\${name.replace(/\//g, '\\')}`, bytes: readFileSync(join(FIXTURE_DIR, name)) };
}

export function input(text: string, path = 'C:\\inetpub\\wwwroot\\Test\\web.config'): MergeInput {
  return { path, bytes: Buffer.from(text, 'utf8') };
}

/**
 * Applies textual edits to `original`, each `find` occurring exactly once, so a test states the expected output as
 * "the target, with exactly these changes".
 */
export function withEdits(original: string, edits: [find: string, replace: string][]): string {
  let out = original;
  for (const [find, replace] of edits) {
    assert.equal(out.split(find).length - 1, 1, `expected exactly one occurrence of ${JSON.stringify(find)}`);
    out = out.replace(find, () => replace);
  }
  return out;
}

/**
 * Compact form of a change for table-style assertions. A masked value's per-run tag (`******** (3f9a1c)`, whole or inside
 * a value) is shown as `********`; tests of the tag itself look at the raw change.
 */
export function row(c: MergeChange): string {
  const v = (x: string | null) => (x === null ? '∅' : JSON.stringify(x.replace(/\*{8} \([0-9a-f]{6}\)/g, '********')));
  return `${c.Action} ${c.Section} ${c.Name} ${v(c.OldValue)} -> ${v(c.NewValue)}${c.IsSdkUrl ? ' [sdk]' : ''}`;
}

/** Runs `fn`, expects a CoreError with `code`, and returns it. */
export function expectCoreError(fn: () => unknown, code: string): CoreError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof CoreError, `expected a CoreError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected CoreError ${code}, nothing was thrown`);
}

export const BOM = '\uFEFF';
export const text = (bytes: Buffer) => bytes.toString('utf8');
