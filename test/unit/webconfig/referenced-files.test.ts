// referencedFiles: every file a web.config names, found by structure (issue 23 item 13).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { referencedFiles } from '../../../core/webconfig/referenced-files';

const input = (text: string) => ({ path: 'C:\\inetpub\\wwwroot\\PhoneFactor\\web.config', bytes: Buffer.from(text, 'utf8') });

test('configSource= on any section, file= on appSettings, in <location> too; declarations and comments are not references', () => {
  const text = [
    '<?xml version="1.0"?>',
    '<configuration>',
    '  <configSections><section name="x" type="T" configSource="not-a-reference.config" /></configSections>',
    '  <!-- <appSettings file="commented.config" /> -->',
    '  <appSettings file="custom.config"><add key="A" value="1" /></appSettings>',
    '  <connectionStrings configSource="cs.config" />',
    '  <applicationSettings>',
    '    <Contoso.Properties.Settings configSource="Config\\settings.config" />',
    '  </applicationSettings>',
    '  <system.web><pages configSource="pages.config" /><compilation file="not-appSettings.config" /></system.web>',
    '  <location path="admin"><appSettings configSource="admin.config" /></location>',
    '  <location path="."><system.webServer><rewrite><rules configSource="rules.config" /></rewrite></system.webServer></location>',
    '</configuration>',
  ].join('\r\n');
  assert.deepEqual(referencedFiles(input(text)).map((r) => [r.section, r.attribute, r.value, r.line]), [
    ['appSettings', 'file', 'custom.config', 5],
    ['connectionStrings', 'configSource', 'cs.config', 6],
    ['applicationSettings/Contoso.Properties.Settings', 'configSource', 'Config\\settings.config', 8],
    ['system.web/pages', 'configSource', 'pages.config', 10],
    ['location[admin]/appSettings', 'configSource', 'admin.config', 11],
    ['location[.]/system.webServer/rewrite/rules', 'configSource', 'rules.config', 12],
  ]);
});

test('the column points at the attribute; entities are decoded; an empty value is no reference', () => {
  const [r, ...rest] = referencedFiles(input('<configuration>\n  <appSettings  file="a&amp;b.config" />\n  <connectionStrings configSource="" />\n</configuration>'));
  assert.deepEqual([r.line, r.column, r.value], [2, 17, 'a&b.config']);
  assert.deepEqual(rest, []);
});

test('a web.config that is not XML is refused with its named error', () => {
  assert.throws(() => referencedFiles(input('<configuration><appSettings file="x"></configuration>')), { code: 'WebConfigMalformed' });
});
