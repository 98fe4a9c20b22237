// Issue #26 item 3: the web-tier probe wired into the upgrade, through the real cmdlets. A SingleServer lab whose IIS
// site and web.configs name a loopback HTTPS server started here (test/helpers/loopback-sdk.ts: it answers as the SDK,
// the portal and the mobile app web service, with the lab's SDK account): Test-MfaUpgradeReadiness -WebTier gives a
// WebTier row per OLD endpoint (a failure is a Warning, never blocking); Invoke-MfaServerUpgrade -WebTier completes and
// its report shows the NEW endpoints; Test-MfaServerUpgrade -WebTier and the detection script's -WebTier fail (stay
// silent) while the web tier fails, and only then. No probe leaves the loopback; no password reaches any stream.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { modulePath, openModuleSession, pwshExecutable, repoRoot } from '../helpers/pwsh';
import { startLoopbackSdk, type LoopbackSdk } from '../helpers/loopback-sdk';
import type { PowerShellSession, ScriptOutcome } from '../../core/host/remote/powershell-session';

const execFileAsync = promisify(execFile);
// The lab's SDK service account (core/host/lab/scenarios.ts): the loopback SDK accepts it.
const LAB_ACCOUNT = { username: 'CONTOSO\\svc-pfsdk', password: 'S3cr3t!Pass' };
const DETECT = path.join(repoRoot, 'deploy', 'Detect-MfaServerUpgrade.ps1');

let ps: PowerShellSession;
let dir: string;
let lab: string;
let sdk: LoopbackSdk;
let origin: string;

/** Every web.config and applicationHost.config of the lab names the loopback server instead of mfa01.contoso.com:443. */
function pointLabAtLoopback(root: string, port: number): void {
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/^(web|applicationHost)\.config$/i.test(e.name)) {
        const text = readFileSync(p, 'utf8');
        writeFileSync(p, text.replace(/mfa01\.contoso\.com/g, `localhost:${port}`).replace(/bindingInformation="\*:443:"/g, `bindingInformation="*:${port}:localhost"`));
      }
    }
  };
  walk(root);
}

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-webtier-upgrade-'));
  sdk = await startLoopbackSdk(dir, LAB_ACCOUNT);
  origin = `https://localhost:${sdk.ports.matching}`;
  ps = await openModuleSession(dir);
  lab = path.join(dir, 'lab');
  const r = await ps.run('New-MfaLab -Path $V.lab -Scenario SingleServer | Out-Null', { lab });
  assert.ok(r.ok, JSON.stringify(r.terminatingError));
  pointLabAtLoopback(lab, sdk.ports.matching);
});
after(async () => {
  await ps.close();
  await sdk.close();
  rmSync(dir, { recursive: true, force: true });
});

function assertNoSecret(r: ScriptOutcome): void {
  const text = JSON.stringify([r.output, r.errors, r.warnings, r.verbose, r.information, r.terminatingError]);
  assert.ok(!text.includes(LAB_ACCOUNT.password), 'the SDK password appears in a stream');
  assert.ok(!text.includes(Buffer.from(`${LAB_ACCOUNT.username}:${LAB_ACCOUNT.password}`).toString('base64')), 'the Basic header appears in a stream');
}

async function run(script: string, values: Record<string, unknown> = {}): Promise<ScriptOutcome> {
  const r = await ps.run(script, { lab, ca: sdk.caFile, backups: path.join(dir, 'backups'), ...values });
  assert.ok(r.ok, `${script}: ${r.terminatingError?.message}`);
  assertNoSecret(r);
  return r;
}

/** The detection script as ConfigMgr runs it (its own process): STDOUT and STDERR. */
async function detect(webTier: boolean): Promise<{ stdout: string; stderr: string }> {
  const args = ['-NoProfile', '-NonInteractive', '-File', DETECT, '-LabPath', lab, ...(webTier ? ['-WebTier', '-TrustedCertificatePath', sdk.caFile] : [])];
  return execFileAsync(pwshExecutable(), args, { env: { ...process.env, PSModulePath: `${path.dirname(modulePath)}${path.delimiter}${process.env.PSModulePath ?? ''}` } });
}

interface Row { ComputerName: string; Check: string; Result: string; Detail: string }

test('readiness -WebTier: one row per old endpoint, Passed while it answers, a Warning (never blocking) when it fails', async () => {
  sdk.mode = 'normal';
  const r = await run('Test-MfaUpgradeReadiness -LabPath $V.lab -WebTier -TrustedCertificatePath $V.ca');
  const rows = (r.output as Row[]).filter((x) => x.Check === 'WebTier');
  const lines = rows.map((x) => x.Detail.split(' (')[0]).sort();
  // Served by IIS (the old vdirs), and the SDK URL of each web.config that holds the service account.
  for (const expected of [`Portal ${origin}/PhoneFactor/`, `MobileApp ${origin}/PhoneFactorPhoneAppWebService/PfPaWs.asmx`,
    `Sdk ${origin}/PhoneFactorWebServiceSdk/PfWsSdk.asmx`]) assert.ok(lines.includes(expected), `${expected} in ${lines.join(' | ')}`);
  for (const x of rows) assert.equal(x.Result, 'Passed', x.Detail);
  assert.ok(rows.some((x) => /answers the service account CONTOSO\\svc-pfsdk \(HTTP 200\)/.test(x.Detail)), 'the account of the web.config was used');
  // Without -WebTier nothing is probed.
  const plain = await run('Test-MfaUpgradeReadiness -LabPath $V.lab');
  assert.ok(!(plain.output as Row[]).some((x) => x.Check === 'WebTier'));

  sdk.mode = 'aspnetError';
  try {
    const failing = (await run('Test-MfaUpgradeReadiness -LabPath $V.lab -WebTier -TrustedCertificatePath $V.ca')).output as Row[];
    const web = failing.filter((x) => x.Check === 'WebTier');
    assert.ok(web.length === rows.length && web.every((x) => x.Result === 'Warning' && /AspNetError/.test(x.Detail)), JSON.stringify(web));
  } finally {
    sdk.mode = 'normal';
  }
});

test('Invoke-MfaServerUpgrade -WebTier: WebTier rows before, the new endpoints after in report.html; Test-MfaServerUpgrade and detection -WebTier follow the web tier', async () => {
  const r = await run('Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath $V.installer -BackupDestination $V.backups -WebTier -TrustedCertificatePath $V.ca ' +
    '-Confirm:$false', { installer: 'C:\\Media\\MfaServer' });
  const result = r.output[0] as { Status: string; ExitCode: number; Message: string; Readiness: Row[]; ReportPath: string };
  assert.equal(result.Status, 'Completed', result.Message);
  assert.ok(result.Readiness.some((x) => x.Check === 'WebTier' && x.Detail.includes('/PhoneFactorWebServiceSdk/')), 'before: the old endpoints');
  const report = readFileSync(result.ReportPath, 'utf8');
  const after = report.slice(report.indexOf('<h2 id="webtier-after">'));
  assert.ok(after.includes(`${origin}/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx`) && after.includes(`${origin}/MultiFactorAuth/`), 'after: the new endpoints');
  assert.ok(!after.includes('/PhoneFactorWebServiceSdk/'));
  assert.ok(!report.includes(LAB_ACCOUNT.password));

  const verified = (await run('Test-MfaServerUpgrade -LabPath $V.lab -WebTier -TrustedCertificatePath $V.ca')).output as
    { IsUpgraded: boolean; Failed: string[]; Checks: { Name: string; Passed: boolean; Detail: string }[] }[];
  assert.equal(verified[0].IsUpgraded, true, JSON.stringify(verified[0].Failed));
  assert.ok(verified[0].Checks.filter((c) => c.Name === 'WebTier').length >= 3);
  assert.equal((await detect(true)).stdout.trim().split(/\r?\n/).length, 1, 'detection: upgraded and the web tier answers');

  sdk.mode = 'aspnetError';
  try {
    const failing = (await run('Test-MfaServerUpgrade -LabPath $V.lab -WebTier -TrustedCertificatePath $V.ca')).output as typeof verified;
    assert.equal(failing[0].IsUpgraded, false);
    assert.ok(failing[0].Failed.includes('WebTier'));
    const silent = await detect(true);
    assert.equal(silent.stdout, '', 'detection -WebTier stays silent while the web tier fails');
    assert.equal(silent.stderr, '');
    assert.equal((await detect(false)).stdout.trim().split(/\r?\n/).length, 1, 'without -WebTier the web tier is not asked');
  } finally {
    sdk.mode = 'normal';
  }
});
