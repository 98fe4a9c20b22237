// Issue #26 item 2 end to end, through real pwsh and the built module: the SdkConsumers lab (MFA01, and APP01 with an
// unrelated IIS application calling the SDK, a second one whose connection strings are encrypted, the AD FS adapter's
// config and MIM's MfaSettings.xml) upgraded with -VirtualDirectoryNaming New. -WhatIf lists every consumer step; the
// run backs every consumer file up first, rewrites the safe ones changing nothing but the URL's bytes, pauses for AD FS
// to register the adapter again and for the encrypted application to be changed by hand, and completes on -Resume.
// No password of any file reaches any stream, log, journal, plan or report.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { openModuleSession, modulePath, pwshExecutable } from '../helpers/pwsh';
import type { PowerShellSession, ScriptOutcome } from '../../core/host/remote/powershell-session';
import { ADFS_ADAPTER_CONFIG_PATH, ENCRYPTED_APP, LAB_CONSUMER_PASSWORDS, LOB_SITE, MIM_SETTINGS_PATH } from '../../core/host/lab/templates/sdk-consumers';
import { allText, hashTree, INVOKE_UPGRADE, LAB_INSTALLER_PATH, LAB_SDK_PASSWORD, makeTempRoot, runOk, type UpgradeResult } from './helpers';

const execFileAsync = promisify(execFile);
const OLD = 'https://mfa01.contoso.com/PhoneFactorWebServiceSdk/PfWsSdk.asmx';
const NEW = 'https://mfa01.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx';
const SECRETS = [LAB_SDK_PASSWORD, ...LAB_CONSUMER_PASSWORDS];

/** APP01's consumer files (Windows path on the lab server) and the URL each holds before the upgrade. */
const FILES = {
  timesheets: { path: `${LOB_SITE.folder}\\web.config`, old: OLD },
  payroll: { path: `${ENCRYPTED_APP.folder}\\web.config`, old: OLD },
  adfs: { path: ADFS_ADAPTER_CONFIG_PATH, old: 'https://127.0.0.5/PhoneFactorWebServiceSdk/PfWsSdk.asmx' },
  mim: { path: MIM_SETTINGS_PATH, old: 'https://mfa01.contoso.com:9999/PhoneFactorWebServiceSdk/PfWsSdk.asmx' },
};
const renamed = (url: string) => url.replace('/PhoneFactorWebServiceSdk/', '/MultiFactorAuthWebServiceSdk/');

const root = makeTempRoot('sdk-consumers');
const lab = path.join(root, 'lab');
const backups = path.join(root, 'backups');
let ps: PowerShellSession;
before(async () => {
  assert.ok(existsSync(path.join(modulePath, 'lib', 'mfa-core.cjs')), 'build the module first: npm run build');
  ps = await openModuleSession(root);
});
after(async () => {
  await ps.close();
  rmSync(root, { recursive: true, force: true });
});

const onApp01 = (windowsPath: string) => path.join(lab, 'APP01', windowsPath[0], ...windowsPath.slice(3).split('\\'));
const bytesOf = (windowsPath: string) => readFileSync(onApp01(windowsPath));

function assertNoSecret(what: string, text: string): void {
  for (const s of SECRETS) assert.ok(!text.includes(s), `a password appears in ${what}`);
}

/** Every record a run leaves that an admin, a log collector or a ticket reads (the backups themselves hold the passwords by design). */
function recordsText(): string {
  const texts: string[] = [];
  for (const base of [lab, backups]) {
    for (const rel of Object.keys(hashTree(base))) {
      if (/\.log$|journal\.json$|plan\.json$|readiness\.json$|report\.html$/i.test(rel)) texts.push(readFileSync(path.join(base, ...rel.split('/')), 'utf8'));
    }
  }
  return texts.join('\n');
}

async function invoke(resume: boolean): Promise<{ outcome: ScriptOutcome; result: UpgradeResult }> {
  const outcome = await runOk(ps, `${INVOKE_UPGRADE}${resume ? ' -Resume' : ''} -VirtualDirectoryNaming New`, {
    lab, backups, installer: LAB_INSTALLER_PATH,
  });
  assertNoSecret('the streams of Invoke-MfaServerUpgrade', allText(outcome));
  assert.equal(outcome.output.length, 1);
  return { outcome, result: outcome.output[0] as UpgradeResult };
}

test('SdkConsumers lab, -VirtualDirectoryNaming New: every consumer ends on the new URL, byte for byte elsewhere; Manual where not safe; no password anywhere', async () => {
  await runOk(ps, 'New-MfaLab -Path $V.lab -Scenario SdkConsumers | Out-Null', { lab });
  const before = Object.fromEntries(Object.entries(FILES).map(([k, f]) => [k, bytesOf(f.path)])) as Record<keyof typeof FILES, Buffer>;

  // The plan carries one step per consumer; -WhatIf lists each of them and changes nothing.
  const plan = await runOk(ps, 'Get-MfaUpgradePlan -LabPath $V.lab -InstallerPath $V.installer -VirtualDirectoryNaming New', { lab, installer: LAB_INSTALLER_PATH });
  assertNoSecret('the plan', allText(plan));
  const steps = (plan.output as { Id: string; Action: string; Kind: string; Target: string; Description: string }[]).filter((s) => s.Action === 'RewriteSdkConsumer');
  assert.deepEqual(steps.map((s) => [s.Target, s.Kind]), [
    [FILES.timesheets.path, 'Automatic'],
    [FILES.mim.path, 'Automatic'],
    [FILES.adfs.path, 'Manual'],
    [FILES.payroll.path, 'Manual'],
  ]);
  const script = `Import-Module $env:E2E_MODULE -Force; Invoke-MfaServerUpgrade -LabPath $env:E2E_LAB -InstallerPath 'C:\\Media\\MfaServer' ` +
    `-BackupDestination $env:E2E_BACKUPS -VirtualDirectoryNaming New -WhatIf -WarningAction SilentlyContinue | Out-Null`;
  const { stdout } = await execFileAsync(pwshExecutable(), ['-NoProfile', '-NonInteractive', '-Command', script], {
    env: { ...process.env, E2E_MODULE: modulePath, E2E_LAB: lab, E2E_BACKUPS: backups },
    maxBuffer: 16 * 1024 * 1024,
  });
  // eslint-disable-next-line no-control-regex -- strips the ANSI colour escapes (ESC [ ... letter) pwsh writes
  const whatIf = stdout.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\s+/g, ' ');
  for (const s of steps) assert.ok(whatIf.includes(`${s.Kind === 'Manual' ? '[Manual] ' : ''}${s.Description.replace(/\s+/g, ' ')}`), `-WhatIf lists ${s.Id}`);
  assertNoSecret('the -WhatIf text', stdout);
  for (const [k, f] of Object.entries(FILES)) assert.ok(bytesOf(f.path).equals(before[k as keyof typeof FILES]), `-WhatIf left ${f.path} alone`);
  assert.ok(!existsSync(backups));

  // First run: the safe files rewritten, then the run pauses for AD FS (its file already rewritten).
  const first = (await invoke(false)).result;
  assert.equal(first.Status, 'Paused', first.Message);
  assert.equal(first.ExitCode, 69001);
  assert.match(String(first.NextAction), /Register-MultiFactorAuthenticationAdfsAdapter\.ps1.*Restart-Service adfssrv/);
  for (const k of ['timesheets', 'mim', 'adfs'] as const) {
    assert.ok(bytesOf(FILES[k].path).equals(Buffer.from(before[k].toString('latin1').replace(FILES[k].old, renamed(FILES[k].old)), 'latin1')),
      `${FILES[k].path}: only the URL's bytes changed`);
  }
  assert.ok(bytesOf(FILES.payroll.path).equals(before.payroll), 'the encrypted application is not touched');
  // The backup of APP01 (a server with no PhoneFactor product) holds every consumer file as it was.
  const app01Backup = first.BackupPath.find((p) => /PhoneFactorBackup-APP01-/.test(p));
  assert.ok(app01Backup, first.BackupPath.join(', '));
  const manifest = JSON.parse(readFileSync(path.join(app01Backup, 'manifest.json'), 'utf8')) as { files: { kind: string; originalPath: string; relativePath: string }[] };
  for (const [k, f] of Object.entries(FILES)) {
    const entry = manifest.files.find((e) => e.kind === 'SdkConsumer' && e.originalPath.toLowerCase() === f.path.toLowerCase());
    assert.ok(entry, `${f.path} is in the backup`);
    assert.ok(readFileSync(path.join(app01Backup, ...entry.relativePath.split('\\'))).equals(before[k as keyof typeof FILES]), `${f.path}: backed up as it was`);
  }

  // -Resume after re-registering the adapter: the encrypted application is the admin's, named exactly.
  const second = (await invoke(true)).result;
  assert.equal(second.Status, 'Paused', second.Message);
  for (const part of [FILES.payroll.path, 'MfaSdkUrl', OLD, NEW, 'encrypted section', 'configProtectionProvider="RsaProtectedConfigurationProvider"']) {
    assert.ok(String(second.NextAction).includes(part), `the manual step names ${part}: ${second.NextAction}`);
  }
  assert.ok(bytesOf(FILES.payroll.path).equals(before.payroll));

  // A resume before the admin changed it pauses again at the same step.
  const again = (await invoke(true)).result;
  assert.equal(again.Status, 'Paused');
  assert.equal(again.NextAction, second.NextAction);

  // The admin changes the setting (decrypting and re-encrypting as needed); -Resume checks it and completes.
  writeFileSync(onApp01(FILES.payroll.path), before.payroll.toString('utf8').replace(OLD, NEW));
  const done = (await invoke(true)).result;
  assert.equal(done.Status, 'Completed', `${done.Message} / ${done.NextAction}`);
  assert.equal(done.ExitCode, 0);
  for (const s of done.Steps) assert.equal(s.Status, 'Completed', `${s.Id}: ${s.Outcome}`);

  // Every consumer points at the new URL; Get-MfaSdkConsumer agrees (nothing left to break).
  for (const f of Object.values(FILES)) {
    const text = bytesOf(f.path).toString('utf8');
    assert.ok(text.includes(renamed(f.old)) && !text.includes(f.old), f.path);
  }
  const after = await runOk(ps, 'Get-MfaSdkConsumer -LabPath $V.lab -VirtualDirectoryNaming New', { lab });
  assertNoSecret('Get-MfaSdkConsumer', allText(after));
  const rows = after.output as { ComputerName: string; Url: string; Effect: string[] }[];
  assert.ok(rows.length >= 4);
  for (const r of rows) assert.ok(!r.Effect.includes('BrokenByRename') && /MultiFactorAuthWebServiceSdk/.test(r.Url), `${r.ComputerName} ${r.Url}`);

  // No password in any log, journal, plan, readiness record or report the run wrote.
  assert.ok(readdirSync(path.join(backups, 'MfaServerUpgrade-MFA01+APP01')).includes('report.html'));
  assertNoSecret('the logs, journal, plan and report', recordsText());
});
