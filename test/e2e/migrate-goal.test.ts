// Issue #27 item 1: -Goal Migrate on Get-MfaUpgradePlan and Invoke-MfaServerUpgrade, through real pwsh and the built
// module. A Migrate run ends with MFA Server only and the old portal folder holding a redirect web.config that our own
// parser reads back; -WhatIf and the plan show the difference from Upgrade; a -Resume with another goal is refused.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { modulePath, openModuleSession, pwshExecutable } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';
import { readRedirect } from '../../core/webconfig/index';
import { addWebApplication } from '../../core/host/iis';
import { LAB_INSTALLER_PATH, LAB_SDK_PASSWORD, addFault, allText, clearFaults, diffStates, labEndState, makeTempRoot, runOk, type UpgradeResult } from './helpers';

const execFileAsync = promisify(execFile);
const REDIRECT_TARGET = 'https://aka.ms/mfasetup';
const OLD_PORTAL_CONFIG = 'C/inetpub/wwwroot/PhoneFactor/web.config';

interface PlanRow {
  Id: string;
  Action: string;
  Component: string | null;
  Kind: string;
  Description: string;
  Reason: string;
  Basis: string;
}

const root = makeTempRoot('migrate');
after(() => rmSync(root, { recursive: true, force: true }));

async function newLab(ps: PowerShellSession, lab: string, scenario = 'SingleServer'): Promise<void> {
  await runOk(ps, `New-MfaLab -Path $V.lab -Scenario $V.scenario -Force | Out-Null`, { lab, scenario });
}

async function plan(ps: PowerShellSession, lab: string, extra = ''): Promise<PlanRow[]> {
  const r = await runOk(ps, `Get-MfaUpgradePlan -LabPath $V.lab -InstallerPath $V.installer ${extra}`, { lab, installer: LAB_INSTALLER_PATH });
  return r.output as PlanRow[];
}

const ids = (rows: PlanRow[]) => rows.map((r) => r.Id);

async function invoke(ps: PowerShellSession, values: Record<string, unknown>) {
  const script = `$p = @{ LabPath = $V.lab; InstallerPath = $V.installer; BackupDestination = $V.backups; Confirm = $false }
if ($V.goal) { $p.Goal = $V.goal }
if ($V.resume) { $p.Resume = $true }
Invoke-MfaServerUpgrade @p`;
  const outcome = await ps.run(script, { installer: LAB_INSTALLER_PATH, ...values });
  assert.ok(outcome.ok, outcome.terminatingError?.message);
  return { outcome, result: outcome.output[0] as UpgradeResult & { ReportPath: string | null } };
}

describe('-Goal Migrate', () => {
  let ps: PowerShellSession;
  before(async () => {
    assert.ok(existsSync(path.join(modulePath, 'lib', 'mfa-core.cjs')), 'build the module first: npm run build');
    ps = await openModuleSession(root);
  });
  after(() => ps.close());

  test('the plan drops the web components nothing needs, redirects the old portal address and lists the migration\'s steps', async () => {
    const lab = path.join(root, 'plan', 'lab');
    await newLab(ps, lab);
    const upgrade = await plan(ps, lab);
    const migrate = await plan(ps, lab, '-Goal Migrate');
    assert.deepEqual(ids(await plan(ps, lab, '-Goal Upgrade')), ids(upgrade), '-Goal Upgrade is the default');
    // Same backup, uninstalls and server install in both.
    for (const id of ['MFA01:backup', 'MFA01:uninstall:UserPortal', 'MFA01:uninstall:Agent', 'MFA01:install-server', 'MFA01:confirm-activation', 'MFA01:verify']) {
      assert.ok(ids(upgrade).includes(id) && ids(migrate).includes(id), id);
    }
    const reinstalls = (rows: PlanRow[]) => rows.filter((r) => ['InstallComponent', 'MergeWebConfig', 'RestoreThemes'].includes(r.Action)).map((r) => r.Id);
    assert.ok(reinstalls(upgrade).length >= 3, 'Upgrade brings the web components back');
    assert.deepEqual(reinstalls(migrate), [], 'Migrate brings none back: nothing calls the SDK on this lab');
    const redirect = migrate.filter((r) => r.Action === 'WriteRedirect');
    assert.deepEqual(ids(redirect), ['MFA01:write-redirect:UserPortal']);
    assert.match(redirect[0].Description, /https:\/\/mfa01\.contoso\.com\/PhoneFactor to https:\/\/aka\.ms\/mfasetup/);
    assert.match(redirect[0].Basis, /MFA Server migration, https:\/\/learn\.microsoft\.com/);
    assert.ok(!upgrade.some((r) => r.Action === 'WriteRedirect'));
    const followUps = (rows: PlanRow[]) => rows.filter((r) => r.Kind === 'FollowUp').map((r) => r.Id);
    assert.ok(followUps(upgrade).includes('MFA01:followup:migrate-to-cloud-mfa'));
    assert.deepEqual(followUps(migrate), ['readiness', 'configureUtility', 'enableMethods', 'migrateUsers', 'stagedRollout', 'reviewUsage', 'cutOver',
      'decommission'].map((k) => `MFA01:migration:${k}`));
  });

  test('-KeepWebComponent UserPortal keeps the portal (and the SDK it calls) and writes no redirect; refused with -Goal Upgrade', async () => {
    const lab = path.join(root, 'keep', 'lab');
    await newLab(ps, lab);
    const kept = await plan(ps, lab, '-Goal Migrate -KeepWebComponent UserPortal');
    assert.ok(ids(kept).includes('MFA01:install:UserPortal'));
    assert.ok(ids(kept).includes('MFA01:install:WebServiceSdk'), 'the kept portal calls the SDK');
    assert.ok(!ids(kept).includes('MFA01:install:MobileAppWebService'));
    assert.ok(!kept.some((r) => r.Action === 'WriteRedirect'));
    assert.match(kept.find((r) => r.Id === 'MFA01:install:UserPortal')!.Reason, /^Kept for the migration: -KeepWebComponent UserPortal\./);
    const refused = await ps.run(`Get-MfaUpgradePlan -LabPath $V.lab -InstallerPath $V.installer -KeepWebComponent UserPortal`, { lab,
      installer: LAB_INSTALLER_PATH });
    assert.match(refused.errors[0]?.fullyQualifiedErrorId ?? '', /^InvalidParameter,/);
    assert.match(refused.errors[0].message, /-KeepWebComponent belongs to -Goal Migrate/);
  });

  test('an SDK caller other than our own portal keeps the SDK (SdkConsumers lab: an IIS application, the AD FS adapter, MIM)', async () => {
    const lab = path.join(root, 'consumers', 'lab');
    await newLab(ps, lab, 'SdkConsumers');
    const rows = await plan(ps, lab, '-Goal Migrate');
    const sdk = rows.find((r) => r.Id === 'MFA01:install:WebServiceSdk');
    assert.ok(sdk, ids(rows).join(', '));
    assert.match(sdk.Reason, /Kept for the migration: the Web Service SDK still has \d+ caller\(s\) other than our own portal/);
    assert.match(sdk.Reason, /AdfsAdapter|MimSettings|WebConfig/);
    assert.ok(!ids(rows).includes('MFA01:install:UserPortal'));
  });

  test('a Migrate run ends with MFA Server only and the old portal folder redirecting; the report says Migrate', async () => {
    const lab = path.join(root, 'run', 'lab');
    const backups = path.join(root, 'run', 'backups');
    await newLab(ps, lab);
    const { outcome, result } = await invoke(ps, { lab, backups, goal: 'Migrate' });
    assert.equal(result.Status, 'Completed', `${result.Message} / ${result.NextAction}`);
    assert.equal(result.ExitCode, 0);
    assert.ok(result.Steps.some((s) => s.Id === 'MFA01:write-redirect:UserPortal' && s.Status === 'Completed'));
    assert.ok(!allText(outcome).includes(LAB_SDK_PASSWORD));

    const components = await runOk(ps, `Get-PhoneFactorComponent -LabPath $V.lab`, { lab });
    assert.deepEqual((components.output as { Component: string }[]).map((c) => c.Component), ['MfaServer'], 'MFA Server only');

    const file = path.join(lab, ...OLD_PORTAL_CONFIG.split('/'));
    const redirect = readRedirect(readFileSync(file), file);
    assert.deepEqual(redirect, { enabled: true, destination: REDIRECT_TARGET, exactDestination: true, httpResponseStatus: 'Found' });

    const verified = await runOk(ps, `Test-MfaServerUpgrade -LabPath $V.lab`, { lab });
    assert.equal((verified.output[0] as { IsUpgraded: boolean }).IsUpgraded, true);
    const journal = JSON.parse(readFileSync(result.JournalPath, 'utf8')) as { Meta: Record<string, string> };
    assert.equal(journal.Meta.Goal, 'Migrate');
    const report = readFileSync(result.ReportPath!, 'utf8');
    assert.match(report, /<dt>Goal<\/dt><dd><strong>Migrate<\/strong>/);
    // The "Leaving MFA Server" section: usage summary, migration readiness (no network probe), who needs another method, steps left.
    const leaving = report.slice(report.indexOf('<h2 id="leaving">'), report.indexOf('</section>', report.indexOf('<h2 id="leaving">')));
    assert.match(leaving, /Leaving MFA Server/);
    assert.match(leaving, /Service logs: <strong>\d+<\/strong> user\(s\), <strong>\d+<\/strong> second-factor result\(s\)/);
    for (const check of ['MfaServerBuild', 'MigrationUtility', 'ReplicationRole', 'DotNetTls12', 'MethodsThatDoNotMigrate']) assert.ok(leaving.includes(check), check);
    assert.ok(!/>SignInEndpoint</.test(leaving.replace(/Not checked here: SignInEndpoint/, '')), 'no endpoint probe in the report');
    assert.match(leaving, /use what the Migration Utility cannot move/);
    assert.match(leaving, /<h3>Steps left<\/h3>\s*<ol class="followups"><li><strong>Check the server and the tenant for the Migration Utility/);
    assert.ok(!report.includes(LAB_SDK_PASSWORD));

    // Run again: the completed run is recognised (its expectations come from its plan: no web component, the redirect).
    const again = await invoke(ps, { lab, backups, goal: 'Migrate', resume: true });
    assert.equal(again.result.Status, 'Completed');
    assert.match(again.result.Message, /already completed/);
  });

  test('a -Resume with another goal is refused (ResumeParametersDiffer); without -Goal it continues the recorded one', async () => {
    const lab = path.join(root, 'resume', 'lab');
    const backups = path.join(root, 'resume', 'backups');
    await newLab(ps, lab);
    addFault(lab, 'msiexec', { exitCode: 1618 });
    assert.equal((await invoke(ps, { lab, backups, goal: 'Migrate' })).result.ExitCode, 1618);
    clearFaults(lab);
    const state = labEndState(lab);
    const refused = await invoke(ps, { lab, backups, goal: 'Upgrade', resume: true });
    assert.equal(refused.result.ExitCode, 69003);
    assert.match(refused.outcome.errors[0].fullyQualifiedErrorId, /^ResumeParametersDiffer,/);
    assert.match(refused.outcome.errors[0].message, /-Goal Migrate was recorded, Upgrade was given/);
    assert.deepEqual(diffStates(state, labEndState(lab)), [], 'the refused run changed nothing');
    const resumed = await invoke(ps, { lab, backups, resume: true });
    assert.equal(resumed.result.Status, 'Completed', resumed.result.Message);
    assert.ok(existsSync(path.join(lab, ...OLD_PORTAL_CONFIG.split('/'))), 'the recorded goal (Migrate) ran');
  });

  test('a portal folder IIS no longer serves the old address from: the run pauses with the command, a foreign web.config is kept, -Resume completes', async () => {
    const lab = path.join(root, 'custom', 'lab');
    const backups = path.join(root, 'custom', 'backups');
    await newLab(ps, lab, 'CustomNames');
    const paused = await invoke(ps, { lab, backups, goal: 'Migrate' });
    assert.equal(paused.result.ExitCode, 69001, paused.result.Message);
    assert.match(paused.result.NextAction ?? '', /appcmd\.exe add app \/site\.name:"Default Web Site" \/path:\/MFAPortal \/physicalPath:"D:\\WebApps\\MFAPortal"/);
    const file = path.join(lab, 'D', 'WebApps', 'MFAPortal', 'web.config');
    assert.equal(readRedirect(readFileSync(file), file)?.destination, REDIRECT_TARGET, 'the redirect is written before the pause');

    // Someone else's web.config appears there; and the admin makes IIS serve /MFAPortal from the folder.
    const foreign = '<?xml version="1.0"?>\r\n<configuration><appSettings><add key="mine" value="1" /></appSettings></configuration>\r\n';
    writeFileSync(file, foreign);
    const appHost = path.join(lab, 'C', 'Windows', 'System32', 'inetsrv', 'config', 'applicationHost.config');
    writeFileSync(appHost, addWebApplication(readFileSync(appHost, 'utf8'), { siteName: 'Default Web Site', applicationPath: '/MFAPortal',
      physicalPath: 'D:\\WebApps\\MFAPortal' }));
    const resumed = await invoke(ps, { lab, backups, resume: true });
    assert.equal(resumed.result.Status, 'Completed', `${resumed.result.Message} / ${resumed.result.NextAction}`);
    assert.equal(readRedirect(readFileSync(file), file)?.destination, REDIRECT_TARGET);
    assert.equal(readFileSync(`${file}.before-redirect`, 'utf8'), foreign, 'the web.config found there is kept beside, byte for byte');
  });

  test('-WhatIf shows the difference: Migrate prints the redirect and no reinstall', async () => {
    const lab = path.join(root, 'whatif', 'lab');
    const backups = path.join(root, 'whatif', 'backups');
    await newLab(ps, lab);
    const whatIf = async (goal: string) => {
      const script = `Import-Module $env:E2E_MODULE -Force; Invoke-MfaServerUpgrade -LabPath $env:E2E_LAB -InstallerPath 'C:\\Media\\MfaServer' ` +
        `-BackupDestination $env:E2E_BACKUPS -Goal ${goal} -WhatIf -WarningAction SilentlyContinue`;
      const { stdout } = await execFileAsync(pwshExecutable(), ['-NoProfile', '-NonInteractive', '-Command', script], {
        env: { ...process.env, E2E_MODULE: modulePath, E2E_LAB: lab, E2E_BACKUPS: backups },
        maxBuffer: 16 * 1024 * 1024,
      });
      // eslint-disable-next-line no-control-regex -- strips the ANSI colour escapes (ESC [ ... letter) pwsh writes
      return stdout.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\s+/g, ' ');
    };
    const upgrade = await whatIf('Upgrade');
    const migrate = await whatIf('Migrate');
    assert.match(upgrade, /Install MultiFactorAuthenticationUserPortalSetup64\.msi/);
    assert.doesNotMatch(upgrade, /aka\.ms\/mfasetup/);
    assert.match(migrate, /Send https:\/\/mfa01\.contoso\.com\/PhoneFactor to https:\/\/aka\.ms\/mfasetup/);
    assert.doesNotMatch(migrate, /Install MultiFactorAuthentication\w*Setup64\.msi/);
    assert.ok(!existsSync(backups));
  });
});
