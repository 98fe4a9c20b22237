// Issue #25: Undo-MfaServerUpgrade over PowerShell remoting (the loopback sshd of test/helpers/sshd.ts). A far lab
// upgraded through -ComputerName and undone through -ComputerName, and one undone through a -Session the admin holds,
// each ends equal to the lab before the upgrade (files by hash, registry, products, IIS: labStateAfterReinstall).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { LoopbackSshd, remoteTestsSkip } from '../helpers/sshd';
import { startRemoteSuite, stopRemoteSuite } from '../helpers/remote-suite';
import { diffStates, LAB_INSTALLER_PATH, LAB_SDK_PASSWORD, allText, labStateAfterReinstall } from '../e2e/helpers';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

const skip = remoteTestsSkip();
let sshd: LoopbackSshd;
let ps: PowerShellSession;
let root: string;

before(async () => {
  if (skip) return;
  ({ sshd, ps, root } = await startRemoteSuite('mfa-remote-undo-'));
});

after(async () => {
  if (!skip) await stopRemoteSuite({ sshd, ps, root }, true);
});

interface RunResult {
  Status: string;
  ExitCode: number;
  Message: string;
  Steps: { Id: string; Action?: string; Status: string; Outcome: string | null }[];
}

const UPGRADE = 'Invoke-MfaServerUpgrade -ComputerName 127.0.0.1 -LabPath $V.lab -InstallerPath $V.installer -BackupDestination $V.backups -Confirm:$false';

/** A far SingleServer lab upgraded through -ComputerName; answers its folders and its state before the upgrade. */
async function upgradedFarLab(name: string): Promise<{ lab: string; backups: string; before: Record<string, string> }> {
  const lab = path.join(root, name, 'lab');
  const backups = path.join(root, name, 'backups');
  const made = await ps.run('New-MfaLab -Path $V.lab -Scenario SingleServer | Out-Null', { lab });
  assert.ok(made.ok, made.terminatingError?.message);
  const before = labStateAfterReinstall(lab);
  const up = await ps.run(UPGRADE, { lab, backups, installer: LAB_INSTALLER_PATH });
  assert.ok(up.ok, up.terminatingError?.message);
  const r = up.output[0] as RunResult;
  assert.equal(r.Status, 'Completed', r.Message);
  assert.notDeepEqual(diffStates(before, labStateAfterReinstall(lab)), [], 'the upgrade changed the far lab');
  return { lab, backups, before };
}

function assertUndone(outcome: Awaited<ReturnType<PowerShellSession['run']>>, lab: string, before: Record<string, string>): void {
  assert.ok(outcome.ok, outcome.terminatingError?.message);
  assert.deepEqual(outcome.errors.map((e) => e.message), []);
  assert.equal(outcome.output.length, 1);
  const u = outcome.output[0] as RunResult;
  assert.equal(u.Status, 'Completed', `${u.Message}`);
  assert.equal(u.ExitCode, 0);
  for (const s of u.Steps) assert.equal(s.Status, 'Completed', `${s.Id}: ${s.Outcome}`);
  assert.ok(!allText(outcome).includes(LAB_SDK_PASSWORD), 'the SDK password reaches no stream');
  assert.deepEqual(diffStates(before, labStateAfterReinstall(lab)), [], 'the far lab is what it was before the upgrade');
}

test('upgraded and undone through -ComputerName: the far lab is the lab it was', { skip, timeout: 900_000 }, async () => {
  const { lab, backups, before } = await upgradedFarLab('computer-name');
  const undone = await ps.run('Undo-MfaServerUpgrade -ComputerName 127.0.0.1 -LabPath $V.lab -BackupDestination $V.backups -Confirm:$false', { lab, backups });
  assertUndone(undone, lab, before);
});

test('upgraded through -ComputerName, undone through a -Session the admin holds (which stays open): the far lab is the lab it was', { skip, timeout: 900_000 }, async () => {
  const { lab, backups, before } = await upgradedFarLab('session');
  const undone = await ps.run(String.raw`
$s = New-PSSession -HostName 127.0.0.1 -Port $V.port -UserName $V.user -KeyFilePath $V.key -Options @{ UserKnownHostsFile = $V.known; StrictHostKeyChecking = 'yes'; BatchMode = 'yes' } -ErrorAction Stop
try {
  Undo-MfaServerUpgrade -Session $s -LabPath $V.lab -BackupDestination $V.backups -Confirm:$false
  if ($s.State -ne 'Opened') { throw "the admin's session is $($s.State) after the Undo" }
} finally { Remove-PSSession $s }`, { lab, backups, port: sshd.port, user: sshd.user, key: sshd.keyFile, known: sshd.knownHostsFile });
  assertUndone(undone, lab, before);
});
