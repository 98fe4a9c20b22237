// Uninstall-PhoneFactor -BackupPath takes a backup as proof only when it holds, verified, what the removal loses
// (issue 12 item 4): a manifest listing no files, or one without the data file, a web.config or the registry key of a
// component about to go, is refused naming what is missing, and nothing is removed. Real pwsh, a lab server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

const legacyCount = async () => (await ps.run('@(Get-PhoneFactorComponent -LabPath $V.lab | Where-Object IsLegacy).Count', { lab })).output[0];

/** A copy of the good backup with the manifest edited (and the files it no longer lists removed). */
function variant(name: string, edit: (m: Manifest) => void): string {
  const copy = path.join(dir, 'variants', name);
  cpSync(good, copy, { recursive: true });
  const file = path.join(copy, 'manifest.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  const before = manifest.files.map((f) => f.relativePath);
  edit(manifest);
  for (const rel of before.filter((r) => !manifest.files.some((f) => f.relativePath === r))) rmSync(path.join(copy, ...rel.split('\\')));
  writeFileSync(file, JSON.stringify(manifest, null, 2));
  return copy;
}

async function refused(backup: string): Promise<string> {
  const r = await ps.run('Uninstall-PhoneFactor -LabPath $V.lab -BackupPath $V.backup -Confirm:$false', { lab, backup });
  assert.deepEqual(r.output, [], 'nothing was uninstalled');
  assert.equal(r.errors[0]?.fullyQualifiedErrorId, 'BackupDoesNotCover,Uninstall-PhoneFactor', JSON.stringify(r.errors));
  assert.equal(await legacyCount(), 4, 'every component is still installed');
  return r.errors[0].message;
}

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-uninstall-cover-'));
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

test('a manifest that lists no files is refused', async () => {
  const message = await refused(variant('empty', (m) => (m.files = [])));
  assert.match(message, /lists no files/);
});

test('a backup without the User portal web.config is refused naming it', async () => {
  const message = await refused(variant('no-portal-config', (m) => (m.files = m.files.filter((f) => !(f.kind === 'WebConfig' && f.component === 'UserPortal')))));
  assert.match(message, /UserPortal web\.config C:\\inetpub\\wwwroot\\PhoneFactor\\web\.config/);
  assert.doesNotMatch(message, /data file|registry key/);
});

test('a backup without the data file is refused naming it', async () => {
  const message = await refused(variant('no-data', (m) => (m.files = m.files.filter((f) => !/\.pfdata$/i.test(f.relativePath)))));
  assert.match(message, /Agent data file C:\\Program Files\\PhoneFactor\\Data\\PhoneFactor\.pfdata/);
});

test('a backup without the registry key is refused naming it', async () => {
  const message = await refused(variant('no-registry', (m) => (m.files = m.files.filter((f) => f.kind !== 'Registry'))));
  assert.match(message, /registry key HKLM\\SOFTWARE\\Positive Networks\\PhoneFactor/);
});

test('a backup whose web.config entry names another place on the server does not count for it', async () => {
  const message = await refused(
    variant('moved-config', (m) => {
      for (const f of m.files) if (f.kind === 'WebConfig' && f.component === 'WebServiceSdk') f.originalPath = 'C:\\inetpub\\wwwroot\\Elsewhere\\web.config';
    }),
  );
  assert.match(message, /WebServiceSdk web\.config/);
});

test('a backup whose files do not verify is refused naming the file', async () => {
  const copy = variant('changed', () => undefined);
  writeFileSync(path.join(copy, 'UserPortal', 'web.config'), '<configuration/>');
  const message = await refused(copy);
  assert.match(message, /UserPortal\\web\.config \(Changed\)/);
});

test('the intact backup is accepted and the components go in the documented order', async () => {
  const r = await ps.run('Uninstall-PhoneFactor -LabPath $V.lab -BackupPath $V.backup -Confirm:$false | Select-Object -ExpandProperty Component', { lab, backup: good });
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.output, ['UserPortal', 'MobileAppWebService', 'WebServiceSdk', 'Agent']);
});
