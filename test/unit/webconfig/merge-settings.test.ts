/** The appSettings / applicationSettings rules, each on a small hand-written pair of files. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeWebConfig } from '../../../core/webconfig/index';
import { input, row, text } from './helpers';

const merge = (target: string, reference: string, sdk?: string) =>
  mergeWebConfig(input(target), input(reference, 'C:\\backup\\web.config'), sdk ? { webServiceSdkUrl: sdk } : {});

const appSettings = (...adds: string[]) => `<configuration>\n  <appSettings>\n${adds.map((a) => `    ${a}\n`).join('')}  </appSettings>\n</configuration>\n`;

const group = (name: string, settings: [string, string][]) =>
  `    <${name}>\n` +
  settings.map(([n, v]) => `      <setting name="${n}" serializeAs="String">\n        <value>${v}</value>\n      </setting>\n`).join('') +
  `    </${name}>\n`;
const applicationSettings = (...groups: string[]) => `<configuration>\n  <applicationSettings>\n${groups.join('')}  </applicationSettings>\n</configuration>\n`;

describe('appSettings', () => {
  it('matches keys ignoring case and keeps the target spelling', () => {
    const r = merge(appSettings('<add key="SSL_REQUIRED" value="true" />'), appSettings('<add key="ssl_required" value="false" />'));
    assert.deepEqual(r.changes.map(row), ['Updated appSettings SSL_REQUIRED "true" -> "false"']);
    assert.equal(text(r.output), appSettings('<add key="SSL_REQUIRED" value="false" />'));
  });

  it('decodes values for comparison: &amp; and &#38; are the same value', () => {
    const r = merge(appSettings('<add key="A" value="x&#38;y" />'), appSettings('<add key="A" value="x&amp;y" />'));
    assert.deepEqual(r.changes.map(row), ['Unchanged appSettings A "x&y" -> "x&y"']);
    assert.equal(r.changed, false);
  });

  it('escapes written values for the attribute quote it keeps', () => {
    const r = merge(appSettings(`<add key='A' value='' />`), appSettings(`<add key="A" value="it's &lt;&quot;&amp;&quot;&gt;" />`));
    assert.equal(text(r.output), appSettings(`<add key='A' value='it&apos;s &lt;"&amp;">' />`));
  });

  it('carries a value as written in the old file (references, literal tabs and line breaks), byte for byte', () => {
    const r = merge(appSettings('<add key="A" value="" />'), appSettings('<add key="A" value="a&#9;b&#xA;c\td\r\ne" />'));
    assert.equal(text(r.output), appSettings('<add key="A" value="a&#9;b&#xA;c\td\r\ne" />'));
    assert.deepEqual(r.changes.map(row), ['Updated appSettings A "" -> "a\\tb\\nc\\td\\r\\ne"'], 'the value as .NET reads it: nothing normalised');
    assert.equal(merge(text(r.output), appSettings('<add key="A" value="a&#9;b&#xA;c\td\r\ne" />')).changed, false);
  });

  it('writes a value that cannot stand as written (the other quote) with references, so .NET reads the same text', () => {
    const r = merge(appSettings('<add key="A" value="" />'), appSettings("<add key='A' value='say \"hi\"\tnow\n' />"));
    assert.equal(text(r.output), appSettings('<add key="A" value="say &quot;hi&quot;&#x9;now&#xA;" />'));
    assert.equal(merge(text(r.output), appSettings("<add key='A' value='say \"hi\"\tnow\n' />")).changed, false);
  });

  it('adds a missing key after the last entry, copying its layout (multi-line entry)', () => {
    const target = '<configuration>\r\n\t<appSettings>\r\n\t\t<add\r\n\t\t\tkey="A"\r\n\t\t\tvalue="1"></add>\r\n\t</appSettings>\r\n</configuration>';
    const r = merge(target, appSettings('<add key="B" value="2" />'));
    assert.equal(
      text(r.output),
      '<configuration>\r\n\t<appSettings>\r\n\t\t<add\r\n\t\t\tkey="A"\r\n\t\t\tvalue="1"></add>\r\n\t\t<add\r\n\t\t\tkey="B"\r\n\t\t\tvalue="2"></add>\r\n\t</appSettings>\r\n</configuration>',
    );
  });

  it('adds after <clear/> or <remove/> when those come last, and keeps a trailing comment on its line', () => {
    const target = appSettings('<add key="A" value="1"/>', '<remove key="Old" /> <!-- gone in v8 -->');
    const r = merge(target, appSettings('<add key="B" value="2" />'));
    assert.equal(text(r.output), appSettings('<add key="A" value="1"/>', '<remove key="Old" /> <!-- gone in v8 -->', '<add key="B" value="2"/>'));
  });

  it('fills an empty or self-closing section, one indentation step deeper', () => {
    const ref = appSettings('<add key="B" value="2" />');
    const expected = '<configuration>\n  <appSettings>\n    <add key="B" value="2" />\n  </appSettings>\n</configuration>\n';
    assert.equal(text(merge('<configuration>\n  <appSettings />\n</configuration>\n', ref).output), expected);
    assert.equal(text(merge('<configuration>\n  <appSettings></appSettings>\n</configuration>\n', ref).output), expected);
    assert.equal(text(merge('<configuration>\n  <appSettings>\n  </appSettings>\n</configuration>\n', ref).output), expected);
  });

  it('creates the section after <configSections> when the target has none', () => {
    const target = '<configuration>\r\n    <configSections>\r\n    </configSections>\r\n    <system.web />\r\n</configuration>';
    const r = merge(target, appSettings('<add key="B" value="2" />', '<add key="C" value="3" />'));
    assert.equal(
      text(r.output),
      '<configuration>\r\n    <configSections>\r\n    </configSections>\r\n    <appSettings>\r\n        <add key="B" value="2" />\r\n        <add key="C" value="3" />\r\n    </appSettings>\r\n    <system.web />\r\n</configuration>',
    );
  });

  it('creates the section first in <configuration> when there is no <configSections>, and inline for a one-line file', () => {
    const r = merge('<configuration>\n  <system.web />\n</configuration>', appSettings('<add key="B" value="2" />'));
    assert.equal(text(r.output), '<configuration>\n  <appSettings>\n    <add key="B" value="2" />\n  </appSettings>\n  <system.web />\n</configuration>');
    const inline = merge('<configuration><appSettings><add key="A" value="1"/></appSettings></configuration>', appSettings('<add key="B" value="2" />'));
    assert.equal(text(inline.output), '<configuration><appSettings><add key="A" value="1"/><add key="B" value="2"/></appSettings></configuration>');
  });

  it('reports target-only keys as OnlyInNew and leaves them alone; an add without value reads as empty', () => {
    const r = merge(appSettings('<add key="A" />', '<add key="NEW_IN_V8" value="x" />'), appSettings('<add key="A" value="1" />'));
    assert.deepEqual(r.changes.map(row), ['Updated appSettings A "" -> "1"', 'OnlyInNew appSettings NEW_IN_V8 "x" -> "x"']);
    assert.equal(text(r.output), appSettings('<add key="A" value="1" />', '<add key="NEW_IN_V8" value="x" />'));
  });

  it('leaves appSettings inside <location> alone', () => {
    const target = '<configuration>\n  <appSettings>\n    <add key="A" value="new" />\n  </appSettings>\n  <location path="x">\n    <appSettings>\n      <add key="A" value="loc" />\n    </appSettings>\n  </location>\n</configuration>';
    const reference = target.replace('value="new"', 'value="old"').replace('value="loc"', 'value="old-loc"');
    const r = mergeWebConfig(input(target), input(reference), { base: input(target.replace('value="loc"', 'value="base-loc"')) });
    assert.ok(text(r.output).includes('<add key="A" value="loc" />'));
    assert.ok(text(r.output).includes('<add key="A" value="old" />'));
    assert.deepEqual(r.changes.map(row), [
      'Updated appSettings A "new" -> "old"',
      "Conflict location[@path='x']/appSettings/add[@key='A'] value \"loc\" -> \"old-loc\"",
    ]);
  });
});

describe('applicationSettings', () => {
  it('updates values, adds missing settings like the last one, reports target-only ones', () => {
    const target = applicationSettings(group('pfup.Properties.Settings', [['pfup_pfwssdk_PfWsSdk', 'https://www.contoso.com/x/PfWsSdk.asmx'], ['NewOne', 'n']]));
    const reference = applicationSettings(group('PFUP.Properties.Settings', [['pfup_pfwssdk_PfWsSdk', 'https://a/PfWsSdk.asmx'], ['Theme', 'Contoso &amp; Co']]));
    const r = merge(target, reference);
    assert.deepEqual(r.changes.map(row), [
      'Updated applicationSettings/pfup.Properties.Settings pfup_pfwssdk_PfWsSdk "https://www.contoso.com/x/PfWsSdk.asmx" -> "https://a/PfWsSdk.asmx" [sdk]',
      'Added applicationSettings/pfup.Properties.Settings Theme ∅ -> "Contoso & Co"',
      'OnlyInNew applicationSettings/pfup.Properties.Settings NewOne "n" -> "n"',
    ]);
    assert.equal(
      text(r.output),
      applicationSettings(group('pfup.Properties.Settings', [['pfup_pfwssdk_PfWsSdk', 'https://a/PfWsSdk.asmx'], ['NewOne', 'n'], ['Theme', 'Contoso &amp; Co']])),
    );
  });

  it('pairs the one unmatched group of each file only as a guess (Review naming both, nothing written); a group with no partner is Review', () => {
    const target = applicationSettings(group('Mfa.Properties.Settings', [['A', '1'], ['Same', 's']]));
    const paired = merge(target, applicationSettings(group('Old.Properties.Settings', [['A', '2'], ['Same', 's'], ['New', 'n']])));
    assert.deepEqual(paired.changes.map(row), [
      'Review applicationSettings/Mfa.Properties.Settings A "1" -> "2"',
      'Unchanged applicationSettings/Mfa.Properties.Settings Same "s" -> "s"',
      'Review applicationSettings/Mfa.Properties.Settings New ∅ -> "n"',
    ]);
    assert.equal(paired.changed, false);
    for (const c of paired.changes) assert.match(c.Detail ?? '', /old group Old\.Properties\.Settings and the new group Mfa\.Properties\.Settings/);

    const twoGroups = applicationSettings(group('Old.Properties.Settings', [['A', '2']]), group('Other.Properties.Settings', [['B', '3']]));
    const unpaired = merge(applicationSettings(group('Mfa.Properties.Settings', [['A', '1']])), twoGroups);
    assert.deepEqual(unpaired.changes.map(row), [
      'Review applicationSettings/Old.Properties.Settings A ∅ -> "2"',
      'Review applicationSettings/Other.Properties.Settings B ∅ -> "3"',
      'OnlyInNew applicationSettings/Mfa.Properties.Settings A "1" -> "1"',
    ]);
    assert.equal(unpaired.changed, false);
  });

  it('reports everything as Review when the target has no applicationSettings', () => {
    const r = merge('<configuration />', applicationSettings(group('pfup.Properties.Settings', [['pfup_pfwssdk_PfWsSdk', 'https://a/PfWsSdk.asmx']])));
    assert.deepEqual(r.changes.map(row), ['Review applicationSettings/pfup.Properties.Settings pfup_pfwssdk_PfWsSdk ∅ -> "https://a/PfWsSdk.asmx" [sdk]']);
    assert.equal(r.changed, false);
  });

  it('handles <value />, a setting without <value>, CDATA and line breaks in values', () => {
    const target = '<configuration><applicationSettings><g><setting name="A"><value /></setting><setting name="B" /><setting name="C"><value><![CDATA[x<y]]></value></setting></g></applicationSettings></configuration>';
    const reference = '<configuration><applicationSettings><g><setting name="A"><value>1</value></setting><setting name="B"><value>2</value></setting><setting name="C"><value>x&lt;y</value></setting><setting name="D"><value>l1\r\nl2</value></setting></g></applicationSettings></configuration>';
    const r = merge(target, reference);
    assert.deepEqual(r.changes.map(row), [
      'Updated applicationSettings/g A "" -> "1"',
      'Updated applicationSettings/g B "" -> "2"',
      'Unchanged applicationSettings/g C "x<y" -> "x<y"',
      // As .NET reads it: the CR LF is kept (its reader does not normalise line ends), and it is carried as written.
      'Added applicationSettings/g D ∅ -> "l1\\r\\nl2"',
    ]);
    assert.equal(
      text(r.output),
      '<configuration><applicationSettings><g><setting name="A"><value>1</value></setting><setting name="B"><value>2</value></setting><setting name="C"><value><![CDATA[x<y]]></value></setting><setting name="D"><value>l1\r\nl2</value></setting></g></applicationSettings></configuration>',
    );
  });

  it('never edits a value that holds markup (serializeAs="Xml"): Review', () => {
    const xmlValue = '<value><ArrayOfString><string>a</string></ArrayOfString></value>';
    const target = `<configuration><applicationSettings><g><setting name="L" serializeAs="Xml">${xmlValue}</setting></g></applicationSettings></configuration>`;
    const r = merge(target, target.replace('<string>a</string>', '<string>b</string>'));
    assert.deepEqual(r.changes.map(row), ['Review applicationSettings/g L ∅ -> ∅']);
    assert.equal(r.changed, false);
  });

  it('pairs a settings class the real products renamed (pfpaws -> MultiFactorAuthMobileAppWebService, PhoneFactor* -> MultiFactorAuth*) as one', () => {
    for (const [oldName, newName] of [
      ['pfpaws.Properties.Settings', 'MultiFactorAuthMobileAppWebService.Properties.Settings'],
      ['PhoneFactorWebServiceSdk.Properties.Settings', 'MultiFactorAuthWebServiceSdk.Properties.Settings'],
    ]) {
      const r = merge(applicationSettings(group(newName, [['A', '1']])), applicationSettings(group(oldName, [['A', '2']])));
      assert.deepEqual(r.changes.map((c) => `${row(c)} ${c.Detail}`), [`Updated applicationSettings/${newName} A "1" -> "2" null`]);
    }
  });

  it('uses the usual .NET layout when the target group has no setting to copy', () => {
    const target = '<configuration>\r\n  <applicationSettings>\r\n    <g>\r\n    </g>\r\n  </applicationSettings>\r\n</configuration>';
    const r = merge(target, applicationSettings(group('g', [['A', '1']])));
    assert.equal(
      text(r.output),
      '<configuration>\r\n  <applicationSettings>\r\n    <g>\r\n      <setting name="A" serializeAs="String">\r\n        <value>1</value>\r\n      </setting>\r\n    </g>\r\n  </applicationSettings>\r\n</configuration>',
    );
  });
});

describe('Web Service SDK URL', () => {
  const portalGroup = (url: string) => group('pfup.Properties.Settings', [['pfup_pfwssdk_PfWsSdk', url]]);
  const NEW = 'https://mfa01.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx';

  it('is paired by role across different names: by name pattern in one file, by value in the other', () => {
    const target = applicationSettings(group('New.Settings', [['WebServiceSdkUrl', 'https://www.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx'], ['Other', 'o']]));
    const reference = applicationSettings(group('pfpaws.Properties.Settings', [['Other', 'o2'], ['pfpaws_pfwssdk_PfWsSdk', 'https://old/PhoneFactorWebServiceSdk/PfWsSdk.asmx']]));
    const r = merge(target, reference);
    assert.deepEqual(r.changes.map(row), [
      // The groups are different classes paired only as the one left on each side: a guess, except for the SDK URL.
      'Review applicationSettings/New.Settings Other "o" -> "o2"',
      'Updated applicationSettings/New.Settings WebServiceSdkUrl "https://www.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx" -> "https://old/PhoneFactorWebServiceSdk/PfWsSdk.asmx" [sdk]',
    ]);
  });

  it('takes an explicit URL even when the reference has no SDK setting, and reports Unchanged once it is there', () => {
    const target = applicationSettings(portalGroup('http://localhost:4898/PfWsSdk.asmx'));
    const r = merge(target, '<configuration/>', NEW);
    assert.deepEqual(r.changes.map(row), [`Updated applicationSettings/pfup.Properties.Settings pfup_pfwssdk_PfWsSdk "http://localhost:4898/PfWsSdk.asmx" -> "${NEW}" [sdk]`]);
    const again = merge(text(r.output), '<configuration/>', NEW);
    assert.deepEqual(again.changes.map(row), [`Unchanged applicationSettings/pfup.Properties.Settings pfup_pfwssdk_PfWsSdk "${NEW}" -> "${NEW}" [sdk]`]);
    assert.deepEqual(merge(target, '<configuration/>').changes.map((c) => `${c.Action} ${c.IsSdkUrl}`), ['OnlyInNew true']);
  });

  it('is added under the explicit URL when only the reference has one', () => {
    const target = applicationSettings(group('pfup.Properties.Settings', [['Other', 'o']]));
    const r = merge(target, applicationSettings(portalGroup('https://old/PfWsSdk.asmx')), NEW);
    assert.deepEqual(r.changes.map(row).slice(0, 1), [`Added applicationSettings/pfup.Properties.Settings pfup_pfwssdk_PfWsSdk ∅ -> "${NEW}" [sdk]`]);
    assert.ok(text(r.output).includes(`<setting name="pfup_pfwssdk_PfWsSdk" serializeAs="String">\n        <value>${NEW}</value>`));
  });
});
