// -Credential and -Session without a remote server in play: what an admin's script may pass them. $null and
// [PSCredential]::Empty mean "no credential" (as with PowerShell's own cmdlets); a null or empty -Session is refused
// by PowerShell itself, naming the parameter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

let ps: PowerShellSession;
let root: string;
let lab: string;

before(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mfa-remoting-params-'));
  lab = path.join(root, 'lab');
  ps = await openModuleSession(root);
  const made = await ps.run('New-MfaLab -Path $V.lab | Out-Null', { lab });
  assert.ok(made.ok, made.terminatingError?.message);
});

after(async () => {
  await ps?.close();
  rmSync(root, { recursive: true, force: true });
});

test('-Credential $null and [PSCredential]::Empty are no credential: the lab is read as without them', async () => {
  const r = await ps.run(
    '@(Get-PhoneFactorComponent -LabPath $V.lab).Count; @(Get-PhoneFactorComponent -LabPath $V.lab -Credential $null).Count; @(Get-PhoneFactorComponent -LabPath $V.lab -Credential ([pscredential]::Empty)).Count',
    { lab },
  );
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.errors, []);
  assert.ok((r.output[0] as number) >= 3);
  assert.deepEqual(r.output, [r.output[0], r.output[0], r.output[0]]);
});

test('-Session $null or an empty list is refused by parameter validation, naming -Session', async () => {
  for (const value of ['$null', '@()']) {
    const r = await ps.run(`Get-PhoneFactorComponent -LabPath $V.lab -Session ${value} -ErrorAction Stop`, { lab });
    assert.equal(r.ok, false, value);
    assert.match(r.terminatingError!.fullyQualifiedErrorId, /^ParameterArgumentValidationError,Get-PhoneFactorComponent$/);
    assert.match(r.terminatingError!.message, /parameter 'Session'/);
  }
});
