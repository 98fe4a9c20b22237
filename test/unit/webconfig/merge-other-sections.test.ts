/** Elements and attributes outside the two merged sections: three-way with a base, Review without. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeWebConfig } from '../../../core/webconfig/index';
import { input, row, text } from './helpers';

const web = (inner: string) => `<configuration>\n  <system.web>\n${inner}  </system.web>\n</configuration>\n`;
const threeWay = (target: string, reference: string, base: string) => mergeWebConfig(input(web(target)), input(web(reference)), { base: input(web(base)) });

describe('three-way merge of other sections', () => {
  it('applies the admin change where the target kept the old default, keeping the attribute quote', () => {
    const r = threeWay(`    <customErrors mode='RemoteOnly' />\n`, '    <customErrors mode="On" />\n', '    <customErrors mode="RemoteOnly" />\n');
    assert.deepEqual(r.changes.map(row), ['Updated system.web/customErrors mode "RemoteOnly" -> "On"']);
    assert.equal(text(r.output), web(`    <customErrors mode='On' />\n`));
  });

  it('leaves an old default alone where the new version changed it (reference = base)', () => {
    const r = threeWay('    <httpRuntime maxRequestLength="8192" />\n', '    <httpRuntime maxRequestLength="4096" />\n', '    <httpRuntime maxRequestLength="4096" />\n');
    assert.deepEqual(r.changes, []);
    assert.equal(r.changed, false);
  });

  it('reports a conflict where all three differ and does not apply it', () => {
    const r = threeWay('    <sessionState timeout="15" />\n', '    <sessionState timeout="60" />\n', '    <sessionState timeout="20" />\n');
    assert.deepEqual(r.changes.map(row), ['Conflict system.web/sessionState timeout "15" -> "60"']);
    assert.equal(r.changed, false);
  });

  it('adds an attribute the admin added, after the last attribute', () => {
    const r = threeWay('    <httpRuntime targetFramework="4.5"/>\n', '    <httpRuntime executionTimeout="180" />\n', '    <httpRuntime />\n');
    assert.deepEqual(r.changes.map(row), ['Added system.web/httpRuntime executionTimeout ∅ -> "180"']);
    assert.equal(text(r.output), web('    <httpRuntime targetFramework="4.5" executionTimeout="180"/>\n'));
  });

  it('matches list entries by their identifying attribute, ignoring case and order', () => {
    const list = (a: string, b: string) => `    <pages>\n      <namespaces>\n        <add namespace="Contoso.Web" ${a} />\n        <add namespace="System.Linq" ${b} />\n      </namespaces>\n    </pages>\n`;
    const target = `    <pages>\n      <namespaces>\n        <add namespace="system.linq" x="1" />\n        <add namespace="Contoso.Web" x="1" />\n      </namespaces>\n    </pages>\n`;
    const r = threeWay(target, list('x="1"', 'x="2"'), list('x="1"', 'x="1"'));
    assert.deepEqual(r.changes.map(row), ["Updated system.web/pages/namespaces/add[@namespace='system.linq'] x \"1\" -> \"2\""]);
    assert.ok(text(r.output).includes('<add namespace="system.linq" x="2" />'));
  });

  it('reports removals and added elements as Review, never deleting or placing markup', () => {
    const r = threeWay(
      '    <pages theme="Default" />\n    <trace enabled="false" />\n',
      '    <pages />\n    <machineKey validationKey="ABCDEF0123" decryption="AES" />\n',
      '    <pages theme="Default" />\n    <trace enabled="false" />\n',
    );
    assert.deepEqual(r.changes.map(row), [
      'Review system.web/pages theme "Default" -> ∅',
      'Review system.web/machineKey (element) ∅ -> "<machineKey validationKey=\\"********\\" decryption=\\"AES\\">"',
      'Review system.web/trace (element) "<trace enabled=\\"false\\">" -> ∅',
    ]);
    assert.equal(r.changed, false);
  });

  it('masks secret attributes (connectionString) in every report', () => {
    const cs = (v: string) => `<configuration>\n  <connectionStrings>\n    <add name="PfDb" connectionString="${v}" />\n  </connectionStrings>\n</configuration>`;
    const r = mergeWebConfig(input(cs('Server=a;Password=new')), input(cs('Server=b;Password=Hunter2')), { base: input(cs('Server=a;Password=new')) });
    assert.deepEqual(r.changes.map(row), ["Updated connectionStrings/add[@name='PfDb'] connectionString \"********\" -> \"********\""]);
    assert.ok(text(r.output).includes('Password=Hunter2'));
    const twoWay = mergeWebConfig(input(cs('x')), input(cs('Hunter2')));
    assert.ok(!JSON.stringify(twoWay.changes).includes('Hunter2'));
  });
});

describe('two-way comparison of other sections (no base)', () => {
  it('reports every differing or missing reference attribute as Review and applies nothing', () => {
    const r = mergeWebConfig(input(web('    <customErrors mode="RemoteOnly" />\n')), input(web('    <customErrors mode="On" defaultRedirect="e.htm" />\n    <trace enabled="true" />\n')));
    assert.deepEqual(r.changes.map(row), [
      'Review system.web/customErrors mode "RemoteOnly" -> "On"',
      'Review system.web/customErrors defaultRedirect ∅ -> "e.htm"',
      'Review system.web/trace (element) ∅ -> "<trace enabled=\\"true\\">"',
    ]);
    assert.equal(r.changed, false);
  });

  it('does not report attributes that only the new file has', () => {
    const r = mergeWebConfig(input(web('    <httpRuntime targetFramework="4.5" />\n')), input(web('    <httpRuntime />\n')));
    assert.deepEqual(r.changes, []);
  });
});
