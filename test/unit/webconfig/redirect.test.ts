// The redirect web.config: our writer's output read back by our parser; the reader on files others wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOwnRedirect, readRedirect, redirectWebConfig } from '../../../core/webconfig/index';
import { CoreError } from '../../../core/util/errors';

test('what the writer writes reads back as an enabled, exact, 302 redirect to the destination, and is recognised as ours', () => {
  const bytes = redirectWebConfig('https://aka.ms/mfasetup?a=1&b="2"', 'a reason -- with a double dash');
  assert.deepEqual(readRedirect(bytes, 'web.config'), {
    enabled: true,
    destination: 'https://aka.ms/mfasetup?a=1&b="2"',
    exactDestination: true,
    httpResponseStatus: 'Found',
  });
  assert.ok(isOwnRedirect(bytes));
  assert.ok(!bytes.toString('utf8').includes('a reason --'), 'no "--" inside the XML comment');
});

test('the reader: <location path="."> counts, the last element wins, another location does not count, none is null', () => {
  const config = (inner: string) => Buffer.from(`<?xml version="1.0"?>\r\n<configuration>${inner}</configuration>`);
  assert.equal(readRedirect(config('<system.webServer><defaultDocument/></system.webServer>'), 'w'), null);
  assert.equal(readRedirect(config('<location path="Sub"><system.webServer><httpRedirect enabled="true" destination="x"/></system.webServer></location>'),
    'w'), null);
  const found = readRedirect(config('<system.webServer><httpRedirect enabled="true" destination="a"/></system.webServer>' +
    '<location path="."><system.webServer><httpRedirect enabled="false" destination="b"/></system.webServer></location>'), 'w');
  assert.deepEqual(found, { enabled: false, destination: 'b', exactDestination: false, httpResponseStatus: 'Found' });
  assert.ok(!isOwnRedirect(config('<system.webServer><httpRedirect enabled="true" destination="a"/></system.webServer>')));
});

test('a file that is not a well-formed web.config is refused with its line and column', () => {
  assert.throws(() => readRedirect(Buffer.from('<configuration>\n<system.webServer>\n</configuration>'), 'C:\\x\\web.config'),
    (e: unknown) => e instanceof CoreError && e.code === 'WebConfigMalformed' && /line \d+, column \d+/.test(e.message));
  assert.throws(() => readRedirect(Buffer.from('<appSettings/>'), 'w'), (e: unknown) => e instanceof CoreError && e.code === 'NotAWebConfig');
});
