// Get-MfaSdkConsumer and Test-MfaWebTier through the generated cmdlets in real pwsh. The consumers come from the
// SdkConsumers lab (an IIS application on another site and port, the AD FS adapter config, MIM's MfaSettings.xml);
// every failure class of Test-MfaWebTier is produced by a loopback HTTPS server (test/helpers/loopback-sdk.ts) and
// named by the cmdlet; no password of any file ever appears in any stream.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import { startLoopbackSdk, type LoopbackSdk } from '../helpers/loopback-sdk';
import type { PowerShellSession, ScriptOutcome } from '../../core/host/remote/powershell-session';
import { LAB_CONSUMER_PASSWORDS } from '../../core/host/lab/templates/sdk-consumers';

const ACCOUNT = { username: 'CONTOSO\\svc-pfsdk', password: 'Wt!Loop&back<Pw>' };
const WRONG = 'Not-the-Password-42';
let ps: PowerShellSession;
let dir: string;
let lab: string;
let sdk: LoopbackSdk;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-webtier-module-'));
  sdk = await startLoopbackSdk(dir, ACCOUNT);
  ps = await openModuleSession(dir);
  lab = path.join(dir, 'lab');
  const r = await ps.run('New-MfaLab -Path $V.lab -Scenario SdkConsumers | Out-Null', { lab });
  assert.ok(r.ok, JSON.stringify(r));
});
after(async () => {
  await ps.close();
  await sdk.close();
});

const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A portal web.config (S3a's keys) pointing at the loopback SDK, with the service account. */
function portalConfig(name: string, url: string, password: string): string {
  const file = path.join(dir, `${name}.web.config`);
  writeFileSync(file, [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<configuration>',
    '  <appSettings>',
    '    <add key="USE_WEB_SERVICE_SDK" value="true" />',
    `    <add key="WEB_SERVICE_SDK_AUTHENTICATION_USERNAME" value="${esc(ACCOUNT.username)}" />`,
    `    <add key="WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD" value="${esc(password)}" />`,
    '  </appSettings>',
    '  <applicationSettings>',
    '    <pfup.Properties.Settings>',
    `      <setting name="pfup_pfwssdk_PfWsSdk" serializeAs="String"><value>${esc(url)}</value></setting>`,
    '    </pfup.Properties.Settings>',
    '  </applicationSettings>',
    '</configuration>',
  ].join('\r\n'));
  return file;
}

const secrets = () => [ACCOUNT.password, WRONG, ...LAB_CONSUMER_PASSWORDS, 'S3cr3t!Pass'];
function assertNoSecret(r: ScriptOutcome) {
  const all = JSON.stringify(r);
  for (const s of secrets()) {
    assert.ok(!all.includes(s), `a password appeared in a stream: ${s}`);
    assert.ok(!all.includes(Buffer.from(`${ACCOUNT.username}:${s}`).toString('base64')), 'an Authorization header appeared in a stream');
  }
}

interface Check {
  Role: string;
  Url: string;
  Result: string;
  Problems: string[];
  HttpStatus: number | null;
  CertificateNames: string[];
  Detail: string;
  TypeName: string;
}

async function webTier(args: string, values: Record<string, unknown> = {}): Promise<Check[]> {
  const r = await ps.run(
    `Test-MfaWebTier ${args} -TrustedCertificatePath $V.ca | ForEach-Object { $_ | Add-Member -NotePropertyName TypeName -NotePropertyValue ` +
      '$_.PSObject.TypeNames[0] -PassThru }',
    { ca: sdk.caFile, ...values },
  );
  assert.ok(r.ok && r.errors.length === 0, JSON.stringify(r.terminatingError ?? r.errors));
  assertNoSecret(r);
  return r.output as Check[];
}

const url = (port: number, host = 'localhost', file = 'MultiFactorAuthWebServiceSdk/PfWsSdk.asmx') => `https://${host}:${port}/${file}`;

test('Get-MfaSdkConsumer: every consumer of the SdkConsumers lab, one object per reference, with what the upgrade does to it', async () => {
  const r = await ps.run('Get-MfaSdkConsumer -LabPath $V.lab | ForEach-Object { $_ | Add-Member -NotePropertyName TypeName ' +
    '-NotePropertyValue $_.PSObject.TypeNames[0] -PassThru }', { lab });
  assert.ok(r.ok && r.errors.length === 0, JSON.stringify(r.terminatingError ?? r.errors));
  assertNoSecret(r);
  const rows = r.output as Array<{
    ComputerName: string; Kind: string; File: string; Setting: string; Url: string; NewUrl: string | null; Effect: string[]; TypeName: string;
  }>;
  const by = (setting: string) => rows.find((x) => x.Setting === setting);
  assert.equal(rows[0].TypeName, 'MfaServerUpgrade.SdkConsumer');
  assert.deepEqual(rows.map((x) => `${x.ComputerName} ${x.Kind} ${x.Setting}`).sort(), [
    'APP01 AdfsAdapter WebServiceSdkUrl',
    'APP01 MimSettings LOCMFASRV',
    'APP01 WebConfig MfaSdkUrl',
    'APP01 WebConfig Timesheets_MfaSdk_PfWsSdk',
    'MFA01 WebConfig pfpaws_pfwssdk_PfWsSdk',
    'MFA01 WebConfig pfup_pfwssdk_PfWsSdk',
  ]);
  // The unrelated application in its own site: found through applicationHost.config, judged against MFA01's SDK site.
  assert.deepEqual(by('Timesheets_MfaSdk_PfWsSdk')?.Effect, ['BrokenByRename']);
  assert.equal(by('Timesheets_MfaSdk_PfWsSdk')?.File, 'C:\\inetpub\\intranet\\Timesheets\\web.config');
  assert.equal(by('Timesheets_MfaSdk_PfWsSdk')?.NewUrl, 'https://mfa01.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx');
  assert.deepEqual(by('WebServiceSdkUrl')?.Effect, ['BrokenByRename', 'IpAddress']);
  assert.deepEqual(by('LOCMFASRV')?.Effect, ['BrokenByRename', 'HostNotBound']);
  assert.equal(by('LOCMFASRV')?.NewUrl, 'https://mfa01.contoso.com:9999/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx');

  const legacy = await ps.run('Get-MfaSdkConsumer -LabPath $V.lab -VirtualDirectoryNaming Legacy', { lab });
  const kept = legacy.output as Array<{ Setting: string; Effect: string[]; NewUrl: string | null }>;
  assert.deepEqual(kept.find((x) => x.Setting === 'pfup_pfwssdk_PfWsSdk')?.Effect, ['Unchanged']);
  assert.deepEqual(kept.find((x) => x.Setting === 'LOCMFASRV')?.Effect, ['HostNotBound']);
  assert.ok(kept.every((x) => x.NewUrl === null));
});

test('Get-MfaSdkConsumer -Path: a file of this machine, XML or not; a missing one is an error naming it', async () => {
  const xml = portalConfig('consumer', 'https://10.1.2.3:4443/PhoneFactorWebServiceSdk/PfWsSdk.asmx', ACCOUNT.password);
  const script = path.join(dir, 'call-sdk.ps1');
  writeFileSync(script, "# nightly job\r\n$u = 'https://mfa01.contoso.com/PhoneFactorWebServiceSdk/PfWsSdk.asmx'\r\n");
  const r = await ps.run('Get-MfaSdkConsumer -Path $V.files', { files: [xml, script] });
  assert.ok(r.ok && r.errors.length === 0, JSON.stringify(r.terminatingError ?? r.errors));
  assertNoSecret(r);
  const rows = r.output as Array<{ Kind: string; Setting: string; Effect: string[] }>;
  assert.deepEqual(rows.map((x) => [x.Kind, x.Setting, x.Effect.join('+')]), [
    ['File', 'pfup_pfwssdk_PfWsSdk', 'BrokenByRename+IpAddress'],
    ['File', 'line 2', 'BrokenByRename'],
  ]);
  const missing = await ps.run('Get-MfaSdkConsumer -Path $V.f', { f: path.join(dir, 'nope.config') });
  assert.equal(missing.errors.length + (missing.terminatingError ? 1 : 0) > 0, true);
  assert.match(JSON.stringify(missing.errors[0] ?? missing.terminatingError), /nope\.config/);
});

test('Test-MfaWebTier: the SDK asks for credentials and answers the account of the web.config; the mobile app answers TestPfWsSdkConnection', async () => {
  sdk.mode = 'normal';
  sdk.authorizations.length = 0;
  const file = portalConfig('good', url(sdk.ports.matching), ACCOUNT.password);
  const rows = await webTier('-Path $V.file -Url $V.maws', { file, maws: url(sdk.ports.matching, 'localhost', 'MultiFactorAuthMobileAppWebService/PfPaWs.asmx') });
  assert.deepEqual(rows.map((x) => [x.Role, x.Result]), [['Sdk', 'Passed'], ['MobileApp', 'Passed']], JSON.stringify(rows));
  assert.equal(rows[0].TypeName, 'MfaServerUpgrade.WebTierCheck');
  assert.equal(rows[0].HttpStatus, 200);
  assert.deepEqual(rows[0].CertificateNames, ['DNS:localhost']);
  assert.match(rows[1].Detail, /Success/);
  // The account of the file went to the server (and only there).
  assert.ok(sdk.authorizations.includes('Basic ' + Buffer.from(`${ACCOUNT.username}:${ACCOUNT.password}`).toString('base64')));
});

test('Test-MfaWebTier names every failure class', async () => {
  sdk.mode = 'normal';
  const sdkAt = (port: number, host?: string) => url(port, host);
  const cases: Array<[string, string]> = [
    [sdkAt(sdk.ports.otherName), 'TlsNameMismatch'],
    [sdkAt(sdk.ports.ipOnly), 'TlsNameMismatch'],
    [sdkAt(sdk.ports.expired), 'TlsExpired'],
    [sdkAt(sdk.ports.selfSigned), 'TlsUntrusted'],
    [sdkAt(sdk.refusedPort), 'Refused'],
    [sdkAt(sdk.silentPort), 'TimedOut'],
    ['https://sdk.mfa-webtier-test.invalid/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx', 'DnsFailed'],
  ];
  const rows = await webTier('-Url $V.urls -TimeoutSeconds 2', { urls: cases.map((c) => c[0]) });
  assert.deepEqual(rows.map((x) => [x.Url, x.Result]), cases, JSON.stringify(rows, null, 1));
  // The IP-only certificate does name 127.0.0.1.
  const ip = await webTier('-Url $V.u', { u: sdkAt(sdk.ports.ipOnly, '127.0.0.1') });
  assert.equal(ip[0].Result, 'Passed', JSON.stringify(ip));

  // A certificate for another name could be anyone's: the account of the file is not sent to it.
  sdk.authorizations.length = 0;
  const mitm = await webTier('-Path $V.file', { file: portalConfig('mitm', sdkAt(sdk.ports.otherName), ACCOUNT.password) });
  assert.equal(mitm[0].Result, 'TlsNameMismatch');
  assert.match(mitm[0].Detail, /service account was not sent/);
  assert.deepEqual(sdk.authorizations, []);

  const wrong = await webTier('-Path $V.file', { file: portalConfig('wrong', sdkAt(sdk.ports.matching), WRONG) });
  assert.equal(wrong[0].Result, 'CredentialsRejected', JSON.stringify(wrong));

  sdk.mode = 'noCredentialPrompt';
  const open = await webTier('-Url $V.u', { u: sdkAt(sdk.ports.matching) });
  assert.equal(open[0].Result, 'UnexpectedAnswer');
  assert.match(open[0].Detail, /ask for credentials/);

  sdk.mode = 'soapFault';
  const fault = await webTier('-Url $V.u', { u: url(sdk.ports.matching, 'localhost', 'MultiFactorAuthMobileAppWebService/PfPaWs.asmx') });
  assert.equal(fault[0].Result, 'UnexpectedAnswer');
  assert.match(fault[0].Detail, /Unable to connect to the Web Service SDK/);

  sdk.mode = 'aspnetError';
  const ysod = await webTier('-Path $V.file', { file: portalConfig('ysod', sdkAt(sdk.ports.matching), ACCOUNT.password) });
  assert.equal(ysod[0].Result, 'AspNetError');
  assert.match(ysod[0].Detail, /Server Error in '\/MultiFactorAuthWebServiceSdk' Application\./);
  sdk.mode = 'normal';
});

test('Test-MfaWebTier -TrustedCertificatePath that is no certificate: an error naming the parameter', async () => {
  const bad = path.join(dir, 'not-a-cert.pem');
  writeFileSync(bad, 'hello');
  const r = await ps.run('Test-MfaWebTier -Url https://localhost:1/PfWsSdk.asmx -TrustedCertificatePath $V.f', { f: bad });
  assert.match(JSON.stringify(r.errors[0] ?? r.terminatingError), /TrustedCertificatePath.*no PEM certificate/);
});
