// Issue #25 item 3: Undo-MfaServerUpgrade through the generated cmdlets in real pwsh. From wherever an upgrade stands
// (completed, paused at activation, failed at an install, killed after any of its steps) the Undo brings each lab server
// back to the state of a lab that was never upgraded: files by hash, registry, products, IIS (labStateAfterReinstall
// says the few records Windows itself keeps differently after a reinstall). A new upgrade afterwards starts afresh.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openModuleSession, faultModulePath } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';
import { ENCRYPTED_APP, MIM_SETTINGS_PATH } from '../../core/host/lab/templates/sdk-consumers';
import { LAB_INSTALLER_PATH, LAB_SDK_PASSWORD, addFault, allText, diffStates, hashTree, labEndState, labStateAfterReinstall, makeTempRoot, runOk, type UpgradeResult } from './helpers';

interface UndoResult {
  Status: string;
  ExitCode: number;
  Message: string;
  NextAction: string | null;
  Steps: { Id: string; Action: string; Status: string; Outcome: string | null }[];
  BackupPath: string[];
  JournalPath: string;
  ReportPath: string | null;
  SetAside: string[];
}

const root = makeTempRoot('undo');
let ps: PowerShellSession;
before(async () => {
  // The test build: these tests kill the core after upgrade steps (MFA_TEST_CRASH_AT); it is the shipped module otherwise.
  ps = await openModuleSession(root, process.env, faultModulePath);
});
after(async () => {
  await ps.close();
  rmSync(root, { recursive: true, force: true });
});

const INVOKE = String.raw`
$p = @{ LabPath = $V.lab; InstallerPath = $V.installer; BackupDestination = $V.backups; Confirm = $false; Resume = $true }
if ($V.skip) { $p.SkipReadiness = $V.skip }
if ($V.naming) { $p.VirtualDirectoryNaming = $V.naming }
if ($V.crashAt) { $env:MFA_TEST_CRASH_AT = $V.crashAt }
try { Invoke-MfaServerUpgrade @p -WarningAction SilentlyContinue } finally { Remove-Item Env:MFA_TEST_CRASH_AT -ErrorAction SilentlyContinue }`;
const UNDO = 'Undo-MfaServerUpgrade -LabPath $V.lab -BackupDestination $V.backups -Confirm:$false -WarningAction SilentlyContinue';

const onApp01 = (lab: string, windowsPath: string) => path.join(lab, 'APP01', windowsPath[0], ...windowsPath.slice(3).split('\\'));

async function newLab(name: string, scenario: string): Promise<{ lab: string; backups: string; before: Record<string, string> }> {
  const lab = path.join(root, name, 'lab');
  await runOk(ps, '$null = New-MfaLab -Path $V.lab -Scenario $V.scenario -Force', { lab, scenario });
  return { lab, backups: path.join(root, name, 'backups'), before: labStateAfterReinstall(lab) };
}

async function upgrade(lab: string, backups: string, extra: Record<string, unknown> = {}): Promise<UpgradeResult> {
  const r = await ps.run(INVOKE, { lab, backups, installer: LAB_INSTALLER_PATH, ...extra });
  if (extra.crashAt) {
    assert.equal(r.ok, false, 'the killed core is a terminating error');
    assert.match(r.terminatingError?.fullyQualifiedErrorId ?? '', /^CoreKilled\b/);
    return undefined as unknown as UpgradeResult;
  }
  assert.ok(r.ok, r.terminatingError?.message);
  return r.output[0] as UpgradeResult;
}

async function undo(lab: string, backups: string, extra = ''): Promise<{ result: UndoResult; text: string; errors: string[] }> {
  const r = await ps.run(`${UNDO} ${extra}`, { lab, backups });
  assert.ok(r.ok, r.terminatingError?.message);
  assert.equal(r.output.length, 1, JSON.stringify(r.errors));
  return { result: r.output[0] as UndoResult, text: allText(r), errors: r.errors.map((e) => `${e.fullyQualifiedErrorId}: ${e.message}`) };
}

function assertUndone(u: UndoResult, lab: string, before: Record<string, string>): void {
  assert.equal(u.Status, 'Completed', `${u.Message} / ${u.NextAction}`);
  assert.equal(u.ExitCode, 0);
  for (const s of u.Steps) assert.equal(s.Status, 'Completed', `${s.Id}: ${s.Outcome}`);
  assert.deepEqual(diffStates(before, labStateAfterReinstall(lab)), [], 'the lab is what it was before the upgrade');
}

describe('every lab scenario with a PhoneFactor server: upgraded, then undone, it is the lab it was', () => {
  for (const scenario of ['SingleServer', 'SeparateWebServer', 'AgentOnly', 'CustomNames']) {
    test(scenario, async () => {
      const { lab, backups, before } = await newLab(`scenario-${scenario}`, scenario);
      const up = await upgrade(lab, backups);
      assert.equal(up.Status, 'Completed', up.Message);
      assert.notDeepEqual(diffStates(before, labStateAfterReinstall(lab)), [], 'the upgrade changed the lab');
      const { result, text } = await undo(lab, backups);
      assertUndone(result, lab, before);
      assert.ok(!text.includes(LAB_SDK_PASSWORD), 'the SDK password reaches no stream');
      assert.ok(result.Steps.some((s) => s.Action === 'Reinstall'), 'products were reinstalled from the backup');
    });
  }

  test('SdkConsumers: the upgrade pauses at AD FS (69001); the Undo puts back every consumer file it rewrote and the lab is the lab it was', async () => {
    const { lab, backups, before } = await newLab('scenario-SdkConsumers', 'SdkConsumers');
    const up = await upgrade(lab, backups);
    assert.equal(up.ExitCode, 69001, up.Message);
    assert.ok(readFileSync(onApp01(lab, MIM_SETTINGS_PATH), 'utf8').includes('/MultiFactorAuthWebServiceSdk/'), 'the upgrade rewrote MfaSettings.xml');
    const { result, text } = await undo(lab, backups);
    assertUndone(result, lab, before);
    assert.ok(!text.includes(LAB_SDK_PASSWORD));
    const restored = result.Steps.filter((s) => s.Action === 'RestoreSdkConsumer').map((s) => s.Outcome ?? '');
    assert.equal(restored.length, 3, 'Timesheets, MIM and the AD FS adapter (Payroll was never reached)');
    assert.match(String(result.NextAction), /register the adapter again from .*Restart-Service adfssrv/);
  });

  test('SdkConsumers resumed to Completed (Payroll changed by the admin), then undone: the Undo stops for Payroll, then the lab is the lab it was', async () => {
    const { lab, backups, before } = await newLab('sdk-completed', 'SdkConsumers');
    const payroll = onApp01(lab, `${ENCRYPTED_APP.folder}\\web.config`);
    const original = readFileSync(payroll);
    assert.equal((await upgrade(lab, backups)).ExitCode, 69001);
    assert.equal((await upgrade(lab, backups)).ExitCode, 69001, 'paused at Payroll');
    writeFileSync(payroll, original.toString('utf8').replace(/\/PhoneFactorWebServiceSdk\//, '/MultiFactorAuthWebServiceSdk/'));
    const up = await upgrade(lab, backups);
    assert.equal(up.Status, 'Completed', up.Message);
    const first = (await undo(lab, backups)).result;
    assert.equal(first.Status, 'Paused', first.Message);
    assert.ok(String(first.NextAction).includes(`${ENCRYPTED_APP.folder}\\web.config`), String(first.NextAction));
    writeFileSync(payroll, original); // the admin changes it back (here: the backup's copy)
    const { result } = await undo(lab, backups);
    assertUndone(result, lab, before);
  });

  test('SdkConsumers: a consumer file the admin changed after the upgrade is not overwritten; the Undo says so and names it', async () => {
    const { lab, backups } = await newLab('sdk-admin-changed', 'SdkConsumers');
    assert.equal((await upgrade(lab, backups)).ExitCode, 69001);
    const mim = onApp01(lab, MIM_SETTINGS_PATH);
    const edited = Buffer.from(readFileSync(mim, 'utf8').replace('</', '<!-- the admin was here --></'), 'utf8');
    writeFileSync(mim, edited);
    const { result } = await undo(lab, backups);
    assert.equal(result.Status, 'Paused', result.Message);
    assert.equal(result.ExitCode, 69022);
    assert.match(String(result.NextAction), new RegExp(`${MIM_SETTINGS_PATH.replace(/\\/g, '\\\\')} on APP01 was changed after the upgrade rewrote it`));
    assert.ok(readFileSync(mim).equals(edited), 'not overwritten');
  });

  test('SingleServer upgraded with Legacy names (the new portal in the old folder and vdir): undone, it is the lab it was', async () => {
    const { lab, backups, before } = await newLab('legacy-names', 'SingleServer');
    const up = await upgrade(lab, backups, { naming: 'Legacy' });
    assert.equal(up.Status, 'Completed', up.Message);
    const { result } = await undo(lab, backups);
    assertUndone(result, lab, before);
  });

  test('ActivationFails: the upgrade pauses at activation (69001); the Undo takes the unactivated server back', async () => {
    const { lab, backups, before } = await newLab('activation', 'ActivationFails');
    const up = await upgrade(lab, backups);
    assert.equal(up.ExitCode, 69001, up.Message);
    const { result } = await undo(lab, backups);
    assertUndone(result, lab, before);
  });

  test('failed at an install (1603 on the portal): undone, and a new upgrade afterwards starts a fresh run and completes', async () => {
    const { lab, backups, before } = await newLab('failed-install', 'SingleServer');
    addFault(lab, 'msiexec', { match: 'MultiFactorAuthenticationUserPortalSetup', exitCode: 1603, times: 1 });
    const up = await upgrade(lab, backups);
    assert.equal(up.ExitCode, 69002, up.Message);
    const { result } = await undo(lab, backups);
    assertUndone(result, lab, before);
    // The records of both were set aside: nothing of them is left under their own names.
    const folder = path.join(backups, 'MfaServerUpgrade-MFA01');
    for (const f of ['journal.json', 'plan.json', 'undo-journal.json', 'undo-plan.json']) assert.ok(!existsSync(path.join(folder, f)), f);
    assert.equal(result.SetAside.length, 6, result.SetAside.join(', '));
    const report = readFileSync(result.ReportPath!, 'utf8');
    assert.match(report, /<h2 id="rollback">Rollback \(Undo-MfaServerUpgrade\)<\/h2>/);
    assert.match(report, /never flow back/);
    assert.ok(!report.includes(LAB_SDK_PASSWORD));

    const again = await upgrade(lab, backups);
    assert.equal(again.Status, 'Completed', again.Message);
    assert.equal(again.Steps[0].Id, 'MFA01:backup');
    assert.equal(again.Steps.every((s) => s.Status === 'Completed'), true);
    const journal = JSON.parse(readFileSync(path.join(folder, 'journal.json'), 'utf8')) as { Runs: unknown[]; Steps: { Attempts: number }[] };
    assert.equal(journal.Runs.length, 1, 'a fresh run, not a resume of the undone one');
    assert.ok(journal.Steps.every((s) => s.Attempts === 1));
  });
});

describe('killed after any step of the upgrade, the Undo takes the server back', () => {
  const ids = [
    'MFA01:backup',
    'MFA01:uninstall:UserPortal',
    'MFA01:uninstall:MobileAppWebService',
    'MFA01:uninstall:WebServiceSdk',
    'MFA01:uninstall:Agent',
    'MFA01:install-server',
    'MFA01:confirm-activation',
    'MFA01:install:WebServiceSdk',
    'MFA01:install:UserPortal',
    'MFA01:merge-webconfig:UserPortal',
    'MFA01:restore-themes:UserPortal',
    'MFA01:install:MobileAppWebService',
    'MFA01:merge-webconfig:MobileAppWebService',
  ];
  for (const id of ids) {
    test(`after:${id}`, async () => {
      const { lab, backups, before } = await newLab(`after-${id.replace(/[^A-Za-z]+/g, '-')}`, 'SingleServer');
      await upgrade(lab, backups, { crashAt: `after:${id}` });
      const journal = JSON.parse(readFileSync(path.join(backups, 'MfaServerUpgrade-MFA01', 'journal.json'), 'utf8')) as { Steps: { Id: string; Status: string }[] };
      assert.equal(journal.Steps.find((s) => s.Id === id)?.Status, 'Completed', 'killed right after this step');
      const { result } = await undo(lab, backups);
      assertUndone(result, lab, before);
    });
  }
});

describe('refusals: nothing changes', () => {
  test('-WhatIf shows the plan, one action per step, and changes nothing', async () => {
    const { lab, backups } = await newLab('whatif', 'SingleServer');
    await upgrade(lab, backups);
    const state = hashTree(lab);
    const records = hashTree(backups);
    const transcript = path.join(root, 'whatif', 'transcript.txt');
    const r = await ps.run(`Start-Transcript -LiteralPath $V.transcript | Out-Null; try { ${UNDO.replace('-Confirm:$false', '-WhatIf')} } finally { Stop-Transcript | Out-Null }`,
      { lab, backups, transcript });
    assert.ok(r.ok, r.terminatingError?.message);
    const lines = readFileSync(transcript, 'utf8').split(/\r?\n/).filter((l) => l.startsWith('What if:'));
    // SingleServer: 3 web components and MFA Server uninstalled, what the run put into 2 of them removed, 4 reinstalls, then restore, registry,
    // service, verify.
    assert.equal(lines.length, 4 + 2 + 4 + 4, lines.join('\n'));
    for (const what of ['Uninstall Multi-Factor Authentication Server', 'Reinstall PhoneFactor Agent 5.2.1.0', 'Put back the data file', 'Verify products']) {
      assert.ok(lines.some((l) => l.includes(what)), `${what} in\n${lines.join('\n')}`);
    }
    assert.deepEqual(diffStates(state, hashTree(lab)), []);
    assert.deepEqual(diffStates(records, hashTree(backups)), []);
  });

  test('an upgrade that went on without a package (-SkipReadiness RollbackMedia): the Undo stops with 69023 before anything changes', async () => {
    const { lab, backups } = await newLab('no-package', 'CachedPackageOnly');
    const up = await upgrade(lab, backups, { skip: ['RollbackMedia'] });
    assert.equal(up.Status, 'Completed', up.Message);
    const state = labEndState(lab);
    const { result, errors } = await undo(lab, backups);
    assert.equal(result.ExitCode, 69023, result.Message);
    assert.match(result.Message, /^UndoPackageMissing: .*PhoneFactor Agent 5\.2\.1\.0/);
    assert.ok(errors.some((e) => e.startsWith('UndoPackageMissing,Undo-MfaServerUpgrade')), errors.join('\n'));
    assert.deepEqual(diffStates(state, labEndState(lab)), []);
    assert.ok(!existsSync(path.join(lab, 'C', 'ProgramData', 'MfaServerUpgrade', 'upgrade-run.json')), 'the refused Undo withdrew the claim it made');
  });

  test('an Undo whose plan was changed since it started is refused (69023) and goes on once the plan is put back', async () => {
    const { lab, backups, before } = await newLab('changed-plan', 'SingleServer');
    await upgrade(lab, backups);
    // Started and killed after its first step: its own journal and plan are in the run folder.
    const r = await ps.run(`$env:MFA_TEST_CRASH_AT = 'after:MFA01:undo-uninstall:WebServiceSdk'; try { ${UNDO} } finally { Remove-Item Env:MFA_TEST_CRASH_AT }`,
      { lab, backups });
    assert.equal(r.ok, false);
    const planFile = path.join(backups, 'MfaServerUpgrade-MFA01', 'undo-plan.json');
    const original = readFileSync(planFile);
    writeFileSync(planFile, original.toString('utf8').replace('"Uninstall"', '"Reinstall"'));
    const state = labEndState(lab);
    const refused = await undo(lab, backups);
    assert.equal(refused.result.ExitCode, 69023, refused.result.Message);
    assert.match(refused.result.Message, /^UndoRecordsMismatch: /);
    assert.deepEqual(diffStates(state, labEndState(lab)), []);
    writeFileSync(planFile, original);
    const { result } = await undo(lab, backups);
    assertUndone(result, lab, before);
    const undoSteps = readdirSync(path.join(backups, 'MfaServerUpgrade-MFA01')).filter((f) => f.startsWith('undo-journal.set-aside'));
    const journal = JSON.parse(readFileSync(path.join(backups, 'MfaServerUpgrade-MFA01', undoSteps[0]), 'utf8')) as { Stops: { Cause: string }[] };
    assert.deepEqual(journal.Stops.map((s) => s.Cause), ['CoreKilled'], 'the kill is on record in the Undo\'s journal');
  });
});
