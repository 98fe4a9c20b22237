// The smaller points of the everyday surface (issue 28 item 13), through real pwsh: completion of -SkipReadiness and
// Restore-PhoneFactor -Component from the contracts' sets, -At taking a [datetime], a High-impact command under
// pwsh -NonInteractive failing with its own error that says to pass -Confirm:$false, and Invoke -WhatIf ending
// without a warning.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openModuleSession, modulePath, pwshExecutable } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

let ps: PowerShellSession;
let dir: string;
let lab: string;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-surface-'));
  ps = await openModuleSession(dir);
  lab = path.join(dir, 'lab');
  const r = await ps.run('New-MfaLab -Path $V.lab -Scenario SingleServer | Out-Null', { lab });
  assert.ok(r.ok, r.terminatingError?.message);
});
after(async () => {
  await ps.close();
});

test('-SkipReadiness and Restore-PhoneFactor -Component complete from their sets, refuse other values by name and take $null as none', async () => {
  const complete = async (line: string) => {
    const r = await ps.run('(TabExpansion2 -inputScript $V.line -cursorColumn $V.line.Length).CompletionMatches | ForEach-Object { $_.CompletionText }', { line });
    assert.ok(r.ok, r.terminatingError?.message);
    return r.output as string[];
  };
  assert.deepEqual(await complete('Invoke-MfaServerUpgrade -SkipReadiness Pend'), ['PendingRestart']);
  assert.deepEqual(await complete('Invoke-MfaServerUpgrade -SkipReadiness Rollback'), ['RollbackMedia']);
  assert.deepEqual(await complete('Restore-PhoneFactor -Component UserP'), ['UserPortal']);
  const refused = await ps.run("Restore-PhoneFactor -Path $V.dir -Component Portal -WhatIf", { dir });
  const error = refused.terminatingError ?? refused.errors[0];
  // A list of a set is refused by the contract's schema (not ValidateSet, which would also refuse $null: none).
  assert.match(error?.fullyQualifiedErrorId ?? '', /^InvalidParameter,Restore-PhoneFactor$/);
  assert.match(error.message, /Component\/0 must be one of: Agent.*UserPortal.*MobileAppWebService.*WebServiceSdk.*MfaServer/);
});

test('-At takes a [datetime]: its time of day', async () => {
  const r = await ps.run(
    "Register-PhoneFactorBackupTask -LabPath $V.lab -Destination 'D:\\Backups' -At (Get-Date -Year 2024 -Month 3 -Day 1 -Hour 23 -Minute 15 -Second 40) -AsXml | ForEach-Object { $_.At }",
    { lab },
  );
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.output, ['23:15']);
});

test('a High-impact command under pwsh -NonInteractive fails with its own error naming -Confirm:$false, and changes nothing', async () => {
  const dest = path.join(dir, 'backups');
  mkdirSync(dest);
  const made = await ps.run('Backup-PhoneFactor -LabPath $V.lab -Destination $V.dest | ForEach-Object { $_.BackupPath }', { lab, dest });
  assert.ok(made.ok, made.terminatingError?.message);
  const backup = String(made.output[0]);
  const script = `Import-Module '${modulePath}'; try { Restore-PhoneFactor -Path '${backup}' -LabPath '${lab}' -ErrorAction Stop } ` +
    "catch { 'FQID=' + $_.FullyQualifiedErrorId; 'MESSAGE=' + $_.Exception.Message; 'ACTION=' + $_.ErrorDetails.RecommendedAction }";
  const r = spawnSync(pwshExecutable(), ['-NoProfile', '-NonInteractive', '-Command', script], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^FQID=ConfirmationNotPossible,Restore-PhoneFactor$/m, r.stdout);
  assert.match(r.stdout, /^MESSAGE=Restore-PhoneFactor asks before it changes anything, but this PowerShell cannot ask .* Nothing was changed\.$/m);
  assert.match(r.stdout, /^ACTION=Pass -Confirm:\$false to run it unattended/m);
  assert.ok(!readdirSync(backup).some((f) => f.startsWith('restore-undo')), 'nothing was restored');
  // With -Confirm:$false the same command runs.
  const unattended = spawnSync(pwshExecutable(), ['-NoProfile', '-NonInteractive', '-Command',
    `Import-Module '${modulePath}'; Restore-PhoneFactor -Path '${backup}' -LabPath '${lab}' -Confirm:$false -ErrorAction Stop | Out-Null; 'done'`],
  { encoding: 'utf8', timeout: 300_000 });
  assert.equal(unattended.status, 0, unattended.stderr);
  assert.match(unattended.stdout, /done/);
});

test('Invoke-MfaServerUpgrade -WhatIf ends with information, not a warning, that it was a dry run', async () => {
  const backups = path.join(dir, 'whatif-backups');
  const r = await ps.run(String.raw`
    $out = Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath 'C:\Media\MfaServer' -BackupDestination $V.backups -WhatIf -WarningVariable w -InformationVariable i
    [pscustomobject]@{ Output = @($out).Count; Warnings = @($w | ForEach-Object { [string]$_ })
      Information = @($i | ForEach-Object { [pscustomobject]@{ Text = [string]$_.MessageData; Tags = @($_.Tags) } }) }`, { lab, backups });
  assert.ok(r.ok, r.terminatingError?.message);
  const got = r.output[0] as { Output: number; Warnings: string[]; Information: { Text: string; Tags: string[] }[] };
  assert.ok(!got.Warnings.some((w) => /Dry run|Upgrade Planned/.test(w)), got.Warnings.join('\n'));
  const said = got.Information.filter((m) => /^Upgrade Planned \(exit code 0\): Dry run: nothing was changed\./.test(m.Text));
  assert.equal(said.length, 1, JSON.stringify(got.Information));
  assert.deepEqual(said[0].Tags, ['PSHOST'], 'shown as Write-Host shows it');
  assert.ok(!existsSync(path.join(backups, 'MfaServerUpgrade-MFA01', 'journal.json')), 'a dry run writes no journal');
});
