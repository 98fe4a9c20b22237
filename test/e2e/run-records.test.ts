// Issue #13 (and #12 item 8), end to end through the real cmdlets: the journal, the plan and the run folder are claims
// that each run checks against the servers and against each other, never answers taken on trust.
// Run `npm run build` first.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openLab } from '../../core/host/lab/open-lab';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, chmodSync, writeFileSync, copyFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { openModuleSession, modulePath, faultModulePath } from '../helpers/pwsh';
import type { PowerShellSession, ScriptOutcome } from '../../core/host/remote/powershell-session';
import { LAB_INSTALLER_PATH, addFault, clearFaults, diffStates, labEndState, makeTempRoot, runOk, type UpgradeResult } from './helpers';

const root = makeTempRoot('records');
after(() => rmSync(root, { recursive: true, force: true }));

const SCRIPT = String.raw`
$p = @{ LabPath = $V.lab; InstallerPath = $V.installer; BackupDestination = $V.backups; Confirm = $false }
if ($V.naming) { $p.VirtualDirectoryNaming = $V.naming }
if ($V.resume) { $p.Resume = $true }
if ($V.replan) { $p.Replan = $true }
if ($V.diskFullAt) { $env:MFA_TEST_DISK_FULL_AT = $V.diskFullAt }
try { Invoke-MfaServerUpgrade @p }
finally { Remove-Item Env:MFA_TEST_DISK_FULL_AT -ErrorAction SilentlyContinue }`;

interface Run {
  lab: string;
  backups: string;
  installer?: string;
  naming?: 'New' | 'Legacy';
  resume?: boolean;
  replan?: boolean;
  diskFullAt?: string;
}

async function upgrade(ps: PowerShellSession, o: Run): Promise<{ outcome: ScriptOutcome; result: UpgradeResult; errorIds: string[] }> {
  const outcome = await ps.run(SCRIPT, { installer: LAB_INSTALLER_PATH, ...o });
  assert.ok(outcome.ok, `terminating error: ${outcome.terminatingError?.fullyQualifiedErrorId} ${outcome.terminatingError?.message}`);
  assert.equal(outcome.output.length, 1, `one result object (errors: ${outcome.errors.map((e) => e.message).join(' | ')})`);
  return { outcome, result: outcome.output[0] as UpgradeResult, errorIds: outcome.errors.map((e) => e.fullyQualifiedErrorId.split(',')[0]) };
}

async function newLab(ps: PowerShellSession, lab: string): Promise<void> {
  await runOk(ps, `New-MfaLab -Path $V.lab -Scenario SingleServer -Force | Out-Null`, { lab });
}

async function isUpgraded(ps: PowerShellSession, lab: string): Promise<boolean> {
  const r = await runOk(ps, `Test-MfaServerUpgrade -LabPath $V.lab`, { lab });
  return (r.output as { IsUpgraded: boolean }[]).every((v) => v.IsUpgraded);
}

function assertCompleted(r: UpgradeResult): void {
  assert.equal(r.Status, 'Completed', `${r.Message} / ${r.NextAction}`);
  assert.equal(r.ExitCode, 0);
}

/** The run folder of a SingleServer lab (MFA01) under a backup destination. */
const runFolderOf = (backups: string) => path.join(backups, 'MfaServerUpgrade-MFA01');
const setAsideFiles = (backups: string) => readdirSync(runFolderOf(backups)).filter((n) => /\.set-aside-/.test(n)).sort();
const machineIdOf = (lab: string) => /"MachineGuid"="([^"]+)"/.exec(readFileSync(path.join(lab, 'registry.reg')).toString('utf16le'))?.[1];

describe('identity: a journal answers only for the server it was written on', () => {
  let ps: PowerShellSession;
  before(async () => {
    assert.ok(existsSync(path.join(modulePath, 'lib', 'mfa-core.cjs')), 'build the module first: npm run build');
    ps = await openModuleSession(root);
  });
  after(() => ps.close());

  test('lab A upgraded with -BackupDestination X; lab B (also MFA01) with the same X is really upgraded, without and with -Resume', async () => {
    const backups = path.join(root, 'identity', 'X');
    const labA = path.join(root, 'identity', 'A');
    const labB = path.join(root, 'identity', 'B');
    await newLab(ps, labA);
    await newLab(ps, labB);
    assert.notEqual(machineIdOf(labA), machineIdOf(labB), 'every lab has its own machine id');
    assertCompleted((await upgrade(ps, { lab: labA, backups })).result);

    const b = await upgrade(ps, { lab: labB, backups });
    assertCompleted(b.result);
    assert.doesNotMatch(b.result.Message, /already completed/);
    assert.equal(await isUpgraded(ps, labB), true, 'lab B is upgraded for real');
    assert.equal(setAsideFiles(backups).filter((n) => n.endsWith('.json')).length, 3, 'lab A\'s journal, plan and readiness are kept beside, renamed');
    assert.ok(b.outcome.warnings.some((w) => /was of MFA01 \(machine id .*\), not of MFA01/.test(w)), b.outcome.warnings.join('\n'));

    // A third MFA01, now with -Resume (as deployments always run): the same.
    const labC = path.join(root, 'identity', 'C');
    await newLab(ps, labC);
    const c = await upgrade(ps, { lab: labC, backups, resume: true });
    assertCompleted(c.result);
    assert.equal(await isUpgraded(ps, labC), true);

    // And the truly completed run, run again, verifies the server and says what it found.
    const again = await upgrade(ps, { lab: labC, backups, resume: true });
    assertCompleted(again.result);
    assert.match(again.result.Message, /already completed.*Verified now: MFA01: upgraded \(MFA Server [\d.]+\)/);

    // A fourth MFA01 that is not ready (a restart pending): the run that sets the old records aside is a fresh run, so
    // it checks readiness before it changes anything, as any fresh run does.
    const labD = path.join(root, 'identity', 'D');
    await newLab(ps, labD);
    const [serverD] = await openLab(labD);
    const config = await serverD.readConfig();
    config.faults = { ...config.faults, pendingRestart: ['WindowsUpdate'] };
    await serverD.writeConfig(config);
    const d = await upgrade(ps, { lab: labD, backups, resume: true });
    assert.equal(d.result.ExitCode, 69003, d.result.Message);
    assert.match(d.result.Message, /Readiness checks failed.*PendingRestart on MFA01/);
    assert.equal(await isUpgraded(ps, labD), false, 'nothing was changed on the server that is not ready');
    const dReadiness = (d.result as unknown as { Readiness: { Check: string; Result: string }[] }).Readiness;
    assert.equal(dReadiness.find((r) => r.Check === 'PendingRestart')?.Result, 'Failed', 'its own checks, not the set-aside run\'s');
  });

  test('rolled back (same machine, PhoneFactor state again), then rebuilt at the same path: each run upgrades for real', async () => {
    const backups = path.join(root, 'rollback', 'X');
    const lab = path.join(root, 'rollback', 'lab');
    const before = path.join(root, 'rollback', 'lab-before');
    await newLab(ps, lab);
    cpSync(lab, before, { recursive: true });
    assertCompleted((await upgrade(ps, { lab, backups })).result);

    // The rollback puts the server back as it was before the upgrade: same machine id, PhoneFactor installed.
    rmSync(lab, { recursive: true, force: true });
    cpSync(before, lab, { recursive: true });
    assert.equal(await isUpgraded(ps, lab), false);
    const retry = await upgrade(ps, { lab, backups });
    assertCompleted(retry.result);
    assert.doesNotMatch(retry.result.Message, /already completed/);
    assert.equal(await isUpgraded(ps, lab), true, 'the retry after the rollback upgraded the server');
    assert.ok(retry.outcome.warnings.some((w) => /says this upgrade completed, but the server is not upgraded now/.test(w)), retry.outcome.warnings.join('\n'));

    // Rebuilt at the same path (a new machine under the same name), run with -Resume.
    await newLab(ps, lab);
    const rebuilt = await upgrade(ps, { lab, backups, resume: true });
    assertCompleted(rebuilt.result);
    assert.equal(await isUpgraded(ps, lab), true, 'the rebuilt server is upgraded');
    assert.equal(setAsideFiles(backups).filter((n) => n.endsWith('.json')).length, 6, 'both earlier runs are kept');
  });

  test('an unfinished journal of another machine with the same name: JournalOfAnotherServer, 69003, nothing done', async () => {
    const backups = path.join(root, 'other-unfinished', 'X');
    const labA = path.join(root, 'other-unfinished', 'A');
    const labB = path.join(root, 'other-unfinished', 'B');
    await newLab(ps, labA);
    addFault(labA, 'msiexec', { exitCode: 1618 });
    assert.equal((await upgrade(ps, { lab: labA, backups })).result.ExitCode, 1618);
    await newLab(ps, labB);
    const state = labEndState(labB);
    const b = await upgrade(ps, { lab: labB, backups, resume: true });
    assert.equal(b.result.Status, 'Failed');
    assert.equal(b.result.ExitCode, 69003);
    assert.deepEqual(b.errorIds, ['JournalOfAnotherServer']);
    assert.match(b.outcome.errors[0].message, /journal\.json records an unfinished upgrade of MFA01 \(machine id .*\); this server is MFA01/);
    assert.deepEqual(diffStates(state, labEndState(labB)), [], 'lab B unchanged');
  });
});

/** A lab whose run stopped after its verified backup (1618 on the first uninstall), the fault then cleared. */
async function stoppedAfterBackup(ps: PowerShellSession, name: string): Promise<{ lab: string; backups: string; folder: string; first: UpgradeResult }> {
  const lab = path.join(root, name, 'lab');
  const backups = path.join(root, name, 'backups');
  await newLab(ps, lab);
  addFault(lab, 'msiexec', { exitCode: 1618 });
  const { result } = await upgrade(ps, { lab, backups });
  assert.equal(result.ExitCode, 1618);
  clearFaults(lab);
  return { lab, backups, folder: runFolderOf(backups), first: result };
}

describe('-Resume means the same run', () => {
  let ps: PowerShellSession;
  before(async () => {
    ps = await openModuleSession(root);
  });
  after(() => ps.close());

  test('another -InstallerPath or -VirtualDirectoryNaming is refused with the differences named; -Replan plans again and the journal records it', async () => {
    const { lab, backups, folder } = await stoppedAfterBackup(ps, 'params');
    // A second media folder on the lab server (a copy of the first).
    cpSync(path.join(lab, 'C', 'Media', 'MfaServer'), path.join(lab, 'C', 'Media', 'MfaServer2'), { recursive: true });
    const state = labEndState(lab);
    const journalBefore = readFileSync(path.join(folder, 'journal.json'));

    const naming = await upgrade(ps, { lab, backups, resume: true, naming: 'Legacy' });
    assert.equal(naming.result.ExitCode, 69003);
    assert.deepEqual(naming.errorIds, ['ResumeParametersDiffer']);
    assert.match(naming.outcome.errors[0].message, /-VirtualDirectoryNaming New was recorded, Legacy was given/);
    const media = await upgrade(ps, { lab, backups, resume: true, installer: 'C:\\Media\\MfaServer2', naming: 'Legacy' });
    assert.deepEqual(media.errorIds, ['ResumeParametersDiffer']);
    assert.match(media.outcome.errors[0].message, /-InstallerPath 'C:\\Media\\MfaServer' was recorded, 'C:\\Media\\MfaServer2' was given; -VirtualDirectoryNaming New was recorded, Legacy was given/);
    assert.deepEqual(diffStates(state, labEndState(lab)), [], 'the refused runs changed nothing');
    assert.ok(readFileSync(path.join(folder, 'journal.json')).equals(journalBefore), 'nor the journal');

    const replanned = await upgrade(ps, { lab, backups, resume: true, replan: true, installer: 'C:\\Media\\MfaServer2', naming: 'Legacy' });
    assertCompleted(replanned.result);
    const journal = JSON.parse(readFileSync(path.join(folder, 'journal.json'), 'utf8')) as { Replans: Record<string, string>[]; Steps: { Id: string; Attempts: number }[] };
    assert.equal(journal.Replans.length, 1);
    assert.match(journal.Replans[0].Changes, /-VirtualDirectoryNaming New was recorded, Legacy was given/);
    assert.equal(journal.Replans[0].InstallerPath, 'C:\\Media\\MfaServer2');
    assert.equal(journal.Steps.find((s) => s.Id === 'MFA01:backup')?.Attempts, 1, 'the backup was kept, not made again');
    const appHost = readFileSync(path.join(lab, 'C', 'Windows', 'System32', 'inetsrv', 'config', 'applicationHost.config'), 'utf8');
    assert.match(appHost, /<application path="\/PhoneFactor"/, 'the re-planned run kept the Legacy names');
    const setupLog = readdirSync(path.join(lab, 'C', 'Windows', 'Logs', 'Software')).find((n) => /install-MfaServer/.test(n));
    assert.ok(setupLog, 'the setup ran');
    assert.match(readFileSync(path.join(lab, 'C', 'Windows', 'Logs', 'Software', setupLog), 'utf8'), /MfaServer2/, 'from the new media');
    // The parameters a resume now compares with are the re-planned ones.
    const again = await upgrade(ps, { lab, backups, resume: true, installer: 'C:\\Media\\MfaServer2' });
    assertCompleted(again.result);
  });
});

describe('journal, plan and run folder are checked on load', () => {
  let ps: PowerShellSession;
  let lab: string;
  let backups: string;
  let folder: string;
  let pristine: { journal: Buffer; plan: Buffer };
  let state: Record<string, string>;
  before(async () => {
    ps = await openModuleSession(root, process.env, faultModulePath); // the test build: the disk-full fault below is a test hook
    ({ lab, backups, folder } = await stoppedAfterBackup(ps, 'tamper'));
    pristine = { journal: readFileSync(path.join(folder, 'journal.json')), plan: readFileSync(path.join(folder, 'plan.json')) };
    state = labEndState(lab);
  });
  after(() => ps.close());

  /** Put the run's own files back after a case changed them, and check that the refused run changed nothing. */
  function restore(): void {
    assert.deepEqual(diffStates(state, labEndState(lab)), [], 'the refused run changed nothing on the server');
    writeFileSync(path.join(folder, 'journal.json'), pristine.journal);
    writeFileSync(path.join(folder, 'plan.json'), pristine.plan);
  }
  const editJson = (file: string, edit: (doc: Record<string, unknown>) => void) => {
    const doc = JSON.parse(readFileSync(path.join(folder, file), 'utf8'));
    edit(doc);
    writeFileSync(path.join(folder, file), JSON.stringify(doc, null, 2) + '\n');
  };
  const sha = (file: string) => createHash('sha256').update(readFileSync(path.join(folder, file))).digest('hex');
  type Doc = {
    Status: string;
    PlanSha256: string;
    Steps: { Id: string; Action: string; Status: string; Data: Record<string, unknown>; Parameters: Record<string, unknown> }[];
  };

  async function refused(code: string, message: RegExp): Promise<void> {
    const r = await upgrade(ps, { lab, backups, resume: true });
    assert.equal(r.result.Status, 'Failed', r.result.Message);
    assert.equal(r.result.ExitCode, 69003);
    assert.deepEqual(r.errorIds, [code], r.outcome.errors.map((e) => e.message).join(' | '));
    assert.match(r.outcome.errors[0].message, message);
    restore();
  }

  test('the run folder is closed to everyone but its owner (0700), as backup folders are, even when it was opened since', async () => {
    assert.equal(statSync(folder).mode & 0o777, 0o700);
    chmodSync(folder, 0o755);
    editJson('journal.json', (d) => {
      (d as Doc).Status = 'Exploded';
    });
    await refused('JournalCorrupt', /Status "Exploded" is unknown/);
    assert.equal(statSync(folder).mode & 0o777, 0o700, 'closed again before anything was read');
  });

  test('a corrupt plan.json: PlanCorrupt naming the file, the line and the column', async () => {
    writeFileSync(path.join(folder, 'plan.json'), pristine.plan.toString('utf8').replace('"Steps": [', '"Steps": [,'));
    await refused('PlanCorrupt', /plan\.json cannot be used: it is not valid JSON \(line \d+, column \d+: /);
  });

  test('a plan.json of the wrong shape: PlanCorrupt naming the field, not an internal error', async () => {
    editJson('plan.json', (d) => {
      delete d.Steps;
    });
    await refused('PlanCorrupt', /plan\.json cannot be used: Steps is missing/);
    editJson('plan.json', (d) => {
      (d as unknown as Doc).Steps[3].Action = 'Format';
    });
    await refused('PlanCorrupt', /\/Steps\/3\/Action: "Format" is not one of/);
  });

  test('plan.json missing with -Resume: PlanNotFound saying what is missing and what to do', async () => {
    rmSync(path.join(folder, 'plan.json'));
    await refused('PlanNotFound', /holds a journal .* but not its plan .*plan\.json.*Test-MfaServerUpgrade/);
  });

  test('a plan changed since the journal was written: RunRecordsMismatch (the journal keeps the plan\'s SHA-256)', async () => {
    editJson('plan.json', (d) => {
      (d as unknown as Doc).Steps[2].Parameters.displayName = 'something else';
    });
    await refused('RunRecordsMismatch', /the plan's SHA-256 is [0-9a-f]{64}, the journal recorded [0-9a-f]{64}/);
  });

  test('a journal missing steps of the plan: RunRecordsMismatch, nothing uninstalled', async () => {
    editJson('journal.json', (d) => {
      (d as Doc).Steps = (d as Doc).Steps.filter((s) => !/uninstall:(Agent|WebServiceSdk)/.test(s.Id));
    });
    await refused('RunRecordsMismatch', /the journal has no record of the plan's step MFA01:uninstall:/);
  });

  test('a journal Completed while its steps are pending: JournalInconsistent, not "already completed"', async () => {
    editJson('journal.json', (d) => {
      (d as Doc).Status = 'Completed';
    });
    await refused('JournalInconsistent', /its Status is Completed while MFA01:uninstall:UserPortal is Failed/);
  });

  test('a Completed backup step with no BackupPath: JournalInconsistent before any uninstall', async () => {
    editJson('journal.json', (d) => {
      delete (d as Doc).Steps[0].Data.BackupPath;
    });
    await refused('JournalInconsistent', /backup step MFA01:backup is Completed but records no BackupPath/);
  });

  test('a plan that runs an installer outside the media and install folders: refused even with a matching hash, and the installer never runs', async () => {
    // The attacker's MSI: a real component MSI under another name, in a folder every user may write.
    const evil = path.join(lab, 'C', 'Users', 'Public', 'MultiFactorAuthenticationUserPortalSetup64.msi');
    mkdirSync(path.dirname(evil), { recursive: true });
    copyFileSync(path.join(lab, 'C', 'Media', 'MfaServer', 'MultiFactorAuthenticationUserPortalSetup64.msi'), evil);
    state = labEndState(lab);
    try {
      editJson('plan.json', (d) => {
        const step = (d as unknown as Doc).Steps.find((s) => s.Id === 'MFA01:install:UserPortal')!;
        step.Parameters.msiPath = 'C:\\Users\\Public\\MultiFactorAuthenticationUserPortalSetup64.msi';
      });
      const planSha = sha('plan.json');
      editJson('journal.json', (d) => {
        (d as Doc).PlanSha256 = planSha;
      });
      const r = await upgrade(ps, { lab, backups, resume: true });
      assert.equal(r.result.Status, 'Failed');
      assert.equal(r.result.ExitCode, 69003);
      assert.deepEqual(r.errorIds, ['PlanInstallerRefused']);
      assert.match(r.outcome.errors[0].message, /C:\\Users\\Public\\MultiFactorAuthenticationUserPortalSetup64\.msi', which is neither in the folder MFA Server installs/);
      const logs = path.join(lab, 'C', 'Windows', 'Logs', 'Software');
      // No installer ran it (the engine's own log names the refusal, and only that).
      for (const log of (existsSync(logs) ? readdirSync(logs) : []).filter((n) => n !== 'MfaServerUpgrade.log')) assert.doesNotMatch(readFileSync(path.join(logs, log), 'utf8'), /Users\\Public/i, log);
      assert.deepEqual(diffStates(state, labEndState(lab)), []);
    } finally {
      writeFileSync(path.join(folder, 'journal.json'), pristine.journal);
      writeFileSync(path.join(folder, 'plan.json'), pristine.plan);
    }
  });

  test('a full disk while the journal records a step: JournalWriteFailed with an exit code; the journal shows the step Running and -Resume completes', async () => {
    const r = await upgrade(ps, { lab, backups, resume: true, diskFullAt: 'complete:MFA01:uninstall:UserPortal' });
    assert.equal(r.result.Status, 'Failed');
    assert.equal(r.result.ExitCode, 69002, 'the portal was uninstalled before the journal failed');
    assert.deepEqual(r.errorIds, ['JournalWriteFailed']);
    assert.match(r.outcome.errors[0].message, /journal\.json could not be written \(Not enough disk space/);
    assert.match(r.result.Message, /MFA01:uninstall:UserPortal ran, but its end could not be recorded/);
    assert.match(r.result.NextAction ?? '', /-Resume/);
    const journal = JSON.parse(readFileSync(path.join(folder, 'journal.json'), 'utf8')) as Doc;
    assert.equal(journal.Steps.find((s) => s.Id === 'MFA01:uninstall:UserPortal')?.Status, 'Running');
    const resumed = await upgrade(ps, { lab, backups, resume: true });
    assertCompleted(resumed.result);
    assert.equal(await isUpgraded(ps, lab), true);
  });
});
