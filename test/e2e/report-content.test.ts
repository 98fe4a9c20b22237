// What report.html says, read as text (report.test.ts looks at it in a browser): every section a run can produce, on a
// separate-web-server lab whose SDK service account is CONTOSO\svc-mfasdk, with a stop in the middle of the run.
// Names and paths come out as they are; only secret values are masked, and the SDK password appears nowhere.
// Who ran it (issue 28 item 8): each run's account, machine and -ChangeId in the journal, the log and the report, and
// every Basis cites Microsoft Learn pages by title and URL.
// Real pwsh, the test build of the module (MFA_TEST_CRASH_AT kills the core once, so the report has its Stops section).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { JournalDocument } from '../../core/journal/journal-types';
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
let journal: JournalDocument;
/** The account and machine as the module sees them: [Environment] outside Windows. */
let account = '';
let machine = '';

/** The report's visible text: tags dropped (a tag between words reads as one blank), the five escaped characters back. */
function visibleText(page: string): string {
  return page
    .replace(/\s*<[^>]+>\s*/g, ' ')
    .replace(/ {2,}/g, ' ')
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
    try { Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath $V.installer -BackupDestination $V.backups -Resume -ChangeId $V.change -Confirm:$false }
    finally { Remove-Item Env:MFA_TEST_CRASH_AT -ErrorAction SilentlyContinue }`;
  const killed = await ps.run(upgrade, { lab, backups, installer: LAB_INSTALLER_PATH, crashAt: 'inside:WEB01:uninstall:MobileAppWebService', change: 'CHG0012345' });
  assert.match(killed.terminatingError?.fullyQualifiedErrorId ?? '', /^CoreKilled\b/, 'the first run is killed inside an uninstall');
  // Resumed under another change number (the first change window closed): recorded, not refused.
  const resumed = await runOk(ps, upgrade, { lab, backups, installer: LAB_INSTALLER_PATH, change: 'CHG0012399' });
  const result = resumed.output[0] as UpgradeResult & { ReportPath: string; LogPath: string };
  assert.equal(result.Status, 'Completed', result.Message);
  html = readFileSync(result.ReportPath, 'utf8');
  text = visibleText(html);
  log = readFileSync(result.LogPath, 'utf8');
  journal = JSON.parse(readFileSync(result.JournalPath, 'utf8')) as JournalDocument;
  const who = await runOk(ps, "[Environment]::UserDomainName + '\\' + [Environment]::UserName; [Environment]::MachineName");
  [account, machine] = who.output as string[];
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

test('each run is on record with its account, machine and change number: journal, CMTrace log, report', () => {
  assert.deepEqual(
    journal.Runs.map((r) => ({ Account: r.Account, Machine: r.Machine, ChangeId: r.ChangeId, Resumed: r.Resumed })),
    [
      { Account: account, Machine: machine, ChangeId: 'CHG0012345', Resumed: false },
      { Account: account, Machine: machine, ChangeId: 'CHG0012399', Resumed: true },
    ],
  );
  assert.ok(Date.parse(journal.Runs[0].At) <= Date.parse(journal.Runs[1].At));
  assert.ok(log.includes(`Started by ${account} on ${machine} under change CHG0012345.`), 'the first run says who and which change');
  assert.ok(log.includes(`Resumed by ${account} on ${machine} under change CHG0012399.`), 'the resumed run says so too');
  assert.ok(log.includes(`context="${account}"`), 'CMTrace\'s context column names the account that ran the upgrade');
  const summary = visibleText(/<section[^>]*aria-labelledby="summary"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '');
  assert.match(summary, new RegExp(`Run by\\s+${escape(`${account} on ${machine}`)}, change CHG0012345 started [^]*?${escape(`${account} on ${machine}`)}, change CHG0012399 resumed`));
  assert.match(summary, /Change\s+CHG0012345, CHG0012399/);
});

test('every Basis cites Microsoft Learn pages by title and URL, none an internal note', () => {
  assert.doesNotMatch(html, /facts §|\(S\d+\)/, 'no internal note number');
  const readiness = /<section[^>]*aria-labelledby="readiness"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
  const cells = [...readiness.matchAll(/<td data-label="Basis"><div>([\s\S]*?)<\/div><\/td>/g)].map((m) => m[1]);
  assert.ok(cells.length >= 10, `${cells.length} readiness rows`);
  for (const cell of cells) assert.match(cell, /^Inference: |<a href="https:\/\/learn\.microsoft\.com\//, cell);
  assert.ok(
    text.includes('Upgrade the PhoneFactor Agent to Microsoft Entra Multifactor Authentication Server, ' +
      'https://learn.microsoft.com/previous-versions/entra/identity/authentication/howto-mfaserver-deploy-upgrade-pf'),
    'the upgrade page by title and URL',
  );
  const plan = /<section[^>]*aria-labelledby="plan"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
  assert.equal((plan.match(/Basis: /g) ?? []).length, journal.Steps.length, 'every step says what it rests on');
  const followUps = /<section[^>]*aria-labelledby="followups"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
  assert.match(followUps, /Basis: MFA Server 8\.1 and later ship the Migration Utility[^<]*<a href="https:\/\/learn\.microsoft\.com\/entra\/identity\/authentication\/how-to-mfa-server-migration-utility">/);
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('the CMTrace log: a first run with -Resume is no warning; each step\'s lines name the step as their component', () => {
  const lines = log.split('\r\n').filter((l) => l.startsWith('<![LOG[') || l.startsWith('\uFEFF<![LOG['));
  const attr = (line: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(line)?.[1];
  const fresh = lines.find((l) => l.includes('starting a fresh upgrade'));
  assert.ok(fresh, 'the first run says it starts fresh');
  assert.equal(attr(fresh, 'type'), '1', 'as information, not a warning (deployments always pass -Resume)');
  for (const id of journal.Steps.map((s) => s.Id)) {
    const done = lines.find((l) => l.includes(`]LOG]!>`) && l.startsWith(`<![LOG[${id}: `));
    assert.ok(done, `a line for ${id}`);
    assert.equal(attr(done, 'component'), id, `${id}'s line names the step`);
  }
  const stop = lines.find((l) => l.includes('Run stopped (CoreKilled)'));
  assert.equal(stop && attr(stop, 'component'), 'WEB01:uninstall:MobileAppWebService', 'the stop names the step that was running');
  assert.equal(attr(lines.find((l) => l.includes('Started by'))!, 'component'), 'MfaServerUpgrade', 'run-wide lines keep the tool\'s name');
});
