// Known secret values never reach a stream or a log, wherever they appear: here the SDK password also sits inside
// another setting (a customErrors redirect URL), which the merge shows for review. Once it reached stdout and
// MfaServerUpgrade.log in clear, because the value was only learned when report.html was built.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
