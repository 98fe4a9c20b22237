// Restore only where a backup came from (issue 13, Deliver 5): a manifest whose originalPath names a place the
// backup's own inventory does not name for that component is refused by Restore-PhoneFactor, naming the target, and
// Test-PhoneFactorBackup reports it as not valid. Real pwsh, a lab server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

let ps: PowerShellSession;
let dir: string;
let lab: string;
let good: string;

interface Manifest {
  files: { kind: string; component: string; relativePath: string; originalPath: string }[];
}

function variant(name: string, edit: (m: Manifest) => void): string {
  const copy = path.join(dir, 'backups', `PhoneFactorBackup-MFA01-20240101-0000${String(name.length).padStart(2, '0')}-${name}`);
  cpSync(good, copy, { recursive: true });
  const file = path.join(copy, 'manifest.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  edit(manifest);
  writeFileSync(file, JSON.stringify(manifest, null, 2));
  return copy;
}
const portalConfig = (m: Manifest) => m.files.find((f) => f.kind === 'WebConfig' && f.component === 'UserPortal')!;

async function assertRefused(backup: string, target: RegExp): Promise<void> {
  const tested = await ps.run('Test-PhoneFactorBackup -Path $V.backup', { backup });
  const row = tested.output[0] as { IsValid: boolean; Reason: string };
  assert.equal(row.IsValid, false, 'Test-PhoneFactorBackup reports it as not valid');
  assert.match(row.Reason, target);
  const r = await ps.run('Restore-PhoneFactor -Path $V.backup -LabPath $V.lab -Component UserPortal -Confirm:$false', { backup, lab });
  assert.deepEqual(r.output, []);
  assert.equal(r.errors[0]?.fullyQualifiedErrorId, 'RestoreTargetRefused,Restore-PhoneFactor', JSON.stringify(r.errors));
  assert.match(r.errors[0].message, target);
}

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-restore-targets-'));
  lab = path.join(dir, 'lab');
  ps = await openModuleSession(dir);
  const made = await ps.run("$null = New-MfaLab -Path $V.lab -Confirm:$false; (Backup-PhoneFactor -LabPath $V.lab -Destination (Join-Path $V.dir 'backups') -Confirm:$false).BackupPath", { lab, dir });
  assert.ok(made.ok, made.terminatingError?.message);
  good = made.output[0] as string;
});
after(async () => {
  await ps.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a web.config entry pointed at C:\\Windows\\System32 is refused by name; nothing is written there', async () => {
  const backup = variant('system32', (m) => (portalConfig(m).originalPath = 'C:\\Windows\\System32\\drivers\\etc\\hosts'));
  await assertRefused(backup, /C:\\Windows\\System32\\drivers\\etc\\hosts \(UserPortal WebConfig.*lies in the Windows folder/);
  assert.ok(!existsSync(path.join(lab, 'C', 'Windows', 'System32', 'drivers', 'etc', 'hosts')));
});

test('applicationHost.config, another drive, a path with "..", and two entries on one target are each refused by name', async () => {
  await assertRefused(variant('apphost', (m) => (portalConfig(m).originalPath = 'C:\\inetpub\\applicationHost.config')), /applicationHost\.config .*IIS configuration file/);
  await assertRefused(variant('drive', (m) => (portalConfig(m).originalPath = 'E:\\inetpub\\wwwroot\\PhoneFactor\\web.config')), /E:\\inetpub\\wwwroot\\PhoneFactor\\web\.config .*not a place the backup's inventory names for UserPortal/);
  await assertRefused(variant('dotdot', (m) => (portalConfig(m).originalPath = 'C:\\inetpub\\wwwroot\\PhoneFactor\\..\\..\\evil\\web.config')), /holds "\." or "\.\." segments/);
  await assertRefused(
    variant('twice', (m) => {
      const target = portalConfig(m).originalPath;
      const sdk = m.files.find((f) => f.kind === 'WebConfig' && f.component === 'WebServiceSdk')!;
      sdk.component = 'UserPortal';
      sdk.originalPath = target;
    }),
    /PhoneFactor\\web\.config \(UserPortal WebConfig, .*is also the target of /,
  );
});

test('a web.config of one component pointed at another component\'s folder is refused', async () => {
  const backup = variant('swap', (m) => (portalConfig(m).originalPath = 'C:\\inetpub\\wwwroot\\PhoneFactorWebServiceSdk\\web.config'));
  // The SDK's own entry names that file too, so the portal's entry is refused as a second entry on one target.
  await assertRefused(backup, /PhoneFactorWebServiceSdk\\web\.config \(UserPortal WebConfig, UserPortal\\web\.config\) (is also the target|is not a place)/);
});

test('the untouched backup is valid and restores, and its restore-undo folder undoes it', async () => {
  const tested = await ps.run('Test-PhoneFactorBackup -Path $V.backup', { backup: good });
  assert.equal((tested.output[0] as { IsValid: boolean }).IsValid, true);
  const portal = path.join(lab, 'C', 'inetpub', 'wwwroot', 'PhoneFactor', 'web.config');
  writeFileSync(portal, readFileSync(portal, 'utf8').replace('</configuration>', '<!-- edited --></configuration>'));
  const r = await ps.run('Restore-PhoneFactor -Path $V.backup -LabPath $V.lab -Component UserPortal -Confirm:$false', { backup: good, lab });
  assert.deepEqual(r.errors, []);
  const undo = (r.output as { UndoFolder: string | null }[]).find((o) => o.UndoFolder)!.UndoFolder!;
  const back = await ps.run('Restore-PhoneFactor -Path $V.undo -LabPath $V.lab -Confirm:$false', { undo, lab });
  assert.deepEqual(back.errors, []);
  assert.match(readFileSync(portal, 'utf8'), /<!-- edited -->/);
});
