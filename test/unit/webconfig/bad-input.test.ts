/** Every kind of bad input throws its CoreError (never a partial result), with position, and never a secret. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeWebConfig, readWebConfigSettings, type MergeInput } from '../../../core/webconfig/index';
import { expectCoreError, fixture, input } from './helpers';

const good = fixture('userportal/phonefactor-backup.web.config');
const target = fixture('userportal/multifactorauth-default.web.config');

/** The bad file must be refused whether it is the target, the reference, or read alone. */
function refusedEverywhere(bad: MergeInput, code: string) {
  const asTarget = expectCoreError(() => mergeWebConfig(bad, good), code);
  expectCoreError(() => mergeWebConfig(target, bad), code);
  expectCoreError(() => readWebConfigSettings(bad), code);
  assert.equal(asTarget.target, bad.path);
  assert.ok(asTarget.message.includes(bad.path), 'the message names the file');
  return asTarget;
}

describe('bad input fixtures', () => {
  it('malformed XML: WebConfigMalformed at the stray end tag, line 7 column 3', () => {
    const e = refusedEverywhere(fixture('bad/malformed.web.config'), 'WebConfigMalformed');
    assert.deepEqual(e.details, { line: 7, column: 3 });
    assert.match(e.message, /line 7, column 3/);
    assert.ok(!e.message.includes('Winter2015'), 'no value from the file in the message');
  });

  it('bare & in an attribute: WebConfigMalformed at the ampersand (line 5, column 77)', () => {
    const e = refusedEverywhere(fixture('bad/bare-ampersand.web.config'), 'WebConfigMalformed');
    assert.deepEqual(e.details, { line: 5, column: 77 });
    assert.match(e.message, /&amp;/);
  });

  it('an external appSettings file: NotAWebConfig', () => {
    const e = refusedEverywhere(fixture('bad/not-configuration.web.config'), 'NotAWebConfig');
    assert.match(e.message, /<appSettings>, not <configuration>/);
  });

  it('encrypted appSettings: EncryptedSection telling how to decrypt and re-encrypt', () => {
    const bad = fixture('bad/encrypted-appsettings.web.config');
    const e = refusedEverywhere(bad, 'EncryptedSection');
    assert.ok(e.message.includes('aspnet_regiis -pdf "appSettings" "C:\\inetpub\\wwwroot\\bad"'), e.message);
    assert.ok(e.message.includes('aspnet_regiis -pef "appSettings" "C:\\inetpub\\wwwroot\\bad" -prov "RsaProtectedConfigurationProvider"'), e.message);
    assert.deepEqual(e.details, { section: 'appSettings', provider: 'RsaProtectedConfigurationProvider' });
  });

  it('duplicate appSettings keys (differing only in case) are accepted as .NET accepts them: the last one counts', () => {
    const dup = fixture('bad/duplicate-keys.web.config');
    const read = readWebConfigSettings(dup);
    assert.deepEqual(read.appSettings.filter((s) => s.key.toLowerCase() === 'ssl_required'), [{ key: 'ssl_required', value: 'true' }]);
    // As the reference: the last value is carried. As the target: the entry that takes effect (the last) is edited.
    const fromDup = mergeWebConfig(input('<configuration><appSettings><add key="SSL_REQUIRED" value="x" /></appSettings></configuration>'), dup);
    assert.match(fromDup.output.toString('utf8'), /value="true"/);
    const intoDup = mergeWebConfig(dup, input('<configuration><appSettings><add key="SSL_REQUIRED" value="later" /></appSettings></configuration>'));
    const text = intoDup.output.toString('utf8');
    assert.match(text, /<add key="SSL_REQUIRED" value="false" \/>/, 'the overridden entry is left alone');
    assert.match(text, /<add key="ssl_required" value="later" \/>/, 'the effective entry gets the value');
  });
});

describe('other bad input', () => {
  const cases: [string, string, string, { line: number; column: number } | undefined][] = [
    ['second root element', '<configuration/>\n<configuration/>', 'WebConfigMalformed', { line: 2, column: 1 }],
    ['text after the root', '<configuration/>\r\ntrailing', 'WebConfigMalformed', { line: 2, column: 1 }],
    ['DOCTYPE', '<!DOCTYPE configuration>\n<configuration/>', 'WebConfigMalformed', { line: 1, column: 1 }],
    ['unknown entity in an attribute', '<configuration>\n  <a x="&nbsp;"/></configuration>', 'WebConfigMalformed', { line: 2, column: 9 }],
    ['literal < in an attribute', '<configuration><a x="1<2"/></configuration>', 'WebConfigMalformed', { line: 1, column: 23 }],
    ['bare & in text', '<configuration><a>R&D</a></configuration>', 'WebConfigMalformed', { line: 1, column: 20 }],
    ['invalid character reference', '<configuration><a x="&#0;"/></configuration>', 'WebConfigMalformed', { line: 1, column: 22 }],
    ['empty file', '', 'WebConfigEmpty', undefined],
    ['only whitespace and a BOM', '\uFEFF \r\n\t', 'WebConfigEmpty', undefined],
    ['plain text', 'USE_WEB_SERVICE_SDK=true\r\n', 'WebConfigNotXml', undefined],
    ['a zip archive', 'PK\u0003\u0004\u0000\u0000', 'WebConfigNotXml', undefined],
    ['encrypted settings group', '<configuration><applicationSettings><pfup.Properties.Settings configProtectionProvider="DataProtectionConfigurationProvider"><EncryptedData/></pfup.Properties.Settings></applicationSettings></configuration>', 'EncryptedSection', undefined],
    ['EncryptedData without the attribute', '<configuration><appSettings><EncryptedData/></appSettings></configuration>', 'EncryptedSection', undefined],
    ['duplicate setting name', '<configuration><applicationSettings><g><setting name="A"><value>1</value></setting>\n<setting name="a"><value>2</value></setting></g></applicationSettings></configuration>', 'DuplicateKey', undefined],
    ['appSettings twice', '<configuration><appSettings/>\n<appSettings/></configuration>', 'DuplicateSection', { line: 2, column: 1 }],
    ['settings group twice', '<configuration><applicationSettings><g/><G/></applicationSettings></configuration>', 'DuplicateSection', { line: 1, column: 41 }],
    ['non-Unicode declared encoding with non-ASCII bytes', '<?xml version="1.0" encoding="windows-1252"?><configuration>é</configuration>', 'WebConfigEncoding', undefined],
  ];
  for (const [title, xml, code, position] of cases) {
    it(`${title}: ${code}`, () => {
      const e = expectCoreError(() => mergeWebConfig(input(xml), good), code);
      if (position) assert.deepEqual({ line: e.details.line, column: e.details.column }, position);
    });
  }

  it('empty and non-XML files are named with the parameter that gave them', () => {
    const e = expectCoreError(() => mergeWebConfig(target, { path: 'D:\\old\\web.config', bytes: Buffer.alloc(0), parameter: 'ReferencePath' }), 'WebConfigEmpty');
    assert.match(e.message, /^-ReferencePath 'D:\\old\\web\.config' is empty/);
    const u16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('  plain text', 'utf16le')]);
    const n = expectCoreError(() => mergeWebConfig({ path: 'C:\\new\\web.config', bytes: u16, parameter: 'Path' }, good), 'WebConfigNotXml');
    assert.match(n.message, /^-Path 'C:\\new\\web\.config' is not XML/);
  });

  it('refuses bytes it cannot decode: WebConfigEncoding', () => {
    const xml = Buffer.from('<configuration/>');
    const bad: Buffer[] = [
      Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), Buffer.from('<\0\0\0')]), // UTF-32 LE
      Buffer.from('<configuration a="caf\xe9"/>', 'latin1'), // not UTF-8
      Buffer.from('<configuration/>', 'utf16le'), // UTF-16 without BOM
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<configuration/>', 'utf16le'), Buffer.from([0x20])]), // odd length
    ];
    for (const bytes of bad) expectCoreError(() => mergeWebConfig({ path: 'x', bytes }, { path: 'y', bytes: xml }), 'WebConfigEncoding');
  });

  it('the base is checked too, but only as XML and root (it is never merged from)', () => {
    expectCoreError(() => mergeWebConfig(target, good, { base: input('<appSettings/>') }), 'NotAWebConfig');
    assert.doesNotThrow(() => mergeWebConfig(target, good, { base: fixture('bad/duplicate-keys.web.config') }));
  });

  it('never puts a secret value into an error message, even when the password breaks the XML', () => {
    const secretLines = [
      '<add key="WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD" value="Pa"ssw0rd-Secret" />',
      '<add key="WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD" value="Pa<ssw0rd-Secret" />',
      '<add key="WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD" value="Pa&ssw0rd-Secret" />',
      '<add key="WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD" value="Pa\'ss w0rd-Secret />',
      '<add key="WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD">Pa<ssw0rd-Secret</add>',
    ];
    for (const line of secretLines) {
      const xml = `<configuration>\n  <appSettings>\n    ${line}\n  </appSettings>\n</configuration>`;
      const e = expectCoreError(() => mergeWebConfig(input(xml), good), 'WebConfigMalformed');
      for (const fragment of ['ssw0rd', 'Secret', 'Pa"', "Pa'"]) assert.ok(!e.message.includes(fragment), `${fragment} leaked: ${e.message}`);
      assert.ok(!JSON.stringify(e.details).includes('ssw0rd'));
    }
  });
});
