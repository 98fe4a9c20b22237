// Issue #7: -ComputerName takes several servers. Inventory and backups of several servers run in parallel
// (-ThrottleLimit), keep the order the servers were given, and one failing server reports its own error (naming it)
// while the others' output still comes back. Remote objects pipe onward to the same server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { LoopbackSshd, remoteTestsSkip } from '../helpers/sshd';
import { startRemoteSuite, stopRemoteSuite } from '../helpers/remote-suite';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

const skip = remoteTestsSkip();
let sshd: LoopbackSshd;
let ps: PowerShellSession;
let root: string;
let twoServerLab: string;
let farLab: string;

interface Row {
  ComputerName: string;
  LabPath: string | null;
  Component?: string;
  BackupPath?: string;
}

before(async () => {
  if (skip) return;
  ({ sshd, ps, root } = await startRemoteSuite('mfa-multi-'));
  twoServerLab = path.join(root, 'two-servers');
  farLab = path.join(root, 'far-lab');
  const made = await ps.run('New-MfaLab -Path $V.two -Scenario SeparateWebServer | Out-Null; New-MfaLab -Path $V.far -Scenario SingleServer | Out-Null', { two: twoServerLab, far: farLab });
  assert.ok(made.ok, made.terminatingError?.message);
});

after(async () => {
  if (!skip) await stopRemoteSuite({ sshd, ps, root });
});

const names = (rows: unknown[]) => [...new Set((rows as Row[]).map((r) => r.ComputerName))];

test('-ComputerName with several lab servers: one call, output in the order the servers were given', { skip }, async () => {
  for (const order of [['WEB01', 'MFA01'], ['MFA01', 'WEB01']]) {
    const r = await ps.run('Get-PhoneFactorComponent -LabPath $V.lab -ComputerName $V.names -ThrottleLimit 2', { lab: twoServerLab, names: order });
    assert.ok(r.ok, r.terminatingError?.message);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(names(r.output), order);
  }
  const bad = await ps.run('Get-PhoneFactorComponent -LabPath $V.lab -ComputerName MFA01 -ThrottleLimit 0', { lab: twoServerLab });
  assert.equal(bad.ok, false, '-ThrottleLimit 0 is refused by the parameter binder');
});

test('one unreachable server among several: its own error names it, the other servers are still inventoried', { skip }, async () => {
  const r = await ps.run('Get-PhoneFactorComponent -LabPath $V.lab -ComputerName MFA01, unreachable.invalid, WEB01 -ErrorAction Continue', { lab: twoServerLab });
  assert.ok(r.ok, r.terminatingError?.message);
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0].fullyQualifiedErrorId, /^RemoteUnreachable,Get-PhoneFactorComponent$/);
  assert.match(r.errors[0].message, /^\[unreachable\.invalid\] Cannot open a PowerShell remoting session/);
  // ssh is never started for a server whose port cannot be reached: PowerShell's SSH client can crash its whole
  // process when ssh exits at once (an unhandled Broken pipe in HandleSSHError), and that process is the admin's.
  assert.match(r.errors[0].message, /: the name does not resolve, so ssh was not started\. \(/);
  assert.deepEqual(names(r.output), ['MFA01', 'WEB01']);
});

test('Backup-PhoneFactor over a reachable and an unreachable server: the reachable one is backed up, the other fails on its own', { skip }, async () => {
  const destination = path.join(root, 'backups-mixed');
  const r = await ps.run('Backup-PhoneFactor -ComputerName unreachable.invalid, 127.0.0.1 -LabPath $V.lab -Destination $V.dest -Confirm:$false -ErrorAction Continue', { lab: farLab, dest: destination });
  assert.ok(r.ok, r.terminatingError?.message);
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0].fullyQualifiedErrorId, /^RemoteUnreachable,Backup-PhoneFactor$/, r.errors[0].message);
  assert.match(r.errors[0].message, /^\[unreachable\.invalid\] /);
  assert.equal(r.output.length, 1);
  const made = r.output[0] as Row & { IsVerified: boolean };
  assert.equal(made.IsVerified, true);
  assert.equal(made.ComputerName, '127.0.0.1');
  assert.equal(readdirSync(destination).filter((n) => n.startsWith('PhoneFactorBackup-MFA01-')).length, 1);
});

test('approved under -Confirm, a server that fails in the plan round and again in the real run reports its error once', { skip }, async () => {
  // -Confirm cannot be answered in a non-interactive pwsh: the transport gets a caller that approves every action.
  const destination = path.join(root, 'backups-confirm');
  const r = await ps.run(
    String.raw`
    $caller = [pscustomobject]@{ Errors = New-Object System.Collections.ArrayList; Objects = New-Object System.Collections.ArrayList; Asked = New-Object System.Collections.ArrayList }
    $caller | Add-Member ScriptMethod ShouldProcess { param($target, $action) [void]$this.Asked.Add($target); $true }
    $caller | Add-Member ScriptMethod WriteError { param($record) [void]$this.Errors.Add($record.FullyQualifiedErrorId + ' ' + $record.Exception.Message) }
    $caller | Add-Member ScriptMethod WriteObject { param($o) [void]$this.Objects.Add($o) }
    $caller | Add-Member ScriptMethod WriteProgress { param($p) }
    $caller | Add-Member ScriptMethod WriteVerbose { param($m) }
    $caller | Add-Member ScriptMethod WriteWarning { param($m) }
    $caller | Add-Member ScriptMethod ThrowTerminatingError { param($e) throw $e }
    $item = [ordered]@{ ComputerName = [string[]]@('unreachable.invalid', '127.0.0.1'); LabPath = $V.lab; Destination = $V.dest }
    & (Get-Module MfaServerUpgrade) {
        param($caller, $item)
        $ConfirmPreference = 'Low'
        Invoke-MfaCore -Operation 'backup-phonefactor' -Items @($item) -Caller $caller -OutputTypeName 'MfaServerUpgrade.Backup' -ChangesState -ConfirmImpact 'Medium'
    } $caller $item
    [pscustomobject]@{ Errors = @($caller.Errors); Made = @($caller.Objects | ForEach-Object { $_.ComputerName }); Asked = $caller.Asked.Count }`,
    { lab: farLab, dest: destination },
  );
  assert.ok(r.ok, r.terminatingError?.message);
  const seen = r.output[0] as { Errors: string[]; Made: string[]; Asked: number };
  assert.ok(seen.Asked > 0, 'the plan round asked for approval');
  assert.equal(seen.Errors.length, 1, seen.Errors.join('\n'));
  assert.match(seen.Errors[0], /^RemoteUnreachable \[unreachable\.invalid\] /);
  assert.deepEqual(seen.Made, ['127.0.0.1'], 'the reachable server was backed up in the real run');
});

test('remote components pipe into Backup-PhoneFactor and on into Test-PhoneFactorBackup: one backup of the far server', { skip }, async () => {
  const destination = path.join(root, 'backups-piped');
  const inventory = await ps.run('Get-PhoneFactorComponent -ComputerName 127.0.0.1 -LabPath $V.lab', { lab: farLab });
  const rows = inventory.output as Row[];
  assert.ok(rows.length >= 3);
  // ComputerName and LabPath together address the server again: the name that reached it and the lab folder there.
  assert.ok(rows.every((c) => c.ComputerName === '127.0.0.1' && c.LabPath === farLab), JSON.stringify(rows[0]));
  const r = await ps.run('Get-PhoneFactorComponent -ComputerName 127.0.0.1 -LabPath $V.lab | Backup-PhoneFactor -Destination $V.dest -Confirm:$false | Test-PhoneFactorBackup', { lab: farLab, dest: destination });
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.errors.map((e) => e.message), []);
  assert.equal(r.output.length, 1, 'one backup however many components were piped');
  const check = r.output[0] as { IsValid: boolean; ComputerName: string };
  assert.equal(check.IsValid, true);
  assert.equal(check.ComputerName, 'MFA01', 'the backup itself records the server\'s own name');
});
