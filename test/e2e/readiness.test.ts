// Readiness through the generated cmdlets in real pwsh: Test-MfaUpgradeReadiness on labs with injected faults, and
// Invoke-MfaServerUpgrade stopping before anything changes on a Failed check, or going on with -SkipReadiness.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';
import { openLab } from '../../core/host/lab/open-lab';
import type { LabFaults } from '../../core/host/lab/server-file';
import { hashTree, LAB_INSTALLER_PATH, LAB_SDK_PASSWORD, makeTempRoot, runOk } from './helpers';

let ps: PowerShellSession;
let dir: string;
const seen: string[] = [];
before(async () => {
  dir = makeTempRoot('readiness');
  ps = await openModuleSession(dir);
});
after(async () => {
  await ps.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Row { ComputerName: string; Check: string; Result: string; Detail: string; Action: string | null; Basis: string; Accepted: boolean }

async function labWith(name: string, scenario: string, faults: Record<string, LabFaults>): Promise<string> {
  const lab = path.join(dir, name);
  await runOk(ps, '$null = New-MfaLab -Path $V.lab -Scenario $V.scenario -Confirm:$false', { lab, scenario });
  for (const host of await openLab(lab)) {
    const f = faults[host.computerName];
    if (!f) continue;
    const config = await host.readConfig();
    config.faults = { ...config.faults, ...f };
    await host.writeConfig(config);
  }
  return lab;
}

/** Everything in the lab but the tool's own log folder (the log is where the run says why it stopped). */
const labState = (lab: string) => {
  const state = hashTree(lab);
  // The logs, and the lab's record of the files it wrote (.mfalab-files), which grows with every write: the log lines and
  // the Application event log entry a refused run still writes too (bookkeeping, as labEndState treats it).
  for (const k of Object.keys(state)) if (/(^|\/)C\/Windows\/Logs(\/|$)|(^|\/)\.mfalab-files$/i.test(k)) delete state[k];
  return state;
};

test('Test-MfaUpgradeReadiness binds a lab from the pipeline and reports a missing VC++ runtime on the web server', async () => {
  const lab = await labWith('vc', 'SeparateWebServer', { WEB01: { missingProducts: ['Visual C++ 2015 Redistributable (x86)'] } });
  const r = await runOk(ps, 'Get-PhoneFactorComponent -LabPath $V.lab | Select-Object ComputerName, LabPath -Unique | Test-MfaUpgradeReadiness -InstallerPath $V.media -BackupDestination $V.dest', { lab, media: LAB_INSTALLER_PATH, dest: path.join(dir, 'vc-backups') });
  seen.push(JSON.stringify(r));
  assert.deepEqual(r.errors, []);
  const rows = r.output as Row[];
  const vc = rows.filter((x) => x.Check === 'VcRuntime');
  assert.deepEqual(vc.map((x) => [x.ComputerName, x.Result]), [['WEB01', 'Failed']]);
  assert.ok(rows.some((x) => x.ComputerName === 'MFA01' && x.Check === 'InstallerMedia' && x.Result === 'Passed'));
  assert.ok(rows.every((x) => x.Basis.length > 0));
});

test('a Failed check stops Invoke-MfaServerUpgrade before anything changes: 69003, the checks in the result, log and report', async () => {
  const lab = await labWith('restart', 'SingleServer', { MFA01: { pendingRestart: ['WindowsUpdate'] } });
  const backups = path.join(dir, 'restart-backups');
  const before = labState(lab);
  const r = await runOk(ps, 'Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath $V.media -BackupDestination $V.backups -Resume -Confirm:$false', { lab, media: LAB_INSTALLER_PATH, backups });
  seen.push(JSON.stringify(r));
  const result = r.output[0] as {
    Status: string; ExitCode: number; Message: string; NextAction: string; Steps: unknown[]; BackupPath: string[]; ReportPath: string; LogPath: string;
    Readiness: Row[];
  };
  assert.equal(result.Status, 'Failed');
  assert.equal(result.ExitCode, 69003);
  assert.match(result.Message, /PendingRestart on MFA01/);
  assert.match(result.NextAction, /-SkipReadiness PendingRestart/);
  assert.deepEqual(result.BackupPath, []);
  assert.equal(result.Readiness.find((x) => x.Check === 'PendingRestart')?.Result, 'Failed');
  assert.deepEqual(labState(lab), before, 'nothing in the lab changed (its log aside)');
  const runFolder = path.join(backups, 'MfaServerUpgrade-MFA01');
  assert.ok(!existsSync(path.join(runFolder, 'journal.json')), 'no journal: nothing was started');
  assert.match(readFileSync(result.ReportPath, 'utf8'), /Readiness checks before the upgrade[\s\S]*PendingRestart/);
  assert.match(readFileSync(result.LogPath, 'utf8'), /Readiness MFA01 PendingRestart: Failed/);
});

test('-SkipReadiness accepts the named risk: the run goes on, and the journal and report record it', async () => {
  const lab = await labWith('accept', 'SingleServer', { MFA01: { pendingRestart: ['WindowsUpdate'] } });
  const backups = path.join(dir, 'accept-backups');
  const r = await runOk(ps, 'Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath $V.media -BackupDestination $V.backups -SkipReadiness PendingRestart -Resume -Confirm:$false', { lab, media: LAB_INSTALLER_PATH, backups });
  seen.push(JSON.stringify(r));
  const result = r.output[0] as { Status: string; ExitCode: number; JournalPath: string; ReportPath: string; Readiness: Row[] };
  assert.equal(result.Status, 'Completed', JSON.stringify(result));
  const accepted = result.Readiness.find((x) => x.Check === 'PendingRestart')!;
  assert.equal(accepted.Result, 'Failed');
  assert.equal(accepted.Accepted, true);
  const journal = JSON.parse(readFileSync(result.JournalPath, 'utf8')) as { Meta: Record<string, string> };
  assert.equal(journal.Meta.SkipReadiness, 'PendingRestart');
  assert.match(journal.Meta.AcceptedRisks, /MFA01 PendingRestart: A restart is pending \(Windows Update RebootRequired\)/);
  assert.match(readFileSync(result.ReportPath, 'utf8'), /risk accepted with -SkipReadiness/);
  // readiness.json is a claim the journal can check: edited to hide the accepted risk, it is not used again.
  const readinessFile = path.join(path.dirname(result.JournalPath), 'readiness.json');
  assert.equal(journal.Meta.ReadinessSha256, createHash('sha256').update(readFileSync(readinessFile)).digest('hex'));
  writeFileSync(readinessFile, readFileSync(readinessFile, 'utf8').replace('"Result": "Failed"', '"Result": "Passed"'));
  const again = await runOk(ps, 'Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath $V.media -BackupDestination $V.backups -Resume -Confirm:$false', { lab, media: LAB_INSTALLER_PATH, backups });
  assert.ok(again.warnings.some((w) => /readiness\.json was changed since the run wrote it/.test(w)), again.warnings.join('\n'));
  assert.deepEqual((again.output[0] as { Readiness: Row[] }).Readiness, [], 'the edited rows are not reported as the run\'s');
  writeFileSync(readinessFile, '[{"ComputerName":"MFA01","Check":"Reboot"}]');
  const malformed = await runOk(ps, 'Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath $V.media -BackupDestination $V.backups -Resume -Confirm:$false', { lab, media: LAB_INSTALLER_PATH, backups });
  assert.ok(malformed.warnings.some((w) => /readiness\.json was changed/.test(w)), 'a replaced file fails the hash first');
  // Another Failed check still stops a run that accepted a different one.
  const other = await labWith('other', 'SingleServer', { MFA01: { pendingRestart: ['WindowsUpdate'], notElevated: true } });
  const r2 = await runOk(ps, 'Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath $V.media -BackupDestination $V.backups -SkipReadiness PendingRestart -Confirm:$false', { lab: other, media: LAB_INSTALLER_PATH, backups: path.join(dir, 'other-backups') });
  assert.equal((r2.output[0] as { ExitCode: number }).ExitCode, 69003);
  assert.match((r2.output[0] as { Message: string }).Message, /Elevated on MFA01/);
});

test('-SkipReadiness takes only check names', async () => {
  const r = await ps.run("Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath 'C:\\Media' -BackupDestination $V.lab -SkipReadiness NoSuchCheck -Confirm:$false", { lab: path.join(dir, 'none') });
  assert.ok(!r.ok || r.errors.length > 0);
  assert.match(r.terminatingError?.message ?? '', /SkipReadiness\/0 must be one of: .*PendingRestart/);
});

test('names ignore case as PowerShell users expect: -SkipReadiness pendingrestart is PendingRestart; -SkipReadiness $null is none', async () => {
  const lab = await labWith('any-case', 'SingleServer', { MFA01: { pendingRestart: ['WindowsUpdate'] } });
  const backups = path.join(dir, 'any-case-backups');
  const r = await runOk(ps, 'Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath $V.media -BackupDestination $V.backups -SkipReadiness pendingrestart -VirtualDirectoryNaming legacy -Confirm:$false', { lab, media: LAB_INSTALLER_PATH, backups });
  assert.deepEqual(r.errors.map((e) => e.message), []);
  const result = r.output[0] as { Status: string; JournalPath: string };
  assert.equal(result.Status, 'Completed', JSON.stringify(result));
  const journal = JSON.parse(readFileSync(result.JournalPath, 'utf8')) as { Meta: Record<string, string> };
  assert.deepEqual([journal.Meta.SkipReadiness, journal.Meta.Naming], ['PendingRestart', 'Legacy'], 'recorded by their canonical names');
  const none = await ps.run('Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath $V.media -BackupDestination $V.backups -SkipReadiness $null -Confirm:$false', { lab: await labWith('null-skip', 'SingleServer', { MFA01: { pendingRestart: ['WindowsUpdate'] } }), media: LAB_INSTALLER_PATH, backups: path.join(dir, 'null-skip-backups') });
  assert.ok(none.ok, none.terminatingError?.message);
  assert.equal((none.output[0] as { ExitCode: number }).ExitCode, 69003, 'no risk accepted: the pending restart stops the run');
});

test('the SDK password appears in no readiness output', () => {
  assert.ok(seen.length > 0);
  for (const s of seen) assert.ok(!s.includes(LAB_SDK_PASSWORD));
});
