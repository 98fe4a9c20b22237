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

test('last words: registered notes get the cause once the core stops, a failing one does not stop the others, forgotten ones do not run, and only the first stop counts', async () => {
  const { whenCoreStops, writeLastWords, resetLastWordsForTests } = await import('../../../core/util/core-stop');
  resetLastWordsForTests();
  const said: string[] = [];
  const forgetA = whenCoreStops((s) => said.push(`a:${s.cause}`));
  whenCoreStops(() => {
    throw new Error('log folder gone');
  });
  const forgetC = whenCoreStops((s) => said.push(`c:${s.cause}:${s.detail}`));
  forgetA();
  writeLastWords({ cause: 'Cancelled', detail: 'Ctrl+C', at: new Date() });
  writeLastWords({ cause: 'CallerGone', detail: 'later', at: new Date() });
  assert.deepEqual(said, ['c:Cancelled:Ctrl+C']);
  forgetC();
  resetLastWordsForTests();
});

test('stop words: only the transport\'s own causes, as one JSON line, are taken as a stop', async () => {
  const { parseStopWord } = await import('../../../core/runtime/attached-caller');
  assert.deepEqual(parseStopWord('{"stop":"TimedOut","detail":"did not finish within 8 seconds"}'), { cause: 'TimedOut', detail: 'did not finish within 8 seconds' });
  assert.deepEqual(parseStopWord('{"stop":"Cancelled"}'), { cause: 'Cancelled', detail: '' });
  assert.deepEqual(parseStopWord('{"detail":"Ctrl+C","stop":"Cancelled"}'), { cause: 'Cancelled', detail: 'Ctrl+C' }, 'keys in any order (5.1 hashtables)');
  assert.equal(parseStopWord('{"stop":"CoreKilled"}'), null, 'a cause the core sees itself is not taken from the caller');
  assert.equal(parseStopWord('{"stop":"Reboot"}'), null);
  assert.equal(parseStopWord('{"stop":'), null);
  assert.equal(parseStopWord('{"id":1,"answer":{"stop":"Cancelled"}}'), null, 'a broker answer is not a stop word');
});
