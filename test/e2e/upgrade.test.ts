// Issue #6 end to end: Invoke-MfaServerUpgrade on every lab scenario, through real pwsh and the built module
// (run `npm run build` first). Labs are plain folders, so the end state is judged by reading and hashing files.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { openModuleSession, faultModulePath as modulePath, pwshExecutable } from '../helpers/pwsh';
// The test build of the module: these tests kill or hang the core at step boundaries (MFA_TEST_CRASH_AT/HANG_AT).
import type { PowerShellSession, ScriptOutcome } from '../../core/host/remote/powershell-session';
import {
  LAB_INSTALLER_PATH,
  LAB_SDK_PASSWORD,
  addFault,
  allText,
  backupContent,
  clearFaults,
  dataFileUserLines,
  diffStates,
  hashTree,
  labEndState,
  makeTempRoot,
  runOk,
  type UpgradeResult,
} from './helpers';

const execFileAsync = promisify(execFile);

// Paths inside a lab server folder (core/host/lab/README.md).
const DATA_FILE = 'C/Program Files/PhoneFactor/Data/Phonefactor.pfdata';
const APPHOST = 'C/Windows/System32/inetsrv/config/applicationHost.config';
const WWWROOT = 'C/inetpub/wwwroot';
const OLD_SDK_URL = 'https://mfa01.contoso.com/PhoneFactorWebServiceSdk/PfWsSdk.asmx';
const NEW_SDK_URL = 'https://mfa01.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx';

const SCENARIOS = [
  { name: 'SingleServer', servers: ['MFA01'], dataFile: DATA_FILE },
  { name: 'SeparateWebServer', servers: ['MFA01', 'WEB01'], dataFile: DATA_FILE },
  { name: 'AgentOnly', servers: ['MFA01'], dataFile: DATA_FILE },
  { name: 'CustomNames', servers: ['PFSRV01'], dataFile: 'D/PhoneFactor/Data/Phonefactor.pfdata' },
] as const;

interface LabObject {
  LabPath: string;
  ComputerName: string;
  InstallerPath: string;
  Scenario: string;
}

async function newLab(session: PowerShellSession, lab: string, scenario: string): Promise<LabObject[]> {
  const r = await runOk(session, `New-MfaLab -Path $V.lab -Scenario $V.scenario -Force`, { lab, scenario });
  return r.output as LabObject[];
}

interface UpgradeOptions {
  lab: string;
  backups: string;
  naming?: 'New' | 'Legacy';
  resume?: boolean;
  crashAt?: string;
}

// The crash point is an environment variable of the pwsh session, inherited by the core process; it is removed
// whatever happens so the next call in the same session runs normally.
const UPGRADE_SCRIPT = String.raw`
$p = @{ LabPath = $V.lab; InstallerPath = $V.installer; BackupDestination = $V.backups; Confirm = $false; Verbose = $true }
if ($V.naming) { $p.VirtualDirectoryNaming = $V.naming }
if ($V.resume) { $p.Resume = $true }
if ($V.crashAt) { $env:MFA_TEST_CRASH_AT = $V.crashAt }
try { Invoke-MfaServerUpgrade @p }
finally { Remove-Item Env:MFA_TEST_CRASH_AT -ErrorAction SilentlyContinue }`;

async function upgrade(session: PowerShellSession, o: UpgradeOptions): Promise<{ outcome: ScriptOutcome; result: UpgradeResult }> {
  const outcome = await session.run(UPGRADE_SCRIPT, { installer: LAB_INSTALLER_PATH, ...o });
  assert.ok(outcome.ok, `Invoke-MfaServerUpgrade ended with a terminating error: ${outcome.terminatingError?.message}`);
  assert.equal(outcome.output.length, 1, 'one result object');
  return { outcome, result: outcome.output[0] as UpgradeResult };
}

function assertCompleted(result: UpgradeResult): void {
  assert.equal(result.Status, 'Completed', `${result.Message} / ${result.NextAction}`);
  assert.equal(result.ExitCode, 0);
  assert.equal(result.NextAction, null);
  assert.ok(result.Steps.length > 0);
  for (const s of result.Steps) assert.equal(s.Status, 'Completed', `${s.Id}: ${s.Outcome}`);
}

interface Verification {
  ComputerName: string;
  IsUpgraded: boolean;
  Checks: { Name: string; Passed: boolean; Detail: string }[];
}

async function verifyLab(session: PowerShellSession, lab: string, servers: readonly string[]): Promise<ScriptOutcome[]> {
  const full = await runOk(session, `Test-MfaServerUpgrade -LabPath $V.lab`, { lab });
  const rows = full.output as Verification[];
  assert.deepEqual(rows.map((r) => r.ComputerName).sort(), [...servers].sort());
  for (const r of rows) assert.equal(r.IsUpgraded, true, `${r.ComputerName}: ${JSON.stringify(r.Checks.filter((c) => !c.Passed))}`);
  const detection = await runOk(session, `Test-MfaServerUpgrade -LabPath $V.lab -Detection`, { lab });
  assert.equal(detection.output.length, 1, 'detection writes exactly one output object');
  assert.equal(typeof detection.output[0], 'string');
  assert.doesNotMatch(detection.output[0] as string, /[\r\n]/, 'detection writes one line');
  assert.ok((detection.output[0] as string).length > 0);
  assert.deepEqual(detection.errors, []);
  return [full, detection];
}

const read = (root: string, rel: string) => readFileSync(path.join(root, ...rel.split('/')));
const readText = (root: string, rel: string) => read(root, rel).toString('utf8');

function appSetting(webConfig: string, key: string): string | undefined {
  return new RegExp(`<add key="${key}" value="([^"]*)"`).exec(webConfig)?.[1];
}
function sdkUrls(webConfig: string): string[] {
  return [...webConfig.matchAll(/<value>(https?:[^<]*PfWsSdk\.asmx)<\/value>/g)].map((m) => m[1]);
}
function applicationPaths(appHost: string): string[] {
  return [...appHost.matchAll(/<application path="([^"]+)"/g)].map((m) => m[1]).sort();
}

/** Every text a run left behind that an admin or a log collector reads: journal, plan, installer logs. */
function writtenLogsAndRecords(lab: string, backups: string): string {
  const texts: string[] = [];
  for (const root of [lab, backups]) {
    for (const rel of Object.keys(hashTree(root))) {
      if (/\.log$|journal\.json$|plan\.json$/i.test(rel)) texts.push(readText(root, rel));
    }
  }
  return texts.join('\n');
}

/** One uninterrupted SingleServer upgrade, the yardstick of the resume and failure tests (made once). */
let reference: Promise<{ lab: string; backups: string; result: UpgradeResult; endState: Record<string, string>; backup: Record<string, string> }> | undefined;
function referenceRun(session: PowerShellSession, root: string) {
  reference ??= (async () => {
    const lab = path.join(root, 'reference', 'lab');
    const backups = path.join(root, 'reference', 'backups');
    await newLab(session, lab, 'SingleServer');
    const { result } = await upgrade(session, { lab, backups });
    assertCompleted(result);
    return { lab, backups, result, endState: labEndState(lab), backup: backupContent(result.BackupPath[0]) };
  })();
  return reference;
}

const root = makeTempRoot('upgrade');
after(() => rmSync(root, { recursive: true, force: true }));

describe('every lab scenario upgrades with the default naming', () => {
  let ps: PowerShellSession;
  before(async () => {
    assert.ok(existsSync(path.join(modulePath, 'lib', 'mfa-core.cjs')), 'build the module first: npm run build');
    ps = await openModuleSession(root, process.env, modulePath);
  });
  after(() => ps.close());

  for (const scenario of SCENARIOS) {
    test(`${scenario.name}: Completed, exit 0, every server verified, detection prints one line`, async () => {
      const lab = path.join(root, 'scenario', scenario.name, 'lab');
      const backups = path.join(root, 'scenario', scenario.name, 'backups');
      const labs = await newLab(ps, lab, scenario.name);
      assert.deepEqual(labs.map((l) => l.ComputerName), [...scenario.servers]);
      const dataServer = labs[0].LabPath;
      const dataBefore = read(dataServer, scenario.dataFile);

      const { outcome, result } = await upgrade(ps, { lab, backups });
      assertCompleted(result);
      assert.equal(result.BackupPath.length, scenario.servers.length, 'one verified backup per server');
      for (const b of result.BackupPath) assert.ok(existsSync(path.join(b, 'manifest.json')), b);
      const checks = await verifyLab(ps, lab, scenario.servers);

      // The data file survives with every user (the lab setup only bumps its schema line).
      const dataAfter = read(dataServer, scenario.dataFile);
      assert.deepEqual(dataFileUserLines(dataAfter), dataFileUserLines(dataBefore));
      assert.equal(dataAfter.toString('utf8'), dataBefore.toString('utf8').replace('PFDATA schema=5', 'PFDATA schema=8'));
      for (const o of [outcome, ...checks]) assert.ok(!allText(o).includes(LAB_SDK_PASSWORD), 'the SDK password never reaches the output');

      if (scenario.name === 'SeparateWebServer') {
        // WEB01's portal and mobile app call the SDK on MFA01, whose vdir was renamed: their URLs follow it.
        const web = labs[1].LabPath;
        for (const vdir of ['MultiFactorAuth', 'MultiFactorAuthMobileAppWebService']) {
          const config = readText(web, `${WWWROOT}/${vdir}/web.config`);
          assert.deepEqual(sdkUrls(config), [NEW_SDK_URL], vdir);
          assert.equal(appSetting(config, 'USE_WEB_SERVICE_SDK'), 'true');
        }
      }
    });
  }

  test('SeparateWebServer through the pipeline (the help example): both servers of New-MfaLab upgrade in one run', async () => {
    const lab = path.join(root, 'pipeline', 'lab');
    const backups = path.join(root, 'pipeline', 'backups');
    const r = await runOk(ps, `New-MfaLab -Path $V.lab -Scenario SeparateWebServer -Force | Invoke-MfaServerUpgrade -BackupDestination $V.backups -Confirm:$false`, { lab, backups });
    assert.equal(r.output.length, 1, 'one run for both piped servers');
    const result = r.output[0] as UpgradeResult;
    assertCompleted(result);
    assert.deepEqual([...new Set(result.Steps.map((s) => s.ComputerName))].sort(), ['MFA01', 'WEB01']);
    assert.ok(existsSync(path.join(backups, 'MfaServerUpgrade-MFA01+WEB01', 'journal.json')));
    await verifyLab(ps, lab, ['MFA01', 'WEB01']);
    // The installers copied to the web server went into a staging folder closed to other accounts before the copy.
    const staging = path.join(lab, 'WEB01', 'C', 'Windows', 'Temp', 'MfaServerUpgrade');
    assert.ok(readdirSync(staging).some((n) => /\.msi$/i.test(n)), 'the MSIs were staged there');
    assert.equal(statSync(staging).mode & 0o077, 0, 'the staging folder is the owner\'s alone');
  });

  test('SingleServer end state: settings, password, SDK URL, theme and users carried over; no secret in any output or log', async () => {
    const lab = path.join(root, 'single', 'lab');
    const backups = path.join(root, 'single', 'backups');
    await newLab(ps, lab, 'SingleServer');
    const oldPortal = readText(lab, `${WWWROOT}/PhoneFactor/web.config`);
    const oldTheme = hashTree(path.join(lab, WWWROOT, 'PhoneFactor', 'App_Themes', 'Contoso'));
    const dataBefore = read(lab, DATA_FILE);
    assert.equal(appSetting(oldPortal, 'WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD'), LAB_SDK_PASSWORD, 'the lab carries the documented password');
    assert.ok(Object.keys(oldTheme).length >= 3);

    const plan = await runOk(ps, `Get-MfaUpgradePlan -LabPath $V.lab -InstallerPath $V.installer`, { lab, installer: LAB_INSTALLER_PATH });
    const { outcome, result } = await upgrade(ps, { lab, backups });
    assertCompleted(result);

    const portal = readText(lab, `${WWWROOT}/MultiFactorAuth/web.config`);
    assert.equal(appSetting(portal, 'WEB_SERVICE_SDK_AUTHENTICATION_USERNAME'), appSetting(oldPortal, 'WEB_SERVICE_SDK_AUTHENTICATION_USERNAME'));
    assert.equal(appSetting(portal, 'WEB_SERVICE_SDK_AUTHENTICATION_USERNAME'), 'CONTOSO\\svc-pfsdk');
    assert.equal(appSetting(portal, 'WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD'), LAB_SDK_PASSWORD);
    assert.deepEqual(sdkUrls(oldPortal), [OLD_SDK_URL]);
    assert.deepEqual(sdkUrls(portal), [NEW_SDK_URL]);
    const mobile = readText(lab, `${WWWROOT}/MultiFactorAuthMobileAppWebService/web.config`);
    assert.equal(appSetting(mobile, 'WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD'), LAB_SDK_PASSWORD);
    assert.deepEqual(sdkUrls(mobile), [NEW_SDK_URL]);

    assert.deepEqual(hashTree(path.join(lab, WWWROOT, 'MultiFactorAuth', 'App_Themes', 'Contoso')), oldTheme, 'custom theme back, byte for byte');
    assert.ok(existsSync(path.join(lab, WWWROOT, 'MultiFactorAuth', 'App_Themes', 'Default')), 'the new default theme stays');
    assert.deepEqual(dataFileUserLines(read(lab, DATA_FILE)), dataFileUserLines(dataBefore));
    assert.equal(dataFileUserLines(dataBefore).length, 4);

    for (const o of [plan, outcome]) assert.ok(!allText(o).includes(LAB_SDK_PASSWORD), 'no secret in cmdlet output, verbose or warnings');
    assert.ok(outcome.verbose.length > 0 && outcome.warnings.length > 0, 'the scan covered real verbose and warning text');
    assert.ok(!writtenLogsAndRecords(lab, backups).includes(LAB_SDK_PASSWORD), 'no secret in installer logs, journal or plan');
  });
});

describe('virtual directory naming', () => {
  let ps: PowerShellSession;
  before(async () => {
    ps = await openModuleSession(root, process.env, modulePath);
  });
  after(() => ps.close());

  test('Legacy keeps /PhoneFactor, /PhoneFactorPhoneAppWebService, /PhoneFactorWebServiceSdk and the SDK URL', async () => {
    const lab = path.join(root, 'legacy', 'lab');
    await newLab(ps, lab, 'SingleServer');
    const appsBefore = applicationPaths(readText(lab, APPHOST));
    const { result } = await upgrade(ps, { lab, backups: path.join(root, 'legacy', 'backups'), naming: 'Legacy' });
    assertCompleted(result);
    const appHost = readText(lab, APPHOST);
    assert.deepEqual(applicationPaths(appHost), appsBefore);
    assert.deepEqual(applicationPaths(appHost), ['/', '/PhoneFactor', '/PhoneFactorPhoneAppWebService', '/PhoneFactorWebServiceSdk']);
    assert.match(appHost, /<application path="\/PhoneFactor"[^>]*>\s*<virtualDirectory path="\/" physicalPath="C:\\inetpub\\wwwroot\\PhoneFactor" \/>/);
    assert.ok(!existsSync(path.join(lab, WWWROOT, 'MultiFactorAuth')));
    for (const vdir of ['PhoneFactor', 'PhoneFactorPhoneAppWebService']) {
      const config = readText(lab, `${WWWROOT}/${vdir}/web.config`);
      assert.deepEqual(sdkUrls(config), [OLD_SDK_URL], vdir);
      assert.equal(appSetting(config, 'WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD'), LAB_SDK_PASSWORD, vdir);
    }
    assert.ok(existsSync(path.join(lab, WWWROOT, 'PhoneFactor', 'Login.aspx')), 'the new portal files are in the old folder');
    // The products now registered there are the MFA Server ones.
    const server = JSON.parse(readText(lab, 'server.json')) as { installerDatabase: Record<string, { component: string; version: string; virtualDirectory?: string }> };
    const web = Object.values(server.installerDatabase).filter((p) => p.virtualDirectory).map((p) => `${p.component}@${p.virtualDirectory}@${p.version}`).sort();
    assert.deepEqual(web, ['MobileAppWebService@PhoneFactorPhoneAppWebService@8.1.1.1', 'UserPortal@PhoneFactor@8.1.1.1', 'WebServiceSdk@PhoneFactorWebServiceSdk@8.1.1.1']);
    await verifyLab(ps, lab, ['MFA01']);
  });

  test('New moves every application to the MFA Server names and points the URLs at the new SDK', async () => {
    const lab = path.join(root, 'new', 'lab');
    await newLab(ps, lab, 'SingleServer');
    const { result } = await upgrade(ps, { lab, backups: path.join(root, 'new', 'backups'), naming: 'New' });
    assertCompleted(result);
    assert.deepEqual(applicationPaths(readText(lab, APPHOST)), ['/', '/MultiFactorAuth', '/MultiFactorAuthMobileAppWebService', '/MultiFactorAuthWebServiceSdk']);
    for (const vdir of ['MultiFactorAuth', 'MultiFactorAuthMobileAppWebService']) {
      assert.deepEqual(sdkUrls(readText(lab, `${WWWROOT}/${vdir}/web.config`)), [NEW_SDK_URL], vdir);
    }
    assert.ok(!existsSync(path.join(lab, WWWROOT, 'PhoneFactor', 'web.config')), 'the old portal is gone');
    assert.ok(existsSync(path.join(lab, WWWROOT, 'PhoneFactor', 'App_Themes', 'Contoso')), 'the uninstall leaves custom themes behind');
    assert.ok(result.FollowUps.some((f) => f.includes('https://mfa01.contoso.com/MultiFactorAuth')), 'a follow-up gives the new portal URL');
    await verifyLab(ps, lab, ['MFA01']);
  });
});

describe('a completed upgrade run again does nothing', () => {
  let ps: PowerShellSession;
  before(async () => {
    ps = await openModuleSession(root, process.env, modulePath);
  });
  after(() => ps.close());

  test('with and without -Resume: Completed, and the lab and backup folders are byte-identical', async () => {
    const lab = path.join(root, 'rerun', 'lab');
    const backups = path.join(root, 'rerun', 'backups');
    await newLab(ps, lab, 'SingleServer');
    const first = await upgrade(ps, { lab, backups });
    assertCompleted(first.result);
    for (const resume of [false, true]) {
      const labBefore = hashTree(lab);
      // Logs, and the lab's record of what it wrote (lab-files.ts), may only grow.
      const logsBefore = Object.fromEntries(Object.keys(labBefore).filter((rel) => /\.log$|(^|\/)\.mfalab-files$/.test(rel)).map((rel) => [rel, read(lab, rel)]));
      const backupsBefore = hashTree(backups);
      const again = await upgrade(ps, { lab, backups, resume });
      assertCompleted(again.result);
      assert.match(again.result.Message, /already completed/i);
      assert.deepEqual(again.result.BackupPath, first.result.BackupPath);
      // Only the engine's own log (it records the run) and the lab's ledger may grow; no other byte of the lab changes.
      const changed = diffStates(labBefore, hashTree(lab)).map((d) => d.split(': ')[0]);
      for (const rel of changed) {
        assert.ok(rel in logsBefore, `${rel} changed (resume=${resume})`);
        assert.ok(read(lab, rel).subarray(0, logsBefore[rel].length).equals(logsBefore[rel]), `${rel} was only appended to`);
      }
      assert.deepEqual(diffStates(backupsBefore, hashTree(backups)), [], `backups and journal unchanged (resume=${resume})`);
    }
  });
});

type Journal = {
  Status: string;
  Steps: { Id: string; Status: string; Attempts: number }[];
  Stops: { Cause: string; RecordedBy: string; Step: string | null }[];
};
const readJournal = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Journal;

describe('killed at every step boundary and inside every step, -Resume ends where an uninterrupted run ends', async () => {
  let ps: PowerShellSession;
  before(async () => {
    ps = await openModuleSession(root, process.env, modulePath);
  });
  after(() => ps.close());

  // The step ids of the SingleServer plan, from the plan cmdlet (a fresh lab is only read).
  const planSession = await openModuleSession(root, process.env, modulePath);
  const planLab = path.join(root, 'plan-ids', 'lab');
  await newLab(planSession, planLab, 'SingleServer');
  const plan = await runOk(planSession, `Get-MfaUpgradePlan -LabPath $V.lab -InstallerPath $V.installer`, { lab: planLab, installer: LAB_INSTALLER_PATH });
  await planSession.close();
  const stepIds = (plan.output as { Id: string; Kind: string }[]).filter((s) => s.Kind !== 'FollowUp').map((s) => s.Id);

  test('the plan has the steps the crash points are taken from', () => {
    assert.ok(stepIds.length >= 10, stepIds.join(', '));
    assert.equal(stepIds[0], 'MFA01:backup');
    assert.equal(stepIds.at(-1), 'MFA01:verify');
  });

  for (const id of stepIds) {
    for (const where of ['inside', 'after'] as const) {
      const point = `${where}:${id}`;
      test(point, async () => {
        const ref = await referenceRun(ps, root);
        assert.deepEqual(ref.result.Steps.map((s) => s.Id), stepIds, 'the run executes the planned steps');
        const dir = path.join(root, 'crash', point.replace(/[^A-Za-z0-9]+/g, '-'));
        const lab = path.join(dir, 'lab');
        const backups = path.join(dir, 'backups');
        await newLab(ps, lab, 'SingleServer');

        const crashed = await ps.run(UPGRADE_SCRIPT, { installer: LAB_INSTALLER_PATH, lab, backups, crashAt: point });
        assert.equal(crashed.ok, false, 'a killed core is a terminating error');
        assert.match(crashed.terminatingError?.fullyQualifiedErrorId ?? '', /^CoreKilled\b/, 'the error names the cause');
        assert.deepEqual(crashed.output, []);
        const journalPath = path.join(backups, 'MfaServerUpgrade-MFA01', 'journal.json');
        const journal = readJournal(journalPath);
        const index = journal.Steps.findIndex((s) => s.Id === id);
        const stop = journal.Stops.at(-1);
        if (journal.Status === 'Completed') {
          // Killed after its last step: the journal says the run completed, and a completed journal takes no stop
          // (mfa-core --record-stop, issue 23); the command still ends with CoreKilled, and -Resume verifies.
          assert.equal(point, `after:${stepIds.at(-1)}`);
          assert.deepEqual(journal.Stops, [], 'no stop in a completed journal');
        } else {
          assert.deepEqual([stop?.Cause, stop?.RecordedBy, stop?.Step], ['CoreKilled', 'Module', where === 'inside' ? id : null], 'the module recorded the kill the core could not');
        }
        assert.equal(journal.Steps[index].Status, where === 'inside' ? 'Running' : 'Completed', 'the journal shows where the run died');
        for (const s of journal.Steps.slice(index + 1)) assert.equal(s.Status, 'Pending', `${s.Id} did not run`);

        const { outcome, result } = await upgrade(ps, { lab, backups, resume: true });
        assertCompleted(result);
        const interrupted = outcome.warnings.filter((w) => w.includes('was interrupted'));
        assert.deepEqual(interrupted.map((w) => w.split(' ')[0]), where === 'inside' ? [id] : [], 'only the interrupted step is re-run');
        assert.equal(readJournal(journalPath).Steps[index].Attempts, where === 'inside' ? 2 : 1);

        assert.deepEqual(diffStates(ref.endState, labEndState(lab)), [], 'the lab ends as after an uninterrupted run');
        assert.deepEqual(diffStates(ref.backup, backupContent(result.BackupPath[0])), [], 'the backup the run used holds the same files');
      });
    }
  }
});

describe('installer failures', () => {
  let ps: PowerShellSession;
  before(async () => {
    ps = await openModuleSession(root, process.env, modulePath);
  });
  after(() => ps.close());

  // The match names the new portal's MSI only, so the old portal's uninstall (also "UserPortal") is not hit.
  const PORTAL_INSTALL_FAULT = { match: 'MultiFactorAuthenticationUserPortalSetup', exitCode: 1603, times: 1 };
  const OLD_WEB_CONFIGS = ['PhoneFactor', 'PhoneFactorPhoneAppWebService', 'PhoneFactorWebServiceSdk'].map((v) => `${WWWROOT}/${v}/web.config`);

  async function failPortalInstall(name: string) {
    const lab = path.join(root, name, 'lab');
    const backups = path.join(root, name, 'backups');
    await newLab(ps, lab, 'SingleServer');
    addFault(lab, 'msiexec', PORTAL_INSTALL_FAULT);
    const originals = Object.fromEntries([DATA_FILE, ...OLD_WEB_CONFIGS].map((rel) => [rel, read(lab, rel)]));
    const { outcome, result } = await upgrade(ps, { lab, backups });
    return { lab, backups, originals, outcome, result };
  }

  test('1603 on the portal install: Failed, 69002, NextAction names Restore-PhoneFactor and the backup; -Resume then completes', async () => {
    const { lab, backups, outcome, result } = await failPortalInstall('fail-resume');
    assert.equal(result.Status, 'Failed');
    assert.equal(result.ExitCode, 69002);
    const failed = result.Steps.filter((s) => s.Status === 'Failed').map((s) => s.Id);
    assert.deepEqual(failed, ['MFA01:install:UserPortal']);
    assert.match(result.Message, /1603/);
    assert.equal(result.BackupPath.length, 1);
    assert.ok(result.NextAction?.includes(`Restore-PhoneFactor -Path '${result.BackupPath[0]}'`), result.NextAction ?? '');
    assert.match(result.NextAction ?? '', /-Resume/);
    assert.ok(!allText(outcome).includes(LAB_SDK_PASSWORD));
    const server = JSON.parse(readText(lab, 'server.json')) as { faults?: { msiexec?: unknown[] } };
    assert.deepEqual(server.faults?.msiexec ?? [], [], 'the fault was used up');

    const resumed = await upgrade(ps, { lab, backups, resume: true });
    assertCompleted(resumed.result);
    const ref = await referenceRun(ps, root);
    assert.deepEqual(diffStates(ref.endState, labEndState(lab)), [], 'the resumed lab ends as an uninterrupted run');
  });

  test('after the failure, Restore-PhoneFactor puts back the data file, the old web.configs and the themes byte for byte', async () => {
    const { lab, originals, result } = await failPortalInstall('fail-restore');
    assert.equal(result.ExitCode, 69002);
    assert.notDeepEqual(read(lab, DATA_FILE), originals[DATA_FILE], 'the setup had upgraded the data file');
    assert.ok(!existsSync(path.join(lab, ...OLD_WEB_CONFIGS[0].split('/'))), 'the old portal was uninstalled');

    const check = await runOk(ps, `Test-PhoneFactorBackup -Path $V.backup`, { backup: result.BackupPath[0] });
    assert.equal((check.output[0] as { IsValid: boolean }).IsValid, true);
    // MFA Server is installed and has upgraded the data file: putting the PhoneFactor one back needs -Force.
    const refused = await ps.run(`Restore-PhoneFactor -Path $V.backup -LabPath $V.lab -Confirm:$false`, { backup: result.BackupPath[0], lab });
    assert.equal(refused.errors[0]?.fullyQualifiedErrorId, 'DataFileNewerServer,Restore-PhoneFactor');
    assert.notDeepEqual(read(lab, DATA_FILE), originals[DATA_FILE], 'the refused restore changed nothing');
    const restore = await runOk(ps, `Restore-PhoneFactor -Path $V.backup -LabPath $V.lab -Force -Confirm:$false -Verbose`, { backup: result.BackupPath[0], lab });
    const rows = restore.output as { Kind: string; Status: string; RelativePath: string }[];
    assert.ok(rows.length >= 5);
    for (const r of rows) assert.notEqual(r.Status, 'Failed', r.RelativePath);
    assert.ok(!allText(restore).includes(LAB_SDK_PASSWORD));
    for (const [rel, bytes] of Object.entries(originals)) assert.ok(read(lab, rel).equals(bytes), `${rel} restored byte for byte`);
    assert.ok(existsSync(path.join(lab, WWWROOT, 'PhoneFactor', 'App_Themes', 'Contoso', 'logo.txt')));

    // What a file restore cannot bring back: the uninstalled products and their IIS applications (MFA Server stays).
    const server = JSON.parse(readText(lab, 'server.json')) as { installerDatabase: Record<string, { publisher: string; component: string }> };
    const products = Object.values(server.installerDatabase);
    assert.ok(!products.some((p) => p.publisher === 'PhoneFactor, Inc.'), 'no PhoneFactor product is registered again');
    assert.ok(products.some((p) => p.component === 'MfaServer'));
    assert.ok(!applicationPaths(readText(lab, APPHOST)).includes('/PhoneFactor'), 'the old portal is not an IIS application again');
  });

  test('a plain Restore-PhoneFactor cannot put the old-format data file under MFA Server, so -Resume ends on the upgraded one', async () => {
    const { lab, backups, result } = await failPortalInstall('fail-restore-resume');
    const refused = await ps.run(`Restore-PhoneFactor -Path $V.backup -LabPath $V.lab -Confirm:$false`, { backup: result.BackupPath[0], lab });
    assert.equal(refused.errors[0]?.fullyQualifiedErrorId, 'DataFileNewerServer,Restore-PhoneFactor');
    assert.match(result.NextAction ?? '', /uninstall MFA Server/, 'the failure advice says a rollback must remove MFA Server first');
    const resumed = await upgrade(ps, { lab, backups, resume: true });
    assertCompleted(resumed.result);
    assert.match(readText(lab, DATA_FILE), /^PFDATA schema=8/);
  });

  test('1618 on every msiexec run: Failed with ExitCode 1618 before anything was uninstalled; -Resume after it clears completes', async () => {
    const lab = path.join(root, 'busy', 'lab');
    const backups = path.join(root, 'busy', 'backups');
    await newLab(ps, lab, 'SingleServer');
    addFault(lab, 'msiexec', { exitCode: 1618 });
    const before = labEndState(lab);
    const { result } = await upgrade(ps, { lab, backups });
    assert.equal(result.Status, 'Failed');
    assert.equal(result.ExitCode, 1618, 'ConfigMgr / Intune read 1618 as "retry later"');
    assert.deepEqual(result.Steps.filter((s) => s.Status === 'Failed').map((s) => s.Id), ['MFA01:uninstall:UserPortal']);
    assert.match(result.NextAction ?? '', /-Resume/);
    // The refused uninstall changed nothing on the server (only its log was written).
    assert.deepEqual(diffStates(before, labEndState(lab)), []);

    // A retry that repeats the same command line without -Resume is refused while the journal is open.
    const retry = await ps.run(UPGRADE_SCRIPT, { installer: LAB_INSTALLER_PATH, lab, backups });
    assert.deepEqual(retry.output, []);
    assert.equal([...retry.errors, ...(retry.terminatingError ? [retry.terminatingError] : [])][0]?.fullyQualifiedErrorId.split(',')[0], 'UpgradeInProgress');

    clearFaults(lab);
    const resumed = await upgrade(ps, { lab, backups, resume: true });
    assertCompleted(resumed.result);
  });
});

describe('one run at a time', () => {
  let ps: PowerShellSession;
  before(async () => {
    ps = await openModuleSession(root, process.env, modulePath);
  });
  after(() => ps.close());

  const lockIn = (backups: string, pid: number) => {
    const folder = path.join(backups, 'MfaServerUpgrade-MFA01');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'run.lock'), JSON.stringify({ pid, computerName: os.hostname(), user: 'svc-deploy', startedUtc: new Date().toISOString() }));
    return folder;
  };

  test('a second run while one is going ends at once with 1618 and writes nothing; once it has ended, the run completes', async () => {
    const lab = path.join(root, 'locked', 'lab');
    const backups = path.join(root, 'locked', 'backups');
    await newLab(ps, lab, 'SingleServer');
    const before = labEndState(lab);
    const folder = lockIn(backups, process.pid); // this test process: a live holder
    const { result } = await upgrade(ps, { lab, backups });
    assert.equal(result.Status, 'Failed');
    assert.equal(result.ExitCode, 1618, 'deployments retry 1618 later by themselves');
    assert.match(result.Message, new RegExp(`Another run of this upgrade is in progress \\(process ${process.pid} of svc-deploy`));
    assert.match(result.NextAction ?? '', /-Resume/);
    assert.deepEqual(readdirSync(folder), ['run.lock'], 'no journal, plan, log or report of the second run');
    assert.deepEqual(readdirSync(backups), ['MfaServerUpgrade-MFA01'], 'and no backup');
    assert.deepEqual(diffStates(before, labEndState(lab)), []);

    rmSync(path.join(folder, 'run.lock'));
    const done = await upgrade(ps, { lab, backups });
    assertCompleted(done.result);
    assert.ok(!existsSync(path.join(folder, 'run.lock')), 'the lock is released at the end');
  });

  test('a server whose upgrade another run started is refused to a run of another folder (69003) until that run completes', async () => {
    const lab = path.join(root, 'claimed', 'lab');
    const mine = path.join(root, 'claimed', 'backups-admin1');
    const theirs = path.join(root, 'claimed', 'backups-admin2');
    const claim = path.join(lab, 'C', 'ProgramData', 'MfaServerUpgrade', 'upgrade-run.json');
    await newLab(ps, lab, 'SingleServer');
    // A run that records nothing (its media folder is missing) leaves no claim behind.
    const bad = await ps.run(UPGRADE_SCRIPT, { installer: 'C:\\Media\\Nope', lab, backups: mine });
    // The readiness checks find it first (InstallerMedia): a 69003 result, before anything is written to the server.
    const refused = bad.output[0] as { ExitCode: number; Message: string } | undefined;
    assert.equal(refused?.ExitCode, 69003, JSON.stringify(bad));
    assert.match(refused?.Message ?? '', /media folder C:\\Media\\Nope does not exist/);
    assert.ok(!existsSync(claim), 'no claim after a run that recorded nothing');

    addFault(lab, 'msiexec', { exitCode: 1618 });
    const first = await upgrade(ps, { lab, backups: mine });
    assert.equal(first.result.ExitCode, 1618);
    assert.equal(JSON.parse(readFileSync(claim, 'utf8')).runFolder, path.join(mine, 'MfaServerUpgrade-MFA01'), 'the stopped run still owns the server');

    const before = labEndState(lab);
    const other = await upgrade(ps, { lab, backups: theirs });
    assert.equal(other.result.Status, 'Failed');
    assert.equal(other.result.ExitCode, 69003, 'nothing was changed');
    assert.match(other.result.Message, /MFA01 is being upgraded by another run: run folder .*backups-admin1.MfaServerUpgrade-MFA01 on /);
    assert.match(other.result.Message, /delete C:\\ProgramData\\MfaServerUpgrade\\upgrade-run\.json on MFA01/);
    assert.deepEqual(diffStates(before, labEndState(lab)), []);
    assert.ok(!existsSync(path.join(theirs, 'MfaServerUpgrade-MFA01')), 'no run folder, journal, plan or backup of the refused run');

    clearFaults(lab);
    const resumed = await upgrade(ps, { lab, backups: mine, resume: true });
    assertCompleted(resumed.result);
    assert.ok(!existsSync(claim), 'the claim is removed when the run completes');
  });

  test('a lock left by a run that no longer exists is taken over, with a warning naming it', async () => {
    const lab = path.join(root, 'stale-lock', 'lab');
    const backups = path.join(root, 'stale-lock', 'backups');
    await newLab(ps, lab, 'SingleServer');
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    lockIn(backups, gone);
    const { outcome, result } = await upgrade(ps, { lab, backups });
    assertCompleted(result);
    assert.ok(outcome.warnings.some((w) => w.includes(`A run lock was left by process ${gone} of svc-deploy`)), outcome.warnings.join('\n'));
  });
});

// Stopping the command (Ctrl+C, a time-out, the PowerShell killed) and every other stop cause: stop-causes.test.ts.

describe('-WhatIf', () => {
  let ps: PowerShellSession;
  before(async () => {
    ps = await openModuleSession(root, process.env, modulePath);
  });
  after(() => ps.close());

  test('changes nothing and outputs no result object', async () => {
    const lab = path.join(root, 'whatif', 'lab');
    const backups = path.join(root, 'whatif', 'backups');
    await newLab(ps, lab, 'SingleServer');
    const before = hashTree(lab);
    const r = await runOk(ps, `Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath $V.installer -BackupDestination $V.backups -WhatIf`, { lab, backups, installer: LAB_INSTALLER_PATH });
    assert.deepEqual(r.output, []);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(diffStates(before, hashTree(lab)), []);
    assert.ok(!existsSync(backups), 'no backup folder, no journal');
  });

  test('prints one "What if" line per step on the host', async () => {
    // WhatIf text goes to the host, not to a stream: read it from a pwsh process's own stdout.
    const lab = path.join(root, 'whatif-text', 'lab');
    const backups = path.join(root, 'whatif-text', 'backups');
    await newLab(ps, lab, 'SingleServer');
    const plan = await runOk(ps, `Get-MfaUpgradePlan -LabPath $V.lab -InstallerPath $V.installer`, { lab, installer: LAB_INSTALLER_PATH });
    const steps = (plan.output as { Kind: string; Description: string }[]).filter((s) => s.Kind !== 'FollowUp');
    const before = hashTree(lab);
    const script = [
      `Import-Module $env:E2E_MODULE -Force`,
      `$r = @(Invoke-MfaServerUpgrade -LabPath $env:E2E_LAB -InstallerPath 'C:\\Media\\MfaServer' -BackupDestination $env:E2E_BACKUPS -WhatIf -WarningAction SilentlyContinue)`,
      `"RESULTS=$($r.Count)"`,
    ].join('; ');
    const { stdout } = await execFileAsync(pwshExecutable(), ['-NoProfile', '-NonInteractive', '-Command', script], {
      env: { ...process.env, E2E_MODULE: modulePath, E2E_LAB: lab, E2E_BACKUPS: backups },
      maxBuffer: 16 * 1024 * 1024,
    });
    // eslint-disable-next-line no-control-regex -- strips the ANSI colour escapes (ESC [ ... letter) pwsh writes
    const text = stdout.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\s+/g, ' ');
    assert.equal((text.match(/What if:/g) ?? []).length, steps.length, text);
    for (const s of steps) {
      const description = s.Description.replace('(BackupDestination)', backups).replace(/\s+/g, ' ');
      assert.ok(text.includes(`"${s.Kind === 'Manual' ? '[Manual] ' : ''}${description}"`), `WhatIf lists: ${description}`);
    }
    assert.match(text, /RESULTS=0/);
    assert.deepEqual(diffStates(before, hashTree(lab)), []);
    assert.ok(!existsSync(backups));
  });
});
