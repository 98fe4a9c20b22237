// Merge-MfaWebConfig on real-world-like cases (issue 23 item 12), each judged by .NET's own configuration reader
// (test/dotnet-config-judge): a very long value, literal line breaks and tabs inside values, two differently named
// settings groups, and new files .NET refuses or reads without a file they name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import { judge, judgeDll, valueOf } from '../helpers/config-judge';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

let ps: PowerShellSession;
let dir: string;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-merge-cases-'));
  judgeDll();
  ps = await openModuleSession(dir);
});
after(async () => {
  await ps?.close();
});

const DECLARE = (groups: string[]) =>
  '  <configSections>\r\n    <sectionGroup name="applicationSettings" type="System.Configuration.ApplicationSettingsGroup, System, Version=4.0.0.0, ' +
  'Culture=neutral, PublicKeyToken=b77a5c561934e089">\r\n' +
  groups.map((g) => `      <section name="${g}" type="System.Configuration.ClientSettingsSection, System, Version=4.0.0.0, Culture=neutral, ` +
    'PublicKeyToken=b77a5c561934e089" requirePermission="false" />\r\n').join('') +
  '    </sectionGroup>\r\n  </configSections>\r\n';
const GROUP = (name: string, settings: Record<string, string>) =>
  `    <${name}>\r\n` +
  Object.entries(settings).map(([k, v]) => `      <setting name="${k}" serializeAs="String">\r\n        <value>${v}</value>\r\n      </setting>\r\n`).join('') +
  `    </${name}>\r\n`;
const CONFIG = (body: string) => `<?xml version="1.0" encoding="utf-8"?>\r\n<configuration>\r\n${body}</configuration>\r\n`;

interface Row { Section: string; Name: string; Action: string; OldValue: string | null; NewValue: string | null; Detail: string | null }

function pair(name: string, oldText: string, newText: string, newFiles: Record<string, string> = {}) {
  const folder = path.join(dir, name);
  mkdirSync(path.join(folder, 'old'), { recursive: true });
  mkdirSync(path.join(folder, 'new'), { recursive: true });
  writeFileSync(path.join(folder, 'old', 'web.config'), oldText);
  writeFileSync(path.join(folder, 'new', 'web.config'), newText);
  for (const [f, text] of Object.entries(newFiles)) writeFileSync(path.join(folder, 'new', f), text);
  return { Path: path.join(folder, 'new', 'web.config'), ReferencePath: path.join(folder, 'old', 'web.config') };
}

async function merge(p: { Path: string; ReferencePath: string }) {
  const r = await ps.run(
    'Merge-MfaWebConfig -Path $V.Path -ReferencePath $V.ReferencePath -Confirm:$false -WarningVariable w | Select-Object Section, Name, Action, OldValue, NewValue, Detail',
    p,
  );
  return { ...r, rows: r.output as Row[] };
}

test('a 200,000-character value is carried whole: .NET reads the old and the merged file to the same value', async () => {
  const long = Array.from({ length: 25_000 }, (_, i) => `k${i % 10}=v;`).join('').padEnd(200_000, ' x');
  assert.equal(long.length, 200_000);
  const p = pair('long',
    CONFIG(DECLARE(['g']) + `  <appSettings>\r\n    <add key="LONG" value="${long}" />\r\n  </appSettings>\r\n  <applicationSettings>\r\n${GROUP('g', { S: long })}  </applicationSettings>\r\n`),
    CONFIG(DECLARE(['g']) + `  <appSettings>\r\n    <add key="LONG" value="" />\r\n  </appSettings>\r\n  <applicationSettings>\r\n${GROUP('g', { S: '' })}  </applicationSettings>\r\n`));
  const r = await merge(p);
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.rows.map((x) => `${x.Action} ${x.Name}`).sort(), ['Updated LONG', 'Updated S']);
  const [old, merged] = judge([p.ReferencePath, p.Path]);
  assert.ok(merged.ok, merged.error);
  assert.equal(valueOf(merged.appSettings, 'LONG'), valueOf(old.appSettings, 'LONG'));
  assert.equal(valueOf(merged.appSettings, 'LONG')?.length, 200_000);
  assert.equal(merged.settings?.['g/S'], old.settings?.['g/S']);
});

test('literal line breaks and tabs inside old values are carried as written: .NET reads the same value from both files', async () => {
  const p = pair('whitespace',
    CONFIG(DECLARE(['g']) +
      '  <appSettings>\r\n    <add key="LF" value="line1\n  line2\tend" />\r\n    <add key="CRLF" value=\'line1\r\n  "line2"\tend\' />\r\n  </appSettings>\r\n' +
      `  <applicationSettings>\r\n${GROUP('g', { Text: 'line1\n  line2\tend' })}  </applicationSettings>\r\n` +
      '  <system.web>\r\n    <customErrors mode="On" defaultRedirect="/error.aspx?a=1&#xA;\tb" />\r\n  </system.web>\r\n'),
    CONFIG(DECLARE(['g']) +
      '  <appSettings>\r\n    <add key="LF" value="x" />\r\n  </appSettings>\r\n' +
      `  <applicationSettings>\r\n${GROUP('g', { Text: 'x' })}  </applicationSettings>\r\n`));
  const r = await merge(p);
  assert.ok(r.ok, r.terminatingError?.message);
  const [old, merged] = judge([p.ReferencePath, p.Path]);
  assert.ok(merged.ok, merged.error);
  assert.equal(valueOf(old.appSettings, 'LF'), 'line1\n  line2\tend', 'the judge reads attributes without normalising them');
  for (const key of ['LF', 'CRLF']) assert.equal(JSON.stringify(valueOf(merged.appSettings, key)), JSON.stringify(valueOf(old.appSettings, key)), key);
  assert.equal(JSON.stringify(merged.settings?.['g/Text']), JSON.stringify(old.settings?.['g/Text']));
  const written = readFileSync(p.Path, 'utf8');
  assert.ok(written.includes('value="line1\n  line2\tend"'), 'the attribute is carried byte for byte');
  assert.equal(r.rows.find((x) => x.Name === 'LF')?.NewValue, 'line1\n  line2\tend', 'the row shows the value .NET reads');
});

test('two differently named settings groups are paired only as a visible guess: Review naming both, nothing written', async () => {
  const oldGroup = 'Contoso.Billing.Properties.Settings';
  const newGroup = 'Contoso.Reporting.Properties.Settings';
  const p = pair('groups',
    CONFIG(DECLARE([oldGroup]) + `  <applicationSettings>\r\n${GROUP(oldGroup, { ReportServerUrl: 'https://billing.contoso.com/reports' })}  </applicationSettings>\r\n`),
    CONFIG(DECLARE([newGroup]) + `  <applicationSettings>\r\n${GROUP(newGroup, { ReportServerUrl: 'https://reporting.contoso.com/' })}  </applicationSettings>\r\n`));
  const before = readFileSync(p.Path);
  const r = await merge(p);
  assert.ok(r.ok, r.terminatingError?.message);
  const row = r.rows.find((x) => x.Name === 'ReportServerUrl');
  assert.equal(row?.Action, 'Review', JSON.stringify(r.rows));
  assert.ok(row?.Detail?.includes(oldGroup) && row.Detail.includes(newGroup), `Detail names both groups: ${row?.Detail}`);
  assert.deepEqual(readFileSync(p.Path), before, 'nothing is written on a guess');
  const [merged] = judge([p.Path]);
  assert.equal(merged.settings?.[`${newGroup}/ReportServerUrl`], 'https://reporting.contoso.com/');
});

test('a new file with <location> inside <location> is refused, as .NET refuses it', async () => {
  const nested = CONFIG('  <location path=".">\r\n    <location path="admin">\r\n      <appSettings>\r\n        <add key="A" value="1" />\r\n' +
    '      </appSettings>\r\n    </location>\r\n  </location>\r\n');
  const p = pair('nested', CONFIG('  <appSettings>\r\n    <add key="A" value="2" />\r\n  </appSettings>\r\n'), nested);
  const [verdict] = judge([p.Path]);
  assert.equal(verdict.ok, false, '.NET refuses the file');
  const before = readFileSync(p.Path);
  const r = await merge(p);
  assert.equal(r.errors[0]?.fullyQualifiedErrorId, 'NestedLocation,Merge-MfaWebConfig', JSON.stringify(r.errors[0] ?? r.rows));
  assert.match(r.errors[0].message, /web\.config' has a <location> inside another <location> at line 4, column 5/);
  assert.deepEqual(readFileSync(p.Path), before);
});

test("a file= of the new appSettings that is not there is said in a Review row (.NET ignores it silently)", async () => {
  const p = pair('missing-file',
    CONFIG('  <appSettings>\r\n    <add key="A" value="2" />\r\n  </appSettings>\r\n'),
    CONFIG('  <appSettings file="site.config">\r\n    <add key="A" value="1" />\r\n  </appSettings>\r\n'));
  const [verdict] = judge([p.Path]);
  assert.equal(verdict.ok, true, '.NET reads the file without the missing one');
  const r = await merge(p);
  assert.ok(r.ok, r.terminatingError?.message);
  const row = r.rows.find((x) => x.Name === '(file=site.config)');
  assert.equal(row?.Action, 'Review', JSON.stringify(r.rows));
  assert.match(row?.Detail ?? '', /site\.config.*not there.*\.NET ignores/);
  assert.equal(r.rows.find((x) => x.Name === 'A')?.Action, 'Updated', 'the inline value still takes effect and is carried');
});
