// resolveReference: the one rule that turns a web.config's file=/configSource= into a path on the server (issue 23 item 13).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveReference } from '../../../core/backup/web-config-references';

const WEB_CONFIG = 'C:\\inetpub\\wwwroot\\PhoneFactor\\web.config';

test('a relative path below the web.config\'s folder is followed, with either separator and without "." segments', () => {
  assert.deepEqual(resolveReference(WEB_CONFIG, 'custom.config'), { relative: 'custom.config', path: 'C:\\inetpub\\wwwroot\\PhoneFactor\\custom.config' });
  assert.deepEqual(resolveReference(WEB_CONFIG, 'Config/cs.config'), { relative: 'Config\\cs.config', path: 'C:\\inetpub\\wwwroot\\PhoneFactor\\Config\\cs.config' });
  assert.deepEqual(resolveReference(WEB_CONFIG, ' .\\cs.config '), { relative: 'cs.config', path: 'C:\\inetpub\\wwwroot\\PhoneFactor\\cs.config' });
});

test('anything leaving the application folder is refused, with why', () => {
  const refused = (value: string) => {
    const r = resolveReference(WEB_CONFIG, value);
    assert.ok('refused' in r, `${value} is refused`);
    return r.refused;
  };
  for (const v of ['..\\..\\x.config', 'sub\\..\\..\\x.config', 'sub/../x.config']) assert.match(refused(v), /leads out of the application folder/);
  for (const v of ['C:\\Windows\\win.ini', 'D:x.config', '\\\\fileserver\\share\\x.config', '\\\\?\\C:\\x.config', '/etc/passwd', '\\x.config']) {
    assert.match(refused(v), /absolute path/, v);
  }
  for (const v of ['x.config:stream', 'a\\\\b.config', 'x.config.', 'a|b.config', 'con\u0001.config']) assert.match(refused(v), /not a plain relative path/, v);
});
