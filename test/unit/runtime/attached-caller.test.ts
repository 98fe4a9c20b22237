// The core's attached stdin: the request is the first line, later lines go to the broker, and the end of stdin after
// the request means the caller's PowerShell is gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { once } from 'node:events';
import { attachToCaller } from '../../../core/runtime/attached-caller';

test('the first line is the request, later lines are handed on, and the end of stdin reports the caller gone', async () => {
  const input = new PassThrough();
  const later: string[] = [];
  let gone = 0;
  const caller = attachToCaller(input, (l) => later.push(l), () => gone++);
  input.write('{"a":1}\n{"id":1,"output":"x"}\r\n');
  assert.equal(await caller.request, '{"a":1}');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(later, ['{"id":1,"output":"x"}']);
  assert.equal(gone, 0, 'an open stdin is a caller still there');
  input.end();
  await once(input, 'end');
  await new Promise((r) => setImmediate(r));
  assert.equal(gone, 1);
});

test('a stdin that ends before any line is an empty request, not a caller gone mid-run', async () => {
  const input = new PassThrough();
  let gone = 0;
  const caller = attachToCaller(input, () => undefined, () => gone++);
  input.end();
  assert.equal(await caller.request, '');
  await new Promise((r) => setImmediate(r));
  assert.equal(gone, 0);
});

test('last words: registered notes run once the caller is gone, a failing one does not stop the others, forgotten ones do not run', async () => {
  const { whenCallerGone, writeLastWords } = await import('../../../core/runtime/attached-caller');
  const said: string[] = [];
  const forgetA = whenCallerGone(() => said.push('a'));
  whenCallerGone(() => {
    throw new Error('log folder gone');
  });
  const forgetC = whenCallerGone(() => said.push('c'));
  forgetA();
  writeLastWords();
  assert.deepEqual(said, ['c']);
  forgetC();
});
