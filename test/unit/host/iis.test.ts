import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addWebApplication, expandIisPath, parseApplicationHostConfig, removeWebApplication } from '../../../core/host/iis';
import { applicationHostConfig } from '../../../core/host/lab/templates/application-host';
import { isCoreError } from '../../../core/util/errors';

const config = applicationHostConfig([
  { path: '/PhoneFactor', physicalPath: '%SystemDrive%\\inetpub\\wwwroot\\PhoneFactor', applicationPool: 'DefaultAppPool' },
  { path: '/PhoneFactorWebServiceSdk', physicalPath: 'C:\\inetpub\\wwwroot\\PhoneFactorWebServiceSdk' },
]);

test('lists applications with expanded physical paths, pools and bindings', () => {
  const apps = parseApplicationHostConfig(config, 'applicationHost.config');
  assert.deepEqual(
    apps.map((a) => [a.siteName, a.applicationPath, a.physicalPath, a.applicationPool]),
    [
      ['Default Web Site', '/', 'C:\\inetpub\\wwwroot', 'DefaultAppPool'],
      ['Default Web Site', '/PhoneFactor', 'C:\\inetpub\\wwwroot\\PhoneFactor', 'DefaultAppPool'],
      // No applicationPool attribute: the sites' applicationDefaults apply.
      ['Default Web Site', '/PhoneFactorWebServiceSdk', 'C:\\inetpub\\wwwroot\\PhoneFactorWebServiceSdk', 'DefaultAppPool'],
    ],
  );
  assert.equal(apps[1].rawPhysicalPath, '%SystemDrive%\\inetpub\\wwwroot\\PhoneFactor');
  assert.deepEqual(apps[0].bindings.map((b) => b.bindingInformation), ['*:80:', '*:443:']);
  assert.equal(apps[0].siteId, '1');
});

test('add then remove an application leaves every other byte as it was (CRLF, comments)', () => {
  const added = addWebApplication(config, {
    siteName: 'default web site',
    applicationPath: 'MultiFactorAuth',
    physicalPath: 'C:\\inetpub\\wwwroot\\MultiFactorAuth',
    applicationPool: 'DefaultAppPool',
  });
  const apps = parseApplicationHostConfig(added);
  assert.equal(apps.length, 4);
  assert.equal(apps[3].applicationPath, '/MultiFactorAuth');
  assert.equal(apps[3].physicalPath, 'C:\\inetpub\\wwwroot\\MultiFactorAuth');
  assert.ok(!/[^\r]\n/.test(added), 'inserted lines use CRLF like the file');
  assert.match(added, /\r\n {16}<application path="\/MultiFactorAuth" applicationPool="DefaultAppPool">\r\n {20}<virtualDirectory path="\/" physicalPath="C:\\inetpub\\wwwroot\\MultiFactorAuth" \/>\r\n {16}<\/application>\r\n {16}<bindings>/);
  // Everything before the insertion point is untouched.
  const at = added.indexOf('<application path="/MultiFactorAuth"');
  assert.equal(added.slice(0, at - 18), config.slice(0, at - 18));
  assert.equal(removeWebApplication(added, 'Default Web Site', '/multifactorauth'), config);
  const withoutPf = removeWebApplication(config, 'Default Web Site', '/PhoneFactor');
  assert.deepEqual(parseApplicationHostConfig(withoutPf).map((a) => a.applicationPath), ['/', '/PhoneFactorWebServiceSdk']);
  assert.ok(withoutPf.includes('<!--'), 'comments kept');
});

test('adding an existing application or to a missing site fails with a clear code', () => {
  assert.throws(
    () => addWebApplication(config, { siteName: 'Default Web Site', applicationPath: '/phonefactor', physicalPath: 'C:\\x' }),
    (e: unknown) => isCoreError(e) && e.code === 'IisApplicationExists',
  );
  assert.throws(
    () => addWebApplication(config, { siteName: 'Intranet', applicationPath: '/x', physicalPath: 'C:\\x' }),
    (e: unknown) => isCoreError(e) && e.code === 'IisSiteNotFound',
  );
  assert.throws(
    () => removeWebApplication(config, 'Default Web Site', '/Nope'),
    (e: unknown) => isCoreError(e) && e.code === 'IisApplicationNotFound',
  );
});

test('a broken file gives IisConfigMalformed with file, line and column', () => {
  const lines = config.split('\r\n');
  const i = lines.findIndex((l) => l.includes('</bindings>'));
  lines[i] = lines[i].replace('</bindings>', '</binding>');
  assert.throws(
    () => parseApplicationHostConfig(lines.join('\r\n'), '/lab/C/Windows/System32/inetsrv/config/applicationHost.config'),
    (e: unknown) =>
      isCoreError(e) &&
      e.code === 'IisConfigMalformed' &&
      e.details.line === i + 1 &&
      typeof e.details.column === 'number' &&
      e.message.includes('applicationHost.config, line'),
  );
  assert.throws(() => parseApplicationHostConfig('<notconfig/>', 'x'), (e: unknown) => isCoreError(e) && e.code === 'IisConfigMalformed');
});

test('expands the environment variables of physical paths, case-insensitively', () => {
  assert.equal(expandIisPath('%systemdrive%\\inetpub'), 'C:\\inetpub');
  assert.equal(expandIisPath('%windir%\\x'), 'C:\\Windows\\x');
  assert.equal(expandIisPath('%UNKNOWN%\\x'), '%UNKNOWN%\\x');
});
