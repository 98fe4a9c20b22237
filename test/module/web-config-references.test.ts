// Files a web.config names (issue 23 item 13): appSettings file= and configSource= (here on connectionStrings) are
// backed up beside their web.config, hashed; Test-PhoneFactorBackup catches a changed one; the backup-coverage rule
// refuses an uninstall when one is missing from the backup; Restore-PhoneFactor puts them back byte for byte, only
// where a web.config of the backup names them; New-MfaLab -FromBackup reproduces them. A reference leading out of the
// application folder and one to a file that is not there are warnings, never a failed backup. Real pwsh, a lab server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession, ScriptOutcome } from '../../core/host/remote/powershell-session';

let ps: PowerShellSession;
let dir: string;
let lab: string;
let made: ScriptOutcome;
let good: string;

interface ManifestFile {
  kind: string;
  component: string;
  relativePath: string;
  originalPath: string;
  sha256: string;
  size: number;
}
interface Manifest {
  files: ManifestFile[];
  skippedItems: { originalPath: string; reason: string }[];
}

const PORTAL = ['C', 'inetpub', 'wwwroot', 'PhoneFactor'];
const MOBILE = ['C', 'inetpub', 'wwwroot', 'PhoneFactorPhoneAppWebService'];
const inLab = (root: string, folder: string[], name: string) => path.join(root, ...folder, name);
const CUSTOM_CONFIG = '<?xml version="1.0" encoding="utf-8"?>\r\n<appSettings>\r\n  <add key="PORTAL_BRAND" value="Contoso Blue" />\r\n</appSettings>\r\n';
const CS_CONFIG = '<?xml version="1.0" encoding="utf-8"?>\r\n<connectionStrings>\r\n' +
  '  <add name="Audit" connectionString="Server=sql01;Database=Audit;Integrated Security=true" />\r\n</connectionStrings>\r\n';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const readManifest = (backup: string) => JSON.parse(readFileSync(path.join(backup, 'manifest.json'), 'utf8')) as Manifest;

/** The User portal's web.config takes appSettings entries from custom.config and its connection strings from cs.config. */
function useReferencedFiles(root: string): void {
  const webConfig = inLab(root, PORTAL, 'web.config');
  const text = readFileSync(webConfig, 'utf8');
  assert.ok(text.includes('<appSettings>') && text.includes('</appSettings>\r\n'), 'the lab web.config has the appSettings this test edits');
  writeFileSync(webConfig, text.replace('<appSettings>', '<appSettings file="custom.config">')
    .replace('</appSettings>\r\n', '</appSettings>\r\n  <connectionStrings configSource="cs.config" />\r\n'));
  writeFileSync(inLab(root, PORTAL, 'custom.config'), CUSTOM_CONFIG);
  writeFileSync(inLab(root, PORTAL, 'cs.config'), CS_CONFIG);
  // The mobile app names one file outside its folder and one that is not there: warnings, not a failed backup.
  const mobile = inLab(root, MOBILE, 'web.config');
  writeFileSync(mobile, readFileSync(mobile, 'utf8').replace('<appSettings>', '<appSettings file="..\\shared.config">')
    .replace('</appSettings>\r\n', '</appSettings>\r\n  <connectionStrings configSource="missing.config" />\r\n'));
  writeFileSync(path.join(root, 'C', 'inetpub', 'wwwroot', 'shared.config'), '<appSettings />\r\n');
}

/** A copy of the good backup with the manifest edited (and the files it no longer lists removed). */
function variant(name: string, edit: (m: Manifest) => void): string {
  const copy = path.join(dir, 'variants', `PhoneFactorBackup-MFA01-20240101-0000${String(name.length).padStart(2, '0')}-${name}`);
  cpSync(good, copy, { recursive: true });
  const file = path.join(copy, 'manifest.json');
  const manifest = readManifest(copy);
  const kept = manifest.files.map((f) => f.relativePath);
  edit(manifest);
  for (const rel of kept.filter((r) => !manifest.files.some((f) => f.relativePath === r))) rmSync(path.join(copy, ...rel.split('\\')));
  writeFileSync(file, JSON.stringify(manifest, null, 2));
  return copy;
}

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-webconfig-refs-'));
  lab = path.join(dir, 'lab');
  ps = await openModuleSession(dir);
  const newLab = await ps.run('$null = New-MfaLab -Path $V.lab -Confirm:$false', { lab });
  assert.ok(newLab.ok, newLab.terminatingError?.message);
  useReferencedFiles(lab);
  made = await ps.run("Backup-PhoneFactor -LabPath $V.lab -Destination (Join-Path $V.dir 'backups') -Confirm:$false", { lab, dir });
  assert.ok(made.ok, made.terminatingError?.message);
  assert.deepEqual(made.errors, []);
  good = (made.output[0] as { BackupPath: string }).BackupPath;
});
after(async () => {
  await ps.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the backup holds custom.config (file=) and cs.config (configSource=) beside the web.config, hashed, byte for byte', () => {
  const manifest = readManifest(good);
  for (const [name, text] of [['custom.config', CUSTOM_CONFIG], ['cs.config', CS_CONFIG]]) {
    const entry = manifest.files.find((f) => f.relativePath === `UserPortal\\${name}`);
    assert.ok(entry, `UserPortal\\${name} is in the manifest (${manifest.files.map((f) => f.relativePath).join(', ')})`);
    assert.equal(entry.kind, 'ConfigFile');
    assert.equal(entry.component, 'UserPortal');
    assert.equal(entry.originalPath, `C:\\inetpub\\wwwroot\\PhoneFactor\\${name}`);
    const copy = readFileSync(path.join(good, 'UserPortal', name));
    assert.ok(copy.equals(Buffer.from(text)), `${name} is the server's file byte for byte`);
    assert.equal(entry.sha256, sha256(copy));
    assert.equal(entry.size, copy.length);
  }
});

test('a reference out of the application folder and one to a missing file are warnings naming each; neither is copied', () => {
  const manifest = readManifest(good);
  const warnings = made.warnings.join('\n');
  assert.match(warnings, /MobileAppWebService: .*PhoneFactorPhoneAppWebService\\web\.config line \d+ names "\.\.\\shared\.config" \(appSettings file=\), which is not backed up: it leads out of the application folder/);
  assert.match(warnings, /names "missing\.config" \(connectionStrings configSource=\), but .*PhoneFactorPhoneAppWebService\\missing\.config does not exist: \.NET refuses/);
  assert.ok(!manifest.files.some((f) => /shared\.config|missing\.config/.test(f.originalPath)), 'neither is in the manifest');
  assert.deepEqual(manifest.skippedItems.map((s) => [s.originalPath, s.reason]), [['C:\\inetpub\\wwwroot\\PhoneFactorPhoneAppWebService\\missing.config', 'SourceMissing']]);
  assert.ok((made.output[0] as { SkippedItems: string[] }).SkippedItems.some((s) => s.includes('missing.config (SourceMissing)')));
});

test('Test-PhoneFactorBackup names a changed referenced file', async () => {
  const ok = await ps.run('Test-PhoneFactorBackup -Path $V.backup', { backup: good });
  assert.equal((ok.output[0] as { IsValid: boolean }).IsValid, true);
  const tampered = variant('tampered', () => undefined);
  writeFileSync(path.join(tampered, 'UserPortal', 'cs.config'), CS_CONFIG.replace('sql01', 'sql99'));
  const r = await ps.run('Test-PhoneFactorBackup -Path $V.backup', { backup: tampered });
  const row = r.output[0] as { IsValid: boolean; Changed: string[] };
  assert.equal(row.IsValid, false);
  assert.deepEqual(row.Changed, ['UserPortal\\cs.config']);
});

test('an uninstall is refused when the backup lacks a file the web.config names; nothing is removed', async () => {
  const backup = variant('no-cs', (m) => (m.files = m.files.filter((f) => f.relativePath !== 'UserPortal\\cs.config')));
  const r = await ps.run('Uninstall-PhoneFactor -LabPath $V.lab -BackupPath $V.backup -Confirm:$false', { lab, backup });
  assert.deepEqual(r.output, [], 'nothing was uninstalled');
  assert.equal(r.errors[0]?.fullyQualifiedErrorId, 'BackupDoesNotCover,Uninstall-PhoneFactor', JSON.stringify(r.errors));
  assert.match(r.errors[0].message, /does not hold the file C:\\inetpub\\wwwroot\\PhoneFactor\\cs\.config that the UserPortal web\.config names \(connectionStrings configSource=\)/);
  const count = await ps.run('@(Get-PhoneFactorComponent -LabPath $V.lab | Where-Object IsLegacy).Count', { lab });
  assert.equal(count.output[0], 4, 'every component is still installed');
});

test('Restore-PhoneFactor puts both files back byte for byte', async () => {
  writeFileSync(inLab(lab, PORTAL, 'custom.config'), CUSTOM_CONFIG.replace('Contoso Blue', 'changed'));
  unlinkSync(inLab(lab, PORTAL, 'cs.config'));
  const r = await ps.run('Restore-PhoneFactor -Path $V.backup -LabPath $V.lab -Component UserPortal -Confirm:$false', { backup: good, lab });
  assert.deepEqual(r.errors, []);
  const rows = r.output as { RelativePath: string; Kind: string; Status: string }[];
  assert.deepEqual(
    rows.filter((o) => o.Kind === 'ConfigFile').map((o) => [o.RelativePath, o.Status]).sort(),
    [['UserPortal\\cs.config', 'Restored'], ['UserPortal\\custom.config', 'Restored']],
  );
  assert.equal(readFileSync(inLab(lab, PORTAL, 'custom.config'), 'utf8'), CUSTOM_CONFIG);
  assert.equal(readFileSync(inLab(lab, PORTAL, 'cs.config'), 'utf8'), CS_CONFIG);
});

test('a file entry in the application folder that no web.config of the backup names is not restored (a DLL in bin)', async () => {
  const backup = variant('bin-dll', (m) => {
    const entry = m.files.find((f) => f.relativePath === 'UserPortal\\custom.config')!;
    entry.originalPath = 'C:\\inetpub\\wwwroot\\PhoneFactor\\bin\\Contoso.dll';
  });
  const tested = await ps.run('Test-PhoneFactorBackup -Path $V.backup', { backup });
  const row = tested.output[0] as { IsValid: boolean; Reason: string };
  assert.equal(row.IsValid, false);
  assert.match(row.Reason, /bin\\Contoso\.dll \(UserPortal ConfigFile, UserPortal\\custom\.config\) is not named by a web\.config of the backup/);
  const r = await ps.run('Restore-PhoneFactor -Path $V.backup -LabPath $V.lab -Component UserPortal -Confirm:$false', { backup, lab });
  assert.equal(r.errors[0]?.fullyQualifiedErrorId, 'RestoreTargetRefused,Restore-PhoneFactor', JSON.stringify(r.errors));
  assert.ok(!existsSync(inLab(lab, PORTAL, path.join('bin', 'Contoso.dll'))), 'nothing was written into bin');
});

test('New-MfaLab -FromBackup reproduces the referenced files', async () => {
  const rebuilt = path.join(dir, 'rebuilt');
  const r = await ps.run('$null = New-MfaLab -Path $V.rebuilt -FromBackup $V.backup -Confirm:$false', { rebuilt, backup: good });
  assert.ok(r.ok, r.terminatingError?.message);
  assert.equal(readFileSync(inLab(rebuilt, PORTAL, 'custom.config'), 'utf8'), CUSTOM_CONFIG);
  assert.equal(readFileSync(inLab(rebuilt, PORTAL, 'cs.config'), 'utf8'), CS_CONFIG);
  assert.ok(!existsSync(path.join(rebuilt, 'C', 'inetpub', 'wwwroot', 'shared.config')), 'a file outside the application folder was never in the backup');
});
