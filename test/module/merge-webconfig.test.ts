// Merge-MfaWebConfig through real pwsh: the transport's guarantees, proven on the real operation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, readFileSync, readdirSync, copyFileSync, chmodSync, existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openModuleSession, repoRoot } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'webconfig', 'userportal');
let ps: PowerShellSession;
let dir: string;

const config = (entries: Record<string, string>) =>
  '\uFEFF<?xml version="1.0" encoding="utf-8"?>\r\n<configuration>\r\n  <appSettings>\r\n' +
  Object.entries(entries).map(([k, v]) => `    <add key="${k}" value="${v}" />\r\n`).join('') +
  '  </appSettings>\r\n</configuration>\r\n';

function pair(name: string, oldEntries: Record<string, string>, newEntries: Record<string, string>) {
  const folder = path.join(dir, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'old.config'), config(oldEntries));
  writeFileSync(path.join(folder, 'web.config'), config(newEntries));
  return { Path: path.join(folder, 'web.config'), ReferencePath: path.join(folder, 'old.config') };
}

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-merge-'));
  // A node wrapper that counts core processes: MFA_NODE is the transport's second choice after bin\node.exe.
  const wrapper = path.join(dir, 'count-node.sh');
  writeFileSync(wrapper, `#!/bin/sh\necho x >> "${path.join(dir, 'core-starts.txt')}"\nexec "${process.execPath}" "$@"\n`);
  chmodSync(wrapper, 0o755);
  ps = await openModuleSession(dir, { ...process.env, MFA_NODE: wrapper });
});
after(async () => {
  await ps.close();
});

const coreStarts = () => (existsSync(path.join(dir, 'core-starts.txt')) ? readFileSync(path.join(dir, 'core-starts.txt'), 'utf8').trim().split('\n').length : 0);

test('merges the realistic PhoneFactor portal config and masks the password', async () => {
  const target = path.join(dir, 'portal-web.config');
  copyFileSync(path.join(fixtures, 'multifactorauth-default.web.config'), target);
  const reference = path.join(fixtures, 'phonefactor-backup.web.config');
  const r = await ps.run(`Merge-MfaWebConfig -Path $V.t -ReferencePath $V.r -WebServiceSdkUrl 'https://mfa01.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx' -Confirm:$false -Verbose | ForEach-Object { [pscustomobject]@{ Type = $_.PSObject.TypeNames[0]; Section = $_.Section; Name = $_.Name; Action = $_.Action; NewValue = $_.NewValue } }`, { t: target, r: reference });
  assert.ok(r.ok, r.terminatingError?.message);
  const rows = r.output as { Type: string; Name: string; Action: string; NewValue: string }[];
  assert.ok(rows.length > 3);
  assert.ok(rows.every((x) => x.Type === 'MfaServerUpgrade.WebConfigChange'));
  const password = rows.find((x) => x.Name === 'WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD');
  assert.ok(password, 'the password key is reported');
  assert.match(password.NewValue, /^\*{8} \([0-9a-f]{6}\)$/);
  const written = readFileSync(target, 'utf8');
  assert.match(written, /MultiFactorAuthWebServiceSdk\/PfWsSdk\.asmx/);
  const everything = JSON.stringify(r);
  const secret = /WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD" value="([^"]+)"/.exec(readFileSync(reference, 'utf8'))?.[1];
  assert.ok(secret && written.includes(secret), 'the real password reaches the new file');
  assert.ok(!everything.includes(secret), 'the password never reaches PowerShell output, verbose or warnings');
  assert.equal(readdirSync(dir).filter((f) => f.startsWith('portal-web.config.') && f.endsWith('.bak')).length, 1, 'a timestamped copy is kept beside the target');
});

test('-WhatIf changes nothing and leaves nothing new in the folder', async () => {
  const p = pair('whatif', { A: '1', B: 'Zürich' }, { A: '0' });
  const before = readFileSync(p.Path);
  const r = await ps.run('Merge-MfaWebConfig -Path $V.Path -ReferencePath $V.ReferencePath -WhatIf', p);
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.output, []);
  assert.deepEqual(readFileSync(p.Path), before);
  assert.deepEqual(readdirSync(path.dirname(p.Path)).sort(), ['old.config', 'web.config']);
});

test('errors are catchable ErrorRecords carrying their code and target', async () => {
  const r = await ps.run(String.raw`
    try { Merge-MfaWebConfig -Path (Join-Path $V.dir 'missing.config') -ReferencePath (Join-Path $V.dir 'x.config') -Confirm:$false -ErrorAction Stop; 'not caught' }
    catch { [pscustomobject]@{ Id = $_.FullyQualifiedErrorId; Category = [string]$_.CategoryInfo.Category; Target = $_.TargetObject; Message = $_.Exception.Message } }`, { dir });
  assert.ok(r.ok, r.terminatingError?.message);
  const e = r.output[0] as { Id: string; Category: string; Target: string; Message: string };
  assert.equal(e.Id, 'FileNotFound,Merge-MfaWebConfig');
  assert.equal(e.Category, 'ObjectNotFound');
  assert.equal(e.Target, path.join(dir, 'missing.config'));
});

test('a bad -WebServiceSdkUrl is refused and the target is untouched', async () => {
  const p = pair('badurl', { A: '1' }, { A: '0' });
  const before = readFileSync(p.Path);
  const r = await ps.run("Merge-MfaWebConfig -Path $V.Path -ReferencePath $V.ReferencePath -WebServiceSdkUrl 'mfa01/PfWsSdk.asmx' -Confirm:$false", p);
  assert.equal(r.errors[0]?.fullyQualifiedErrorId, 'InvalidSdkUrl,Merge-MfaWebConfig');
  assert.deepEqual(readFileSync(p.Path), before);
  assert.deepEqual(readdirSync(path.dirname(p.Path)).sort(), ['old.config', 'web.config']);
});

test('piped objects stream through one warm core, one request each, and non-ASCII text survives the round trip', async () => {
  const pairs = Array.from({ length: 40 }, (_, i) => pair(`farm${i}`, { SITE: `Zürich 日本語 ${i}` }, { SITE: 'x' }));
  // Calls go to the session's warm core: its call counter (module scope) tells how many requests the command made.
  const calls = async () => Number((await ps.run('& (Get-Module MfaServerUpgrade) { if ($script:MfaWarmCore) { $script:MfaWarmCore.NextId } else { 0 } }')).output[0]);
  await ps.run('& (Get-Module MfaServerUpgrade) { Close-MfaWarmCore }');
  const startsBefore = coreStarts();
  const r = await ps.run('$V.pairs | ForEach-Object { [pscustomobject]@{ Path = $_.Path; ReferencePath = $_.ReferencePath } } | Merge-MfaWebConfig -Confirm:$false | Where-Object Name -eq SITE | Select-Object -ExpandProperty NewValue', { pairs });
  assert.ok(r.ok, r.terminatingError?.message);
  assert.equal(coreStarts() - startsBefore, 1, 'one core process');
  // Each piped object is merged as it arrives (issue 28 item 4): a request per object, all to the same warm core.
  assert.equal(await calls(), 40, 'one request per piped object');
  assert.equal(r.output.length, 40);
  assert.equal(r.output[7], 'Zürich 日本語 7');
  assert.match(readFileSync(pairs[7].Path, 'utf8'), /value="Zürich 日本語 7"/);
});

test('merging twice changes nothing the second time and reports only Unchanged', async () => {
  const p = pair('twice', { A: '1', B: '2' }, { A: '0', C: '3' });
  await ps.run('Merge-MfaWebConfig -Path $V.Path -ReferencePath $V.ReferencePath -Confirm:$false', p);
  const once = readFileSync(p.Path);
  const r = await ps.run('Merge-MfaWebConfig -Path $V.Path -ReferencePath $V.ReferencePath -Confirm:$false | Select-Object -ExpandProperty Action', p);
  assert.deepEqual([...new Set(r.output as string[])].sort(), ['OnlyInNew', 'Unchanged']);
  assert.deepEqual(readFileSync(p.Path), once);
});

test('secrets by name and by content never reach output objects, the table, JSON or -WhatIf, yet a change stays visible', async () => {
  const secrets = {
    MachineKeyDecryptionKey: 'D1E2C3R4Y5P6T7-old',
    'PayPal.MerchantKey': 'Merch4ntK3y-old',
    'Twitter.ConsumerKey': 'C0nsum3rK3y-old',
    SMTP_PASS: 'SmtpP4ss-old',
    LdapBindCredential: 'Ld4pB1nd-old',
    PfDb: 'Server=db;User Id=sa;Password=Conn5tr1ngPw-old;',
  };
  const newer = Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, v.replace('-old', '-new')]));
  const p = pair('secrets', { ...newer, KeyVault_Url: 'https://vault.example.net/', Same_Secret: 'x', SAME_PASSWORD: 'Unch4ngedPw' }, { ...secrets, SAME_PASSWORD: 'Unch4ngedPw' });
  const transcript = path.join(dir, 'secrets-whatif.txt');
  const r = await ps.run(String.raw`
    Start-Transcript -LiteralPath $V.transcript | Out-Null
    try { Merge-MfaWebConfig -Path $V.Path -ReferencePath $V.ReferencePath -WhatIf } finally { Stop-Transcript | Out-Null }
    $rows = Merge-MfaWebConfig -Path $V.Path -ReferencePath $V.ReferencePath -Confirm:$false
    [pscustomobject]@{
      Rows = @($rows | Select-Object Name, Action, OldValue, NewValue)
      Table = ($rows | Format-Table -AutoSize | Out-String -Width 400)
      List = ($rows | Format-List * | Out-String -Width 400)
      Json = ($rows | ConvertTo-Json -Depth 3)
    }`, { ...p, transcript });
  assert.ok(r.ok, r.terminatingError?.message);
  const shown = JSON.stringify(r.output) + readFileSync(transcript, 'utf8');
  for (const v of [...Object.values(secrets), ...Object.values(newer), 'Unch4ngedPw']) {
    assert.ok(!shown.includes(v.replace(/^.*Password=|;$/g, '')), `${v} is shown somewhere`);
  }
  const out = r.output[0] as { Rows: { Name: string; Action: string; OldValue: string; NewValue: string }[] };
  const byName = new Map(out.Rows.map((x) => [x.Name, x]));
  for (const name of Object.keys(secrets)) {
    const x = byName.get(name)!;
    assert.equal(x.Action, 'Updated', name);
    assert.match(x.NewValue, /^\*{8} \([0-9a-f]{6}\)$/, name);
    assert.notEqual(x.OldValue, x.NewValue, `${name}: the mask shows that the value changed`);
  }
  const same = byName.get('SAME_PASSWORD')!;
  assert.equal(same.Action, 'Unchanged');
  assert.equal(same.OldValue, same.NewValue);
  assert.equal(byName.get('KeyVault_Url')!.NewValue, 'https://vault.example.net/', 'a non-secret is shown');
  assert.match(readFileSync(p.Path, 'utf8'), /Password=Conn5tr1ngPw-new;/, 'the secret itself is carried');
});

test('a folder, an empty file and a non-XML file are named as such with the parameter and path', async () => {
  const folder = path.join(dir, 'errors');
  mkdirSync(path.join(folder, 'site'), { recursive: true });
  writeFileSync(path.join(folder, 'empty.config'), '');
  writeFileSync(path.join(folder, 'notes.config'), 'USE_WEB_SERVICE_SDK=true\r\n');
  writeFileSync(path.join(folder, 'web.config'), config({ A: '1' }));
  const cases: [Record<string, string>, string, RegExp][] = [
    [{ Path: path.join(folder, 'site'), ReferencePath: path.join(folder, 'web.config') }, 'NotAFile', /^-Path '.*site' is a folder, not a file/],
    [{ Path: path.join(folder, 'web.config'), ReferencePath: path.join(folder, 'site') }, 'NotAFile', /^-ReferencePath '.*site' is a folder, not a file/],
    [{ Path: path.join(folder, 'web.config'), ReferencePath: path.join(folder, 'empty.config') }, 'WebConfigEmpty', /^-ReferencePath '.*empty\.config' is empty/],
    [{ Path: path.join(folder, 'notes.config'), ReferencePath: path.join(folder, 'web.config') }, 'WebConfigNotXml', /^-Path '.*notes\.config' is not XML/],
  ];
  for (const [p, code, message] of cases) {
    const r = await ps.run('Merge-MfaWebConfig -Path $V.Path -ReferencePath $V.ReferencePath -Confirm:$false', p);
    assert.equal(r.errors[0]?.fullyQualifiedErrorId, `${code},Merge-MfaWebConfig`, JSON.stringify(r.errors[0]));
    assert.match(r.errors[0].message, message);
  }
});

test('a duplicate key .NET accepts (the last one counts) does not refuse the file', async () => {
  const folder = path.join(dir, 'dup');
  mkdirSync(folder, { recursive: true });
  const dup = '<configuration>\r\n  <appSettings>\r\n    <add key="A" value="first" />\r\n    <add key="a" value="last" />\r\n  </appSettings>\r\n</configuration>\r\n';
  writeFileSync(path.join(folder, 'old.config'), dup);
  writeFileSync(path.join(folder, 'web.config'), config({ A: 'new' }));
  const r = await ps.run('Merge-MfaWebConfig -Path $V.Path -ReferencePath $V.ReferencePath -Confirm:$false | Select-Object Name, Action, NewValue', { Path: path.join(folder, 'web.config'), ReferencePath: path.join(folder, 'old.config') });
  assert.ok(r.ok, r.terminatingError?.message ?? JSON.stringify(r.errors));
  assert.deepEqual(r.output, [{ Name: 'A', Action: 'Updated', NewValue: 'last' }]);
});
