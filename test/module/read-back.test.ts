// Reading back what the tool left (issue 28 item 9), through real pwsh on labs: Get-MfaUpgradeRun (where a run stands,
// its records checked exactly as -Resume checks them) and Get-PhoneFactorBackup (the backups of a destination, -Verify
// hashing again). Their default views fit 120 columns. Get-PhoneFactorBackupTask is tested with the task it reads
// (backup-task.test.ts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';
import { LAB_INSTALLER_PATH, addFault, clearFaults, makeTempRoot, runOk, type UpgradeResult } from '../e2e/helpers';

const root = makeTempRoot('read-back');
const lab = path.join(root, 'lab');
const backups = path.join(root, 'backups');
const runFolder = path.join(backups, 'MfaServerUpgrade-MFA01');
let ps: PowerShellSession;
before(async () => {
  ps = await openModuleSession(root);
  await runOk(ps, 'New-MfaLab -Path $V.lab -Scenario SingleServer', { lab });
});
after(async () => {
  await ps?.close();
  rmSync(root, { recursive: true, force: true });
});

const UPGRADE = 'Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath $V.installer -BackupDestination $V.backups -Resume -ChangeId $V.change -Confirm:$false';

interface RunState {
  ComputerName: string[];
  Status: string;
  NextStep: string | null;
  StepsCompleted: number;
  StepsTotal: number;
  Stops: string[];
  BackupPath: string[];
  NextAction: string | null;
  ChangeId: string[];
  ReviewedPlan: string | null;
  LastRunBy: string | null;
  ReportPath: string | null;
}

/** Every line of a command's default view, rendered as a 120-column console renders it. */
async function viewLines(command: string, values: unknown): Promise<string[]> {
  const r = await runOk(ps, `${command} | Out-String -Width 120 -Stream`, values);
  return (r.output as string[]).filter((l) => l.trim() !== '');
}

test('Get-MfaUpgradeRun: a failed run says where it stopped and what to do, as the run itself said it; then Completed', async () => {
  addFault(lab, 'msiexec', { match: 'UserPortal', exitCode: 1603 });
  const failed = (await runOk(ps, UPGRADE, { lab, backups, installer: LAB_INSTALLER_PATH, change: 'CHG100' })).output[0] as UpgradeResult;
  assert.equal(failed.Status, 'Failed');
  clearFaults(lab);

  const [state] = (await runOk(ps, 'Get-MfaUpgradeRun -BackupDestination $V.backups', { backups })).output as RunState[];
  const failedStep = failed.Steps.find((s) => s.Status === 'Failed')!;
  assert.equal(state.Status, 'Failed');
  assert.deepEqual(state.ComputerName, ['MFA01']);
  assert.equal(state.NextStep, failedStep.Id);
  assert.equal(state.StepsCompleted, failed.Steps.filter((s) => s.Status === 'Completed').length);
  assert.equal(state.StepsTotal, failed.Steps.length);
  assert.equal(state.NextAction, failed.NextAction, 'the same advice the run gave when it failed');
  assert.deepEqual(state.BackupPath, failed.BackupPath);
  assert.deepEqual(state.ChangeId, ['CHG100']);
  assert.match(state.LastRunBy ?? '', / on /);
  assert.equal(state.ReviewedPlan, null, 'a plan made at run time, not a reviewed one');

  const lines = await viewLines('Get-MfaUpgradeRun $V.backups', { backups });
  // A list view (issue 28 item 2): the run's servers, status and the step a -Resume continues with, each on its line.
  assert.match(lines[0], /^ComputerName\s+: \{MFA01\}$/);
  assert.ok(lines.some((l) => /^Status\s+: Failed$/.test(l)), lines.join('\n'));
  assert.ok(lines.every((l) => l.length <= 120), lines.join('\n'));
  assert.ok(lines.some((l) => l.startsWith('NextStep') && l.includes(failedStep.Id)), 'the view shows the step a -Resume continues with');

  const done = (await runOk(ps, UPGRADE, { lab, backups, installer: LAB_INSTALLER_PATH, change: 'CHG101' })).output[0] as UpgradeResult;
  assert.equal(done.Status, 'Completed');
  // Each end of a run is one entry in the server's Application event log (the lab keeps it in a file): its exit code.
  const events = readFileSync(path.join(lab, 'C', 'Windows', 'Logs', 'MfaLab', 'Application-events.log'), 'utf8').trim().split('\n')
    .map((l) => JSON.parse(l) as { log: string; source: string; eventId: number; type: string; message: string });
  assert.deepEqual(events.map((e) => [e.log, e.source, e.eventId, e.type]), [['Application', 'MfaServerUpgrade', 104, 'Error'], ['Application', 'MfaServerUpgrade', 100, 'Information']]);
  assert.match(events[0].message, /^The upgrade of MFA01 ended: Failed, exit code 69002\. .* Run by .+ on .+, change CHG100\. Journal: /);
  assert.match(events[1].message, /ended: Completed, exit code 0\. .*change CHG101\./);

  const [after] = (await runOk(ps, 'Get-MfaUpgradeRun $V.backups', { backups })).output as RunState[];
  assert.deepEqual(
    { Status: after.Status, NextStep: after.NextStep, NextAction: after.NextAction, ChangeId: after.ChangeId, Report: after.ReportPath },
    { Status: 'Completed', NextStep: null, NextAction: null, ChangeId: ['CHG100', 'CHG101'], Report: path.join(runFolder, 'report.html') },
  );
});

test('Get-MfaUpgradeRun refuses records exactly as -Resume does, with the same named error, and changes nothing', async () => {
  const journalFile = path.join(runFolder, 'journal.json');
  const original = readFileSync(journalFile);
  const journal = JSON.parse(original.toString('utf8')) as { Status: string; Steps: { Status: string }[] };
  journal.Steps[journal.Steps.length - 1].Status = 'Pending'; // Completed with a pending step: contradicts itself
  writeFileSync(journalFile, JSON.stringify(journal, null, 2));
  const tampered = readFileSync(journalFile);
  try {
    const got = await ps.run('Get-MfaUpgradeRun $V.backups', { backups });
    const resumed = await ps.run(`${UPGRADE} -ErrorAction SilentlyContinue -ErrorVariable e; $e`, { lab, backups, installer: LAB_INSTALLER_PATH, change: 'CHG102' });
    assert.equal(got.output.length, 0, 'no state is reported from records a resume refuses');
    assert.equal(got.errors[0]?.fullyQualifiedErrorId, 'JournalInconsistent,Get-MfaUpgradeRun');
    assert.equal(resumed.errors[0]?.fullyQualifiedErrorId, 'JournalInconsistent,Invoke-MfaServerUpgrade', 'the resume refuses the same records');
    assert.ok(got.errors[0]?.message.includes(journalFile), 'the error names the journal');
    assert.ok(readFileSync(journalFile).equals(tampered), 'Get-MfaUpgradeRun wrote nothing');
  } finally {
    writeFileSync(journalFile, original);
  }
  const missing = await ps.run('Get-MfaUpgradeRun -BackupDestination $V.nowhere', { nowhere: path.join(root, 'nowhere') });
  assert.equal(missing.errors[0]?.fullyQualifiedErrorId, 'DestinationNotFound,Get-MfaUpgradeRun');
});

test('Get-PhoneFactorBackup: newest first by sequence, size and file count from the manifest; -Verify finds a changed file', async () => {
  const nightly = path.join(root, 'nightly');
  await runOk(ps, 'Backup-PhoneFactor -LabPath $V.lab -Destination $V.nightly -Confirm:$false; Backup-PhoneFactor -LabPath $V.lab -Destination $V.nightly -Confirm:$false', { lab, nightly });
  const list = (await runOk(ps, 'Get-PhoneFactorBackup $V.nightly', { nightly })).output as { Sequence: number; FileCount: number; Size: number; Verified: boolean; Path: string }[];
  assert.deepEqual(list.map((b) => b.Sequence), [2, 1], 'newest first');
  assert.ok(list.every((b) => b.Verified && b.FileCount > 0 && b.Size > 0));
  const manifest = JSON.parse(readFileSync(path.join(list[0].Path, 'manifest.json'), 'utf8')) as { files: { relativePath: string; size: number }[] };
  assert.equal(list[0].Size, manifest.files.reduce((n, f) => n + f.size, 0));

  const changed = path.join(list[0].Path, ...manifest.files[0].relativePath.split('\\'));
  writeFileSync(changed, Buffer.concat([readFileSync(changed), Buffer.from('x')]));
  const trusted = (await runOk(ps, 'Get-PhoneFactorBackup $V.nightly | Select-Object -First 1', { nightly })).output[0] as { Verified: boolean; VerifiedBy: string };
  assert.deepEqual(trusted, { ...trusted, Verified: true, VerifiedBy: 'Manifest' }, 'without -Verify: what the backup recorded');
  const rehashed = (await runOk(ps, 'Get-PhoneFactorBackup $V.nightly -Verify | Select-Object -First 1', { nightly })).output[0] as { Verified: boolean; VerifiedBy: string; Reason: string };
  assert.equal(rehashed.Verified, false);
  assert.equal(rehashed.VerifiedBy, 'Rehash');
  assert.match(rehashed.Reason, /1 file\(s\) changed/);

  // Path binds to Test-PhoneFactorBackup (and Restore-PhoneFactor) by property name.
  const tested = (await runOk(ps, 'Get-PhoneFactorBackup $V.nightly | Test-PhoneFactorBackup | Select-Object -ExpandProperty IsValid', { nightly })).output;
  assert.deepEqual(tested, [false, true]);

  const lines = await viewLines('Get-PhoneFactorBackup $V.nightly', { nightly });
  // Grouped under each server (issue 28 item 2).
  assert.match(lines[0], /^ +ComputerName: MFA01$/);
  assert.match(lines[1], /^Sequence\s+CreatedUtc\s+Size\s+Verified\s+Path$/);
  assert.ok(lines.every((l) => l.length <= 120), lines.join('\n'));
});
