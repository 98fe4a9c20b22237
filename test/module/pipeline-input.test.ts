// Pipeline input through real pwsh (issue 28 item 4): server names by value, Active Directory computers and file-system
// objects by property name, and input that streams: a per-item cmdlet answers each piped object before it reads the
// next one; a batch cmdlet (servers worked on together) gathers, and its help says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

let ps: PowerShellSession;
let dir: string;
let lab: string;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-pipeline-'));
  ps = await openModuleSession(dir);
  lab = path.join(dir, 'lab');
  const r = await ps.run('New-MfaLab -Path $V.lab -Scenario SeparateWebServer | Out-Null', { lab });
  assert.ok(r.ok, r.terminatingError?.message);
});
after(async () => {
  await ps.close();
});

const servers = async (script: string, values: Record<string, unknown> = {}) => {
  const r = await ps.run(`${script} | ForEach-Object { $_.ComputerName } | Sort-Object -Unique`, { lab, ...values });
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.errors, []);
  return r.output as string[];
};

test('a server name piped on its own binds to -ComputerName', async () => {
  assert.deepEqual(await servers("'WEB01' | Get-PhoneFactorComponent -LabPath $V.lab"), ['WEB01']);
  assert.deepEqual(await servers("'MFA01', 'WEB01' | Get-PhoneFactorComponent -LabPath $V.lab"), ['MFA01', 'WEB01']);
  assert.deepEqual(await servers("'WEB01' | Test-MfaUpgradeReadiness -LabPath $V.lab"), ['WEB01']);
});

test('an Active Directory computer binds by DNSHostName, else Name; an empty one is refused by name, never this machine', async () => {
  assert.deepEqual(await servers("[pscustomobject]@{ Name = 'MFA01'; DNSHostName = 'WEB01' } | Get-PhoneFactorComponent -LabPath $V.lab"), ['WEB01']);
  assert.deepEqual(await servers("[pscustomobject]@{ Name = 'WEB01' } | Get-PhoneFactorComponent -LabPath $V.lab"), ['WEB01']);
  const empty = await ps.run("[pscustomobject]@{ DNSHostName = $null } | Get-PhoneFactorComponent -LabPath $V.lab", { lab });
  const record = [...empty.errors, ...(empty.terminatingError ? [empty.terminatingError] : [])];
  assert.equal(empty.output.length, 0);
  assert.match(JSON.stringify(record), /ComputerName/);
});

test('Get-ChildItem of backups pipes into Test-PhoneFactorBackup and Restore-PhoneFactor (FullName binds to -Path)', async () => {
  const dest = path.join(dir, 'backups');
  mkdirSync(dest);
  const made = await ps.run('Backup-PhoneFactor -LabPath $V.lab -ComputerName MFA01 -Destination $V.dest | Out-Null', { lab, dest });
  assert.ok(made.ok, made.terminatingError?.message);
  const tested = await ps.run('Get-ChildItem -LiteralPath $V.dest -Directory | Test-PhoneFactorBackup | ForEach-Object { $_.IsValid }', { dest });
  assert.ok(tested.ok, tested.terminatingError?.message);
  assert.deepEqual(tested.output, [true]);
  const restored = await ps.run(
    'Get-ChildItem -LiteralPath $V.dest -Directory | Restore-PhoneFactor -LabPath $V.lab -ComputerName MFA01 -Confirm:$false | ForEach-Object { $_.Status } | Sort-Object -Unique',
    { lab, dest },
  );
  assert.ok(restored.ok, restored.terminatingError?.message);
  assert.deepEqual(restored.errors, []);
  assert.deepEqual(restored.output, ['Unchanged']);
  const listed = await ps.run('Get-Item -LiteralPath $V.dest | Get-PhoneFactorBackup | ForEach-Object { $_.ComputerName }', { dest });
  assert.ok(listed.ok, listed.terminatingError?.message);
  assert.deepEqual(listed.output, ['MFA01']);
});

const config = (value: string) => `<?xml version="1.0" encoding="utf-8"?>\r\n<configuration>\r\n  <appSettings>\r\n    <add key="A" value="${value}" />\r\n  </appSettings>\r\n</configuration>\r\n`;

test('a per-item cmdlet streams: each object\'s output goes down the pipeline before the next object is read', async () => {
  const pairs = [1, 2, 3].map((i) => {
    const folder = path.join(dir, `stream${i}`);
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'old.config'), config(`old${i}`));
    writeFileSync(path.join(folder, 'web.config'), config('new'));
    return { Path: path.join(folder, 'web.config'), ReferencePath: path.join(folder, 'old.config') };
  });
  const r = await ps.run(String.raw`
    $order = New-Object System.Collections.Generic.List[string]
    $V.pairs | ForEach-Object { $order.Add("in $($_.ReferencePath | Split-Path -Parent | Split-Path -Leaf)"); [pscustomobject]@{ Path = $_.Path; ReferencePath = $_.ReferencePath } } |
      Merge-MfaWebConfig -Confirm:$false | ForEach-Object { $order.Add("out $($_.Path | Split-Path -Parent | Split-Path -Leaf)") }
    $order`, { pairs });
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.output, ['in stream1', 'out stream1', 'in stream2', 'out stream2', 'in stream3', 'out stream3']);
});

test('a batch cmdlet gathers its servers and says so in its help', async () => {
  const r = await ps.run(String.raw`
    $order = New-Object System.Collections.Generic.List[string]
    'MFA01', 'WEB01' | ForEach-Object { $order.Add("in $_"); $_ } | Get-PhoneFactorComponent -LabPath $V.lab | ForEach-Object { $order.Add("out $($_.ComputerName)") }
    $order | Select-Object -Unique`, { lab });
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.output, ['in MFA01', 'in WEB01', 'out MFA01', 'out WEB01']);
  const help = await ps.run("(Get-Help Get-PhoneFactorComponent -Full | Out-String -Width 200) -replace '\\s+', ' '");
  assert.match(String(help.output[0]), /Piped objects are gathered and worked on together when the pipeline ends/);
  const streamed = await ps.run("(Get-Help Merge-MfaWebConfig -Full | Out-String -Width 200) -replace '\\s+', ' '");
  assert.match(String(streamed.output[0]), /Each piped object is worked on as it arrives/);
});
