// Uninstall-PhoneFactor and Install-MfaServer on a lab server, through real pwsh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

let ps: PowerShellSession;
let dir: string;
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-install-'));
  ps = await openModuleSession(dir);
  const made = await ps.run("$null = New-MfaLab -Path (Join-Path $V.dir 'lab') -Confirm:$false", { dir });
  assert.ok(made.ok, made.terminatingError?.message);
});
after(async () => {
  await ps.close();
});

test('Uninstall-PhoneFactor refuses without a verified backup and names the fix', async () => {
  const r = await ps.run("Uninstall-PhoneFactor -LabPath (Join-Path $V.dir 'lab') -Confirm:$false", { dir });
  assert.equal(r.errors[0]?.fullyQualifiedErrorId, 'BackupRequired,Uninstall-PhoneFactor');
  assert.match(r.errors[0].message, /Backup-PhoneFactor/);
  const still = await ps.run("@(Get-PhoneFactorComponent -LabPath (Join-Path $V.dir 'lab') | Where-Object IsLegacy).Count", { dir });
  assert.equal(still.output[0], 4);
});

test('after a backup it removes the components in the documented order', async () => {
  const r = await ps.run("Backup-PhoneFactor -LabPath (Join-Path $V.dir 'lab') -Destination (Join-Path $V.dir 'backups') -Confirm:$false | Uninstall-PhoneFactor -Confirm:$false | Select-Object -ExpandProperty Component", { dir });
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.output, ['UserPortal', 'MobileAppWebService', 'WebServiceSdk', 'Agent']);
});

test('Install-MfaServer installs into the old path, then a component under a chosen virtual directory', async () => {
  const server = await ps.run("Install-MfaServer -LabPath (Join-Path $V.dir 'lab') -InstallerPath 'C:\\Media\\MfaServer' -Confirm:$false | Select-Object Component, ExitCode, InstallPath", { dir });
  assert.ok(server.ok, server.terminatingError?.message);
  assert.deepEqual(server.output[0], { Component: 'MfaServer', ExitCode: 0, InstallPath: 'C:\\Program Files\\PhoneFactor' });
  const portal = await ps.run("Install-MfaServer -LabPath (Join-Path $V.dir 'lab') -Component UserPortal -InstallerPath 'C:\\Program Files\\PhoneFactor' -VirtualDirectory PhoneFactor -Confirm:$false | Select-Object VirtualDirectory, ExitCode", { dir });
  assert.ok(portal.ok, portal.terminatingError?.message);
  assert.deepEqual(portal.output[0], { VirtualDirectory: 'PhoneFactor', ExitCode: 0 });
  const appHost = readFileSync(path.join(dir, 'lab', 'C', 'Windows', 'System32', 'inetsrv', 'config', 'applicationHost.config'), 'utf8');
  assert.match(appHost, /path="\/PhoneFactor"/);
});

test('a wrong installer is refused before it runs', async () => {
  const r = await ps.run("Install-MfaServer -LabPath (Join-Path $V.dir 'lab') -Component MobileAppWebService -InstallerPath 'C:\\Windows' -Confirm:$false", { dir });
  assert.match(r.errors[0]?.fullyQualifiedErrorId ?? '', /^InstallerNotFound,Install-MfaServer$/);
});
