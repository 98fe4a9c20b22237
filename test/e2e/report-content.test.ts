// What report.html says, read as text (report.test.ts looks at it in a browser): every section a run can produce, on a
// separate-web-server lab whose SDK service account is CONTOSO\svc-mfasdk, with a stop in the middle of the run.
// Names and paths come out as they are; only secret values are masked, and the SDK password appears nowhere.
// Real pwsh, the test build of the module (MFA_TEST_CRASH_AT kills the core once, so the report has its Stops section).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { faultModulePath, openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';
import { LAB_INSTALLER_PATH, LAB_SDK_PASSWORD, makeTempRoot, runOk, type UpgradeResult } from './helpers';

const ACCOUNT = 'CONTOSO\\svc-mfasdk';
const PORTAL_CONFIG = 'C:\\inetpub\\wwwroot\\PhoneFactor\\web.config';
const MOBILE_CONFIG = 'C:\\inetpub\\wwwroot\\PhoneFactorPhoneAppWebService\\web.config';

const root = makeTempRoot('report-content');
const lab = path.join(root, 'lab');
const backups = path.join(root, 'backups');
let ps: PowerShellSession;
let html = '';
let text = '';
let log = '';

/** The report's visible text: tags dropped, the five escaped characters back. */
function visibleText(page: string): string {
  return page
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

before(async () => {
  ps = await openModuleSession(root, process.env, faultModulePath);
  await runOk(ps, 'New-MfaLab -Path $V.lab -Scenario SeparateWebServer', { lab });
  // The web server's portal and mobile app name another SDK account than the lab's default; the MFA server's
  // "PhoneFactor Admins" still lists the default one, so the SdkServiceAccount check warns and says what to do.
  for (const config of [PORTAL_CONFIG, MOBILE_CONFIG]) {
    const file = path.join(lab, 'WEB01', 'C', ...config.slice(3).split('\\'));
    writeFileSync(file, readFileSync(file, 'utf8').replace('CONTOSO\\svc-pfsdk', ACCOUNT));
  }
  const upgrade = String.raw`
    if ($V.crashAt) { $env:MFA_TEST_CRASH_AT = $V.crashAt }
    try { Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath $V.installer -BackupDestination $V.backups -Resume -Confirm:$false }
    finally { Remove-Item Env:MFA_TEST_CRASH_AT -ErrorAction SilentlyContinue }`;
  const killed = await ps.run(upgrade, { lab, backups, installer: LAB_INSTALLER_PATH, crashAt: 'after:WEB01:uninstall:UserPortal' });
  assert.match(killed.terminatingError?.fullyQualifiedErrorId ?? '', /^CoreKilled\b/, 'the first run is killed after an uninstall');
  const resumed = await runOk(ps, upgrade, { lab, backups, installer: LAB_INSTALLER_PATH });
  const result = resumed.output[0] as UpgradeResult & { ReportPath: string; LogPath: string };
  assert.equal(result.Status, 'Completed', result.Message);
  html = readFileSync(result.ReportPath, 'utf8');
  text = visibleText(html);
  log = readFileSync(result.LogPath, 'utf8');
});
after(async () => {
  await ps?.close();
  rmSync(root, { recursive: true, force: true });
});

test('the report has every section of a run that stopped once and then completed', () => {
  for (const id of ['deprecation', 'summary', 'found', 'readiness', 'plan', 'stops', 'backups', 'followups']) {
    assert.match(html, new RegExp(`<section[^>]*aria-labelledby="${id}"`), `section ${id}`);
  }
});

test('the SDK service account and the setting naming it are shown as they are, with the web.config path intact', () => {
  for (const config of [PORTAL_CONFIG, MOBILE_CONFIG]) {
    assert.ok(
      text.includes(`${ACCOUNT} (named by WEB_SERVICE_SDK_AUTHENTICATION_USERNAME in ${config})`),
      `the readiness row names the account, the setting and ${config}`,
    );
  }
  assert.ok(text.includes(`Check that the account ${ACCOUNT} exists`), 'the action names the account');
  assert.doesNotMatch(text, /the SDK service account\\/, 'no path or account replaced by a phrase');
});

test('paths in every section are intact', () => {
  const section = (id: string) => visibleText(new RegExp(`<section[^>]*aria-labelledby="${id}"[\\s\\S]*?</section>`).exec(html)?.[0] ?? '');
  assert.ok(section('found').includes('C:\\Program Files\\PhoneFactor'), 'the Agent\'s install path');
  assert.ok(section('found').includes('C:\\inetpub\\wwwroot\\PhoneFactor'), 'the portal\'s folder');
  assert.ok(section('readiness').includes(PORTAL_CONFIG));
  assert.ok(section('plan').includes('C:\\inetpub\\wwwroot\\MultiFactorAuth\\web.config'), 'the merge step\'s target');
  assert.ok(section('backups').includes('UserPortal\\web.config'), 'a backed-up file');
  assert.ok(section('summary').includes(LAB_INSTALLER_PATH), 'the installer media');
});

test('no name is masked and the password appears nowhere: report, log', () => {
  // The only mask in the report is the footer's sentence that explains it: no value shown here is secret.
  assert.equal(text.split('********').length - 1, 1, 'one "********", in the footer');
  assert.match(text, /secret values are masked as \*{8} \(names and paths are shown as they are\)/);
  for (const form of [LAB_SDK_PASSWORD, encodeURIComponent(LAB_SDK_PASSWORD)]) {
    assert.equal(html.includes(form), false, `report.html holds ${form}`);
    assert.equal(log.includes(form), false, `the CMTrace log holds ${form}`);
  }
  // The log names the setting too (every appSettings key once was learned as a secret and masked in logs).
  assert.ok(log.includes('WEB_SERVICE_SDK_AUTHENTICATION_USERNAME'), 'the log names the setting');
  assert.equal(log.includes('********'), false, 'the log masks nothing: no secret value is logged');
});
