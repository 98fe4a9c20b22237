import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstErrorOffset, jsonSyntaxError } from '../../../core/util/json-syntax';

const why = (text: string) => {
  try {
    JSON.parse(text);
  } catch (e) {
    return jsonSyntaxError(text, e);
  }
  return 'valid';
};

test('the line and column of the first broken character, whether or not Node gives a position', () => {
  assert.match(why('{\n  "Steps": [,\n]}'), /^line 2, column 13: /);
  assert.match(why('{\n  "a": 1\n  "b": 2\n}'), /^line 3, column 3: /);
  assert.match(why('{"a": tru}'), /^line 1, column 10: /);
  assert.match(why('{"a": 1'), /^line 1, column 8: /);
  assert.equal(why('   '), 'the file is empty');
  assert.doesNotMatch(why('{"secretish": "x" x}'), /secretish/, 'the text itself is not quoted');
});

test('the scan accepts what JSON.parse accepts', () => {
  for (const ok of ['{}', '[]', '{"a":[1,-2.5e3,true,false,null,"\\u00e9\\n"]}', ' "x" ', '0']) assert.equal(firstErrorOffset(ok), undefined, ok);
  for (const bad of ['{"a":01}', '[1,]', '{"a" 1}', '"\u0001"', 'nul', '{} x']) assert.notEqual(firstErrorOffset(bad), undefined, bad);
});

test('a long text that Node quotes as an excerpt ("...") is not quoted either', () => {
  const message = why('{\n  "FormatVersion": 1,\n  "Kind": nope\n}');
  assert.match(message, /^line 3, column 12: Unexpected token 'o'$/);
});
