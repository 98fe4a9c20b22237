// Known secret values never reach a stream or a log, wherever they appear: here the SDK password also sits inside
// another setting (a customErrors redirect URL), which the merge shows for review. Once it reached stdout and
// MfaServerUpgrade.log in clear, because the value was only learned when report.html was built.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

const PASSWORD = 'S3cr3t!Pass'; // the lab's SDK service account password (core/host/lab/scenarios.ts)
let ps: PowerShellSession;
let dir: string;
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-redact-'));
  ps = await openModuleSession(dir);
});
after(async () => {
  await ps.close();
});

function logFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(folder, f))
    .filter((f) => /\.log$/i.test(f) && statSync(f).isFile());
}

test('the SDK password inside a customErrors redirect URL is redacted on every stream and in every log', async () => {
  const lab = path.join(dir, 'lab');
  const made = await ps.run('$null = New-MfaLab -Path $V.lab -Confirm:$false', { lab });
  assert.ok(made.ok, made.terminatingError?.message);
  const portal = path.join(lab, 'C', 'inetpub', 'wwwroot', 'PhoneFactor', 'web.config');
  const text = readFileSync(portal, 'utf8');
  assert.ok(text.includes(PASSWORD), 'the lab portal carries the SDK password');
  writeFileSync(portal, text.replace('<pages theme="Contoso" />', `<pages theme="Contoso" />\r\n    <customErrors mode="On" defaultRedirect="https://mfa01.contoso.com/error.aspx?auth=${PASSWORD}" />`));

  const r = await ps.run("Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath 'C:\\Media\\MfaServer' -BackupDestination 'D:\\B' -Confirm:$false -Verbose | Select-Object Status, ExitCode", { lab });
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.output[0], { Status: 'Completed', ExitCode: 0 });
  assert.ok(r.warnings.some((w) => /customErrors/.test(w)), `the redirect is shown for review: ${r.warnings.join('\n')}`);
  const streams = JSON.stringify([r.output, r.errors, r.warnings, r.verbose, r.information]);
  assert.ok(!streams.includes(PASSWORD), 'no stream carries the password');
  const logs = logFiles(lab);
  assert.ok(logs.some((f) => /MfaServerUpgrade\.log$/.test(f)), logs.join(', '));
  for (const f of logs) assert.ok(!readFileSync(f, 'utf8').includes(PASSWORD), `${f} carries the password`);
});

/**
 * Merge-MfaWebConfig on its own (issue 23 item 3): the SDK password learned from the file is masked wherever it appears
 * inside another value (a redirect URL's query string, a URL's user:pass@, URL-encoded), setting names that mean
 * password in other languages are secret, and only values are masked: names, sections and paths are shown as they are.
 */
test('Merge-MfaWebConfig masks the learned SDK password inside other values and passwords named in any language, on every stream', async () => {
  const folder = path.join(dir, 'merge-secrets');
  mkdirSync(folder, { recursive: true });
  const sdk = 'Gr8&Zq7!Kx-sdk';
  const xml = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  const named: Record<string, string> = {
    Kennwort: 'K3nnw0rt-alt',
    Benutzerkennwort: 'B3nutz3r-alt',
    'Contraseña': 'C0ntras3na-alt',
    MotDePasse: 'M0tD3Pass3-alt',
    Senha: 'S3nha-alt',
    Wachtwoord: 'W4chtw00rd-alt',
    'Lösenord': 'L0s3n0rd-alt',
    'Hasło': 'H4sl0-alt',
    'Пароль': 'P4r0l-alt',
    '数据库密码': 'Sh4ngh4i-alt',
    'パスワード': 'T0ky0-alt',
  };
  const newer = Object.fromEntries(Object.entries(named).map(([k, v]) => [k, v.replace('-alt', '-neu')]));
  const file = (sdkPassword: string, settings: Record<string, string>, system: string) =>
    '<?xml version="1.0" encoding="utf-8"?>\r\n<configuration>\r\n  <appSettings>\r\n' +
    `    <add key="WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD" value="${xml(sdkPassword)}" />\r\n` +
    Object.entries(settings).map(([k, v]) => `    <add key="${k}" value="${xml(v)}" />\r\n`).join('') +
    `  </appSettings>\r\n  <system.web>\r\n${system}  </system.web>\r\n</configuration>\r\n`;
  const redirect = `https://mfa01.contoso.com/error.aspx?auth=${encodeURIComponent(sdk)}&amp;raw=${xml(sdk)}`;
  writeFileSync(path.join(folder, 'old.config'), file(sdk, newer,
    `    <customErrors mode="On" defaultRedirect="${redirect}">\r\n` +
    `      <error statusCode="500" redirect="https://svc-pfsdk:${encodeURIComponent(sdk)}@mfa01.contoso.com/500.aspx" />\r\n` +
    '    </customErrors>\r\n' +
    `    <pages theme="x${xml(sdk)}y" />\r\n`));
  writeFileSync(path.join(folder, 'web.config'), file('', named, '    <customErrors mode="RemoteOnly" />\r\n    <pages theme="Default" />\r\n'));
  const p = { Path: path.join(folder, 'web.config'), ReferencePath: path.join(folder, 'old.config'), transcript: path.join(folder, 'whatif.txt') };
  const r = await ps.run(String.raw`
    Start-Transcript -LiteralPath $V.transcript | Out-Null
    try { Merge-MfaWebConfig -Path $V.Path -ReferencePath $V.ReferencePath -WhatIf -Verbose } finally { Stop-Transcript | Out-Null }
    $all = Merge-MfaWebConfig -Path $V.Path -ReferencePath $V.ReferencePath -Confirm:$false -Verbose -Debug *>&1
    $rows = @($all | Where-Object { $_ -is [psobject] -and $_.PSObject.TypeNames[0] -eq 'MfaServerUpgrade.WebConfigChange' })
    [pscustomobject]@{
      Rows = @($rows | Select-Object Section, Name, Action, OldValue, NewValue, Detail, Path)
      Streams = ($all | Out-String -Width 400)
      List = ($rows | Format-List * | Out-String -Width 400)
      Json = ($rows | ConvertTo-Json -Depth 3)
    }`, p);
  assert.ok(r.ok, r.terminatingError?.message);
  const shown = JSON.stringify([r.output, r.errors, r.warnings, r.verbose, r.information]) + readFileSync(p.transcript, 'utf8');
  const leaked = [sdk, xml(sdk), encodeURIComponent(sdk), ...Object.values(named), ...Object.values(newer)].filter((v) => shown.includes(v));
  assert.deepEqual(leaked, [], 'secret values shown somewhere');
  const out = r.output[0] as { Rows: { Section: string; Name: string; Action: string; OldValue: string | null; NewValue: string | null; Path: string }[] };
  const byName = new Map(out.Rows.map((x) => [`${x.Section} ${x.Name}`, x]));
  for (const name of Object.keys(named)) {
    const row = byName.get(`appSettings ${name}`);
    assert.ok(row, `${name} is reported under its own name`);
    assert.match(row.NewValue ?? '', /^\*{8} \([0-9a-f]{6}\)$/, name);
    assert.notEqual(row.OldValue, row.NewValue, `${name}: the mask still shows the change`);
  }
  // The value around the password stays readable: only the password is masked.
  const defaultRedirect = byName.get('system.web/customErrors defaultRedirect');
  assert.match(defaultRedirect?.NewValue ?? '', /^https:\/\/mfa01\.contoso\.com\/error\.aspx\?auth=\*{8} \([0-9a-f]{6}\)&raw=\*{8} \([0-9a-f]{6}\)$/);
  assert.ok(out.Rows.every((x) => x.Path === p.Path), 'paths are shown as they are');
  assert.match(readFileSync(p.Path, 'utf8'), /K3nnw0rt-neu/, 'the values themselves are carried');
});
