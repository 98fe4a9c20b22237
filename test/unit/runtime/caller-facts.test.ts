// The request's `caller` (who ran the command, from where, with which module): what the transport sends, checked
// before any handler runs; facts not given come from the core's own process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as os from 'node:os';
import { parseRequest } from '../../../core/runtime/execute';
import { CoreError } from '../../../core/util/errors';

test('caller facts are taken as given; missing ones come from this process, and no module is known', () => {
  const given = parseRequest(JSON.stringify({ items: [{}], dryRun: false, caller: { account: 'S-1-5-18', machine: 'MFA01', moduleManifest: 'C:\\M\\MfaServerUpgrade.psd1' } }));
  assert.deepEqual(given.caller, { account: 'S-1-5-18', machine: 'MFA01', moduleManifest: 'C:\\M\\MfaServerUpgrade.psd1' });
  const none = parseRequest(JSON.stringify({ items: [{}] }));
  assert.equal(none.caller?.machine, os.hostname());
  assert.equal(none.caller?.moduleManifest, null);
  assert.match(none.caller?.account ?? '', /\\/);
  // A plain object (one pipeline item) never carries it as a parameter.
  assert.deepEqual(parseRequest(JSON.stringify({ Path: 'x', caller: { machine: 'M' } })).items, [{ Path: 'x' }]);
});

test('a caller that is not an object of text facts is a bad request naming it', () => {
  for (const caller of [[], 'me', { account: 7 }, { password: 'x' }]) {
    assert.throws(
      () => parseRequest(JSON.stringify({ items: [{}], caller })),
      (e: unknown) => e instanceof CoreError && e.code === 'MalformedRequest' && /caller/.test(e.message),
      JSON.stringify(caller),
    );
  }
});
