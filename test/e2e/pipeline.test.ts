// The inventory pipes into the upgrade: many component objects per server still make one run with each server once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

let ps: PowerShellSession;
let dir: string;
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-pipe-'));
  ps = await openModuleSession(dir);
});
after(async () => {
  await ps.close();
  rmSync(dir, { recursive: true, force: true });
});

test('Get-PhoneFactorComponent | Get-MfaUpgradePlan / Invoke-MfaServerUpgrade: a separate web server lab upgrades in one run', async () => {
  const values = { lab: path.join(dir, 'lab'), backups: path.join(dir, 'backups') };
  const made = await ps.run("$null = New-MfaLab -Path $V.lab -Scenario SeparateWebServer -Confirm:$false; @(Get-PhoneFactorComponent -LabPath $V.lab).Count", values);
  assert.ok(made.ok, made.terminatingError?.message);
  assert.ok((made.output[0] as number) >= 4, 'several component objects per server');
  const plan = await ps.run("Get-PhoneFactorComponent -LabPath $V.lab | Get-MfaUpgradePlan -InstallerPath 'C:\\Media\\MfaServer' | Where-Object Action -eq 'Backup' | Select-Object -ExpandProperty ComputerName", values);
  assert.ok(plan.ok, plan.terminatingError?.message);
  assert.deepEqual([...(plan.output as string[])].sort(), ['MFA01', 'WEB01']);
  const run = await ps.run("Get-PhoneFactorComponent -LabPath $V.lab | Invoke-MfaServerUpgrade -InstallerPath 'C:\\Media\\MfaServer' -BackupDestination $V.backups -Resume -Confirm:$false | Select-Object Status, ExitCode, JournalPath", values);
  assert.ok(run.ok, run.terminatingError?.message);
  assert.deepEqual(run.errors, []);
  const result = run.output[0] as { Status: string; ExitCode: number; JournalPath: string };
  assert.equal(result.Status, 'Completed');
  assert.equal(result.ExitCode, 0);
  assert.match(result.JournalPath, /MfaServerUpgrade-MFA01\+WEB01/);
});

test('New-MfaLab | Get-MfaUpgradePlan: every server of a lab carries its media path, so a server without media of its own (an SDK caller) binds too', async () => {
  for (const scenario of ['SdkConsumers', 'SeparateWebServer']) {
    const values = { lab: path.join(dir, `lab-${scenario}`), backups: path.join(dir, `backups-${scenario}`) };
    const made = await ps.run('New-MfaLab -Path $V.lab -Scenario $V.scenario -Confirm:$false | Select-Object ComputerName, InstallerPath', { ...values, scenario });
    assert.ok(made.ok, made.terminatingError?.message);
    const servers = made.output as Array<{ ComputerName: string; InstallerPath: string | null }>;
    assert.ok(servers.length >= 2, `${scenario}: several servers`);
    for (const s of servers) assert.equal(s.InstallerPath, 'C:\\Media\\MfaServer', `${scenario}/${s.ComputerName}: the lab's media path`);
    const plan = await ps.run('New-MfaLab -Path $V.lab -Scenario $V.scenario -Force -Confirm:$false | Get-MfaUpgradePlan -BackupDestination $V.backups', { ...values, scenario });
    assert.ok(plan.ok, plan.terminatingError?.message);
    assert.deepEqual(plan.errors.map((e) => e.message), [], `${scenario}: no server refused the binding`);
    const planned = new Set((plan.output as Array<{ ComputerName: string }>).map((s) => s.ComputerName));
    assert.deepEqual([...planned].sort(), servers.map((s) => s.ComputerName).sort(), `${scenario}: every server of the lab is in the plan`);
  }
});
