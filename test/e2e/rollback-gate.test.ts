// A way back before the way forward, through the generated cmdlets in real pwsh on lab servers whose Windows Installer
// caches packages as Windows does: the upgrade's backup holds a verified package per PhoneFactor product; without one
// the run stops before anything changes (69003) unless -SkipReadiness RollbackMedia accepts the risk; -RollbackMediaPath
// with the right MSIs fixes it; a server that cannot be activated pauses at activation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';
import { openLab } from '../../core/host/lab/open-lab';
import { labEndState, LAB_INSTALLER_PATH, makeTempRoot, runOk, type UpgradeResult } from './helpers';
import { labMediaFile } from '../../core/host/lab/media';

let ps: PowerShellSession;
let dir: string;
before(async () => {
  dir = makeTempRoot('rollback');
  ps = await openModuleSession(dir);
});
after(async () => {
  await ps.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Row { ComputerName: string; Check: string; Result: string; Detail: string; Action: string | null; Basis: string; Accepted: boolean }
type Result = UpgradeResult & { Readiness: Row[]; ReportPath: string };

const PF_MEDIA = path.join('assets', 'lab-media', 'phonefactor');
const INVOKE = 'Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath $V.media -BackupDestination $V.backups -Resume -Confirm:$false';

async function newLab(name: string, scenario: string): Promise<string> {
  const lab = path.join(dir, name);
  await runOk(ps, '$null = New-MfaLab -Path $V.lab -Scenario $V.scenario -Confirm:$false', { lab, scenario });
  return lab;
}

async function invoke(lab: string, backups: string, extra = '', values: Record<string, unknown> = {}): Promise<Result> {
  const r = await runOk(ps, `${INVOKE} ${extra}`, { lab, media: LAB_INSTALLER_PATH, backups, ...values });
  assert.equal(r.output.length, 1, JSON.stringify(r.errors));
  return r.output[0] as Result;
}

const rollbackFiles = (backup: string) =>
  readdirSync(path.join(backup, 'RollbackMedia'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort();

test('an upgrade\'s backup holds a verified package per PhoneFactor product, copied before the uninstalls deleted the cache', async () => {
  const lab = await newLab('single', 'SingleServer');
  const [host] = await openLab(lab);
  const cacheBefore = (await host.listDirectory('C:\\Windows\\Installer')).map((e) => e.name);
  assert.equal(cacheBefore.length, 4, 'one cached package per PhoneFactor product');
  const result = await invoke(lab, path.join(dir, 'single-backups'));
  assert.equal(result.Status, 'Completed', result.Message);
  const rollback = result.Readiness.find((r) => r.Check === 'RollbackMedia')!;
  assert.equal(rollback.Result, 'Passed');
  assert.match(rollback.Detail, /PhoneFactor Agent 5\.2\.1\.0: OriginalSource C:\\Users\\Administrator\\Downloads\\PhoneFactor\\PhoneFactorAgentSetup\.msi/);
  const activation = result.Readiness.find((r) => r.Check === 'Activation')!;
  assert.equal(activation.Result, 'Warning');
  assert.match(activation.Detail, /may not be obtainable[\s\S]*A way back exists/);
  assert.match(activation.Basis, /learn\.microsoft\.com/);
  // The PhoneFactor packages are gone from Windows Installer's cache (as Windows deletes them), but kept in the backup.
  const cacheAfter = (await host.listDirectory('C:\\Windows\\Installer')).map((e) => e.name);
  assert.ok(cacheBefore.every((n) => !cacheAfter.includes(n)), `${cacheBefore.join()} / ${cacheAfter.join()}`);
  assert.deepEqual(rollbackFiles(result.BackupPath[0]), [
    'PFSDK.CAB', 'PFUP64.CAB', 'PhoneFactorAgentSetup.msi', 'PhoneFactorPhoneAppWebServiceSetup64.msi', 'PhoneFactorUserPortalSetup64.msi',
    'PhoneFactorWebServiceSdkSetup.msi', 'rollback-media.json',
  ]);
  const backupStep = result.Steps.find((s) => s.Action === 'Backup')!;
  assert.match(backupStep.Outcome ?? '', /Rollback media: PhoneFactor Agent 5\.2\.1\.0: OriginalSource/);
  const check = await runOk(ps, 'Test-PhoneFactorBackup -Path $V.p', { p: result.BackupPath[0] });
  assert.equal((check.output[0] as { IsValid: boolean }).IsValid, true);
});

test('cached packages without their cabinets: readiness Failed, the run stops with 69003 before anything changes', async () => {
  const lab = await newLab('cached', 'CachedPackageOnly');
  const backups = path.join(dir, 'cached-backups');
  const before = labEndState(lab);
  const result = await invoke(lab, backups);
  assert.equal(result.Status, 'Failed');
  assert.equal(result.ExitCode, 69003);
  assert.match(result.Message, /RollbackMedia on MFA01 \(No verified package can reinstall PhoneFactor Agent 5\.2\.1\.0/);
  assert.match(result.NextAction ?? '', /-RollbackMediaPath <folder>/);
  assert.match(result.NextAction ?? '', /-SkipReadiness RollbackMedia/);
  assert.deepEqual(result.Steps, []);
  assert.deepEqual(labEndState(lab), before, 'nothing in the lab changed (its log aside)');
  assert.ok(!existsSync(path.join(backups, 'MfaServerUpgrade-MFA01', 'journal.json')));
  assert.match(result.Readiness.find((r) => r.Check === 'Activation')!.Detail, /No way back is proven: RollbackMedia did not pass on MFA01/);

  // -SkipReadiness RollbackMedia accepts the risk: the run goes on, and the journal, the backup step and the report say so.
  const accepted = await invoke(lab, backups, '-SkipReadiness RollbackMedia');
  assert.equal(accepted.Status, 'Completed', accepted.Message);
  const row = accepted.Readiness.find((r) => r.Check === 'RollbackMedia')!;
  assert.deepEqual([row.Result, row.Accepted], ['Failed', true]);
  const journal = JSON.parse(readFileSync(accepted.JournalPath, 'utf8')) as { Meta: Record<string, string> };
  assert.equal(journal.Meta.SkipReadiness, 'RollbackMedia');
  assert.match(journal.Meta.AcceptedRisks, /MFA01 RollbackMedia: No verified package can reinstall/);
  const backupStep = accepted.Steps.find((s) => s.Action === 'Backup')!;
  assert.match(backupStep.Outcome ?? '', /No way back for PhoneFactor Agent.*risk accepted with -SkipReadiness RollbackMedia/);
  const report = readFileSync(accepted.ReportPath, 'utf8');
  assert.match(report, /RollbackMedia[\s\S]*risk accepted with -SkipReadiness/);
});

test('-RollbackMediaPath with the right MSIs (and their cabinets) lets the same server upgrade with a way back', async () => {
  const lab = await newLab('given', 'CachedPackageOnly');
  const [host] = await openLab(lab);
  for (const f of ['PhoneFactorAgentSetup.msi', 'PhoneFactorUserPortalSetup64.msi', 'PFUP64.CAB', 'PhoneFactorPhoneAppWebServiceSetup64.msi',
    'PhoneFactorWebServiceSdkSetup.msi', 'PFSDK.CAB']) {
    await host.placeFile(`C:\\Media\\PhoneFactor\\${f}`, readFileSync(labMediaFile(PF_MEDIA, f)));
  }
  const readiness = await runOk(ps, 'Test-MfaUpgradeReadiness -LabPath $V.lab -RollbackMediaPath $V.given', { lab, given: 'C:\\Media\\PhoneFactor' });
  assert.equal((readiness.output as Row[]).find((r) => r.Check === 'RollbackMedia')?.Result, 'Passed');
  const result = await invoke(lab, path.join(dir, 'given-backups'), '-RollbackMediaPath $V.given', { given: 'C:\\Media\\PhoneFactor' });
  assert.equal(result.Status, 'Completed', result.Message);
  assert.match(result.Readiness.find((r) => r.Check === 'RollbackMedia')!.Detail, /GivenMedia C:\\Media\\PhoneFactor\\PhoneFactorAgentSetup\.msi/);
  assert.ok(rollbackFiles(result.BackupPath[0]).includes('PFUP64.CAB'));
});

test('a server that cannot be activated: the run pauses at activation (69001), and again on -Resume', async () => {
  const lab = await newLab('activation', 'ActivationFails');
  const backups = path.join(dir, 'activation-backups');
  const first = await invoke(lab, backups);
  assert.equal(first.Status, 'Paused', first.Message);
  assert.equal(first.ExitCode, 69001);
  const paused = first.Steps.find((s) => s.Status === 'Paused')!;
  assert.equal(paused.Action, 'ConfirmActivation');
  const again = await invoke(lab, backups);
  assert.equal(again.ExitCode, 69001);
  // The way back was kept before the Agent went: the backup holds its package.
  assert.ok(rollbackFiles(first.BackupPath[0]).includes('PhoneFactorAgentSetup.msi'));
});
