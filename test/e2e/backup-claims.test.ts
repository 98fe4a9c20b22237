// Issue 13, "nothing destructive on a claim": the backup a journal records is checked against the disk and the server
// before the first uninstall of every run, and the web.configs and themes read back from it later are checked against
// its manifest. Real pwsh, the built module, SingleServer labs.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { faultModulePath, openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession, ScriptOutcome } from '../../core/host/remote/powershell-session';
import { LAB_INSTALLER_PATH, addFault, clearFaults, diffStates, labEndState, makeTempRoot, runOk, type UpgradeResult } from './helpers';

const UPGRADE = String.raw`
$p = @{ LabPath = $V.lab; InstallerPath = $V.installer; BackupDestination = $V.backups; Confirm = $false }
if ($V.resume) { $p.Resume = $true }
if ($V.crashAt) { $env:MFA_TEST_CRASH_AT = $V.crashAt }
try { Invoke-MfaServerUpgrade @p }
finally { Remove-Item Env:MFA_TEST_CRASH_AT -ErrorAction SilentlyContinue }`;

interface JournalFile {
  Status: string;
  Steps: { Id: string; Status: string; Outcome: string | null; Data: Record<string, unknown> }[];
}

const root = makeTempRoot('backup-claims');
let ps: PowerShellSession;
before(async () => {
  ps = await openModuleSession(root, process.env, faultModulePath); // the test build: MFA_TEST_CRASH_AT is a test hook
});
after(async () => {
  await ps.close();
  rmSync(root, { recursive: true, force: true });
});

async function upgrade(o: { lab: string; backups: string; resume?: boolean; crashAt?: string }): Promise<{ outcome: ScriptOutcome; result: UpgradeResult }> {
  const outcome = await ps.run(UPGRADE, { installer: LAB_INSTALLER_PATH, ...o });
  if (o.crashAt) return { outcome, result: undefined as unknown as UpgradeResult };
  assert.ok(outcome.ok, `Invoke-MfaServerUpgrade ended with a terminating error: ${outcome.terminatingError?.message}`);
  assert.equal(outcome.output.length, 1, 'one result object');
  return { outcome, result: outcome.output[0] as UpgradeResult };
}

const journalFile = (backups: string) => path.join(backups, 'MfaServerUpgrade-MFA01', 'journal.json');
const readJournal = (backups: string) => JSON.parse(readFileSync(journalFile(backups), 'utf8')) as JournalFile;
const step = (j: JournalFile, id: string) => j.Steps.find((s) => s.Id === id)!;

/** A lab whose first run stopped after its backup, before any uninstall (Windows Installer busy: 1618). */
async function stoppedAfterBackup(name: string) {
  const lab = path.join(root, name, 'lab');
  const backups = path.join(root, name, 'backups');
  await runOk(ps, 'New-MfaLab -Path $V.lab -Scenario SingleServer -Force', { lab });
  addFault(lab, 'msiexec', { exitCode: 1618 });
  const { result } = await upgrade({ lab, backups });
  assert.equal(result.ExitCode, 1618);
  clearFaults(lab);
  return { lab, backups, backup: result.BackupPath[0], before: labEndState(lab) };
}

function assertRefusedUntouched(result: UpgradeResult, lab: string, before: Record<string, string>): void {
  assert.equal(result.Status, 'Failed');
  assert.equal(result.ExitCode, 69003, `${result.Message} / ${result.NextAction}`);
  // The uninstall was refused, and the backup step is open again so that -Resume makes a new backup first.
  assert.deepEqual(result.Steps.filter((s) => s.Status === 'Failed').map((s) => s.Id), ['MFA01:backup', 'MFA01:uninstall:UserPortal']);
  assert.deepEqual(result.Steps.filter((s) => s.Status === 'Completed').map((s) => s.Id), []);
  assert.deepEqual(diffStates(before, labEndState(lab)), [], 'nothing on the server changed');
}

/** An edited journal is refused when it is loaded (run-records.ts), before the backup gate: no step runs or reopens. */
function assertRefusedOnLoad(result: UpgradeResult, lab: string, before: Record<string, string>): void {
  assert.equal(result.Status, 'Failed');
  assert.equal(result.ExitCode, 69003, `${result.Message} / ${result.NextAction}`);
  assert.deepEqual(result.Steps.filter((s) => s.Status === 'Completed' && s.Id !== 'MFA01:backup').map((s) => s.Id), []);
  assert.deepEqual(diffStates(before, labEndState(lab)), [], 'nothing on the server changed');
}

describe('before the first uninstall the recorded backup is checked', () => {
  test('-Resume after the recorded backup was deleted: 69003 naming it, nothing uninstalled; the next -Resume backs up again and completes', async () => {
    const { lab, backups, backup, before } = await stoppedAfterBackup('deleted');
    rmSync(backup, { recursive: true, force: true });
    const { result } = await upgrade({ lab, backups, resume: true });
    assertRefusedUntouched(result, lab, before);
    assert.ok(result.Message.includes(backup), result.Message);
    assert.match(result.Message, /is not a folder/);
    assert.match(result.NextAction ?? '', /-Resume: the backup step runs again/);
    const journal = readJournal(backups);
    assert.equal(step(journal, 'MFA01:backup').Status, 'Failed');
    assert.equal(step(journal, 'MFA01:backup').Data.StaleBackupPath, backup);
    assert.equal(step(journal, 'MFA01:uninstall:UserPortal').Data.NothingChanged, true);

    const again = await upgrade({ lab, backups, resume: true });
    assert.equal(again.result.Status, 'Completed', `${again.result.Message} / ${again.result.NextAction}`);
    assert.equal(again.result.BackupPath.length, 1);
    // The deleted backup is gone, so a folder there now is the new backup; within the same second it may take the same
    // name (PhoneFactorBackup-<computer>-<time to the second>), so the path alone proves nothing (a CI run had it).
    assert.ok(existsSync(path.join(again.result.BackupPath[0], 'manifest.json')), 'the backup step ran again and made a backup');
    assert.equal(step(readJournal(backups), 'MFA01:backup').Status, 'Completed');
  });

  test('a journal whose backup step is Completed without a BackupPath: 69003 naming the step, nothing uninstalled', async () => {
    const { lab, backups, before } = await stoppedAfterBackup('no-path');
    const journal = readJournal(backups);
    delete step(journal, 'MFA01:backup').Data.BackupPath;
    writeFileSync(journalFile(backups), JSON.stringify(journal, null, 2));
    const { result } = await upgrade({ lab, backups, resume: true });
    assertRefusedOnLoad(result, lab, before);
    assert.match(result.Message, /MFA01:backup is Completed but records no BackupPath/);
  });

  test('a journal naming a backup outside the run\'s destination: refused, nothing uninstalled', async () => {
    const { lab, backups, backup, before } = await stoppedAfterBackup('elsewhere');
    const journal = readJournal(backups);
    const other = path.join(root, 'elsewhere', 'copied-backup');
    await runOk(ps, 'Copy-Item -LiteralPath $V.from -Destination $V.to -Recurse', { from: backup, to: other });
    step(journal, 'MFA01:backup').Data.BackupPath = other;
    writeFileSync(journalFile(backups), JSON.stringify(journal, null, 2));
    const { result } = await upgrade({ lab, backups, resume: true });
    assertRefusedOnLoad(result, lab, before);
    assert.match(result.Message, /which is not a backup folder in -BackupDestination/);
  });

  test('a recorded backup that lacks the portal web.config: 69003 naming the file, nothing uninstalled', async () => {
    const { lab, backups, backup, before } = await stoppedAfterBackup('lacks-config');
    const manifestFile = path.join(backup, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { files: { relativePath: string }[] };
    manifest.files = manifest.files.filter((f) => f.relativePath !== 'UserPortal\\web.config');
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    rmSync(path.join(backup, 'UserPortal', 'web.config'));
    const { result } = await upgrade({ lab, backups, resume: true });
    assertRefusedUntouched(result, lab, before);
    assert.match(result.Message, /does not hold the UserPortal web\.config C:\\inetpub\\wwwroot\\PhoneFactor\\web\.config/);
  });
});

describe('retention and unfinished upgrades (issue 12 item 2)', () => {
  test('a nightly Backup-PhoneFactor -Retain 1 into the destination keeps the backup the unfinished upgrade recorded; -Resume then completes', async () => {
    const { lab, backups, backup } = await stoppedAfterBackup('retain');
    const nightly = await runOk(ps, 'Backup-PhoneFactor -LabPath $V.lab -Destination $V.backups -Retain 1 -Confirm:$false', { lab, backups });
    const out = nightly.output[0] as { BackupPath: string; RemovedBackups: string[]; KeptBackups: string[] };
    assert.ok(existsSync(backup), 'the upgrade\'s backup is still there');
    assert.deepEqual(out.RemovedBackups, []);
    assert.deepEqual(out.KeptBackups, [`${backup}: an upgrade that has not completed relies on it (${journalFile(backups)})`]);
    const { result } = await upgrade({ lab, backups, resume: true });
    assert.equal(result.Status, 'Completed', `${result.Message} / ${result.NextAction}`);
    assert.deepEqual(result.BackupPath, [backup], 'the run used the backup it recorded');
    // Once the upgrade has completed, its backup is an ordinary one.
    const later = await runOk(ps, 'Backup-PhoneFactor -LabPath $V.lab -Destination $V.backups -Retain 1 -Confirm:$false', { lab, backups });
    assert.deepEqual([...(later.output[0] as { RemovedBackups: string[] }).RemovedBackups].sort(), [backup, out.BackupPath].sort());
  });
});

describe('web.configs and themes read back from the backup are checked against its manifest', () => {
  async function crashedAfterServerInstall(name: string) {
    const lab = path.join(root, name, 'lab');
    const backups = path.join(root, name, 'backups');
    await runOk(ps, 'New-MfaLab -Path $V.lab -Scenario SingleServer -Force', { lab });
    const crashed = await upgrade({ lab, backups, crashAt: 'after:MFA01:install-server' });
    assert.equal(crashed.outcome.ok, false, 'the core was killed');
    const backup = step(readJournal(backups), 'MFA01:backup').Data.BackupPath as string;
    return { lab, backups, backup };
  }

  test('a web.config changed in the backup after it was made is not merged: the merge step fails naming it', async () => {
    const { lab, backups, backup } = await crashedAfterServerInstall('changed-config');
    writeFileSync(path.join(backup, 'UserPortal', 'web.config'), '<configuration><appSettings><add key="x" value="planted"/></appSettings></configuration>');
    const { result } = await upgrade({ lab, backups, resume: true });
    assert.equal(result.Status, 'Failed');
    assert.equal(result.ExitCode, 69002);
    assert.deepEqual(result.Steps.filter((s) => s.Status === 'Failed').map((s) => s.Id), ['MFA01:merge-webconfig:UserPortal']);
    assert.match(result.Message, /UserPortal\\web\.config of the backup .* no longer matches its manifest hash/);
    const portal = readFileSync(path.join(lab, 'C', 'inetpub', 'wwwroot', 'MultiFactorAuth', 'web.config'), 'utf8');
    assert.doesNotMatch(portal, /planted/);
  });

  test('a file dropped into a backed-up theme folder is not carried onto the server; a changed theme file stops the step', async () => {
    const { lab, backups, backup } = await crashedAfterServerInstall('theme-files');
    const theme = path.join(backup, 'UserPortal', 'App_Themes', 'Contoso');
    writeFileSync(path.join(theme, 'planted.aspx'), '<% evil %>');
    const { result } = await upgrade({ lab, backups, resume: true });
    assert.equal(result.Status, 'Completed', `${result.Message}`);
    const served = path.join(lab, 'C', 'inetpub', 'wwwroot', 'MultiFactorAuth', 'App_Themes', 'Contoso');
    assert.ok(existsSync(path.join(served, 'logo.txt')), 'the theme itself came back');
    assert.ok(!existsSync(path.join(served, 'planted.aspx')), 'the file the manifest does not list stayed out');

    const second = await crashedAfterServerInstall('theme-changed');
    writeFileSync(path.join(second.backup, 'UserPortal', 'App_Themes', 'Contoso', 'logo.txt'), 'not the logo');
    const resumed = await upgrade({ lab: second.lab, backups: second.backups, resume: true });
    assert.equal(resumed.result.ExitCode, 69002);
    assert.deepEqual(resumed.result.Steps.filter((s) => s.Status === 'Failed').map((s) => s.Id), ['MFA01:restore-themes:UserPortal']);
    assert.match(resumed.result.Message, /logo\.txt of the backup .* no longer matches its manifest hash/);
  });
});
