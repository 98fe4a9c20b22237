// The way back kept in every backup: Backup-PhoneFactor copies a verified package per PhoneFactor product (with its
// cabinets) and how to reinstall it, reports RollbackMedia rows, and Test-PhoneFactorBackup sees a changed package.
// Through the generated cmdlets in real pwsh, on lab servers whose Windows Installer caches packages as Windows does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession, ScriptOutcome } from '../../core/host/remote/powershell-session';
import { openLab } from '../../core/host/lab/open-lab';
import { labMediaFile } from '../../core/host/lab/media';

const PF_MEDIA = path.join('assets', 'lab-media', 'phonefactor');

interface Row {
  ComputerName: string;
  Component: string;
  ProductCode: string;
  Version: string;
  Source: string | null;
  PackagePath: string | null;
  Verdict: string;
  Detail: string;
}
interface BackupOut {
  BackupPath: string;
  RollbackMedia: Row[];
}
interface ManifestFile {
  component: string;
  kind: string;
  originalPath: string;
  relativePath: string;
  sha256: string;
}

let ps: PowerShellSession;
let root: string;

before(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'mfa-rollback-'));
  ps = await openModuleSession();
});
after(async () => {
  await ps.close();
  rmSync(root, { recursive: true, force: true });
});

const fresh = (name: string) => mkdtempSync(path.join(root, `${name}-`));

async function run(script: string, values: unknown = {}): Promise<ScriptOutcome> {
  return ps.run(script, values);
}

async function newLab(scenario: string): Promise<string> {
  const lab = path.join(fresh('lab'), 'lab');
  const r = await run('New-MfaLab -Path $V.lab -Scenario $V.scenario | Out-Null', { lab, scenario });
  assert.ok(r.ok, r.terminatingError?.message);
  return lab;
}

async function backUp(lab: string, extra = '', values: Record<string, unknown> = {}): Promise<{ out: BackupOut; r: ScriptOutcome }> {
  const r = await run(`Backup-PhoneFactor -LabPath $V.lab -Destination $V.dest ${extra}`, { lab, dest: fresh('dest'), ...values });
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.errors, []);
  return { out: r.output[0] as BackupOut, r };
}

const manifestOf = (backup: string) => (JSON.parse(readFileSync(path.join(backup, 'manifest.json'), 'utf8')) as { files: ManifestFile[] }).files;
const inBackup = (backup: string, rel: string) => path.join(backup, ...rel.split('\\'));

test('a backup keeps a verified package per PhoneFactor product, its cabinets, and how to reinstall it', async () => {
  const lab = await newLab('SingleServer');
  const { out } = await backUp(lab);
  assert.deepEqual(out.RollbackMedia.map((x) => [x.Component, x.Version, x.Source, x.Verdict]).sort(), [
    ['Agent', '5.2.1.0', 'OriginalSource', 'Verified'],
    ['MobileAppWebService', '5.2.1.0', 'OriginalSource', 'Verified'],
    ['UserPortal', '5.2.1.0', 'OriginalSource', 'Verified'],
    ['WebServiceSdk', '5.2.1.0', 'OriginalSource', 'Verified'],
  ]);
  const files = manifestOf(out.BackupPath).filter((f) => f.relativePath.startsWith('RollbackMedia\\'));
  assert.ok(files.every((f) => f.kind === (f.relativePath.endsWith('.json') ? 'Inventory' : 'RollbackMedia')));
  const rel = files.map((f) => f.relativePath).sort();
  assert.deepEqual(rel, [
    'RollbackMedia\\Agent\\PhoneFactorAgentSetup.msi',
    'RollbackMedia\\MobileAppWebService\\PhoneFactorPhoneAppWebServiceSetup64.msi',
    'RollbackMedia\\UserPortal\\PFUP64.CAB',
    'RollbackMedia\\UserPortal\\PhoneFactorUserPortalSetup64.msi',
    'RollbackMedia\\WebServiceSdk\\PFSDK.CAB',
    'RollbackMedia\\WebServiceSdk\\PhoneFactorWebServiceSdkSetup.msi',
    'RollbackMedia\\rollback-media.json',
  ]);
  // Byte for byte the original installers (the cached copies lack their cabinets, so the original source was chosen).
  for (const f of ['PhoneFactorUserPortalSetup64.msi', 'PFUP64.CAB']) {
    assert.ok(readFileSync(inBackup(out.BackupPath, `RollbackMedia\\UserPortal\\${f}`)).equals(readFileSync(labMediaFile(PF_MEDIA, f))), f);
  }
  const record = JSON.parse(readFileSync(inBackup(out.BackupPath, 'RollbackMedia\\rollback-media.json'), 'utf8')) as {
    products: { component: string; package: string; cabinets: string[]; reinstall: { site: string; virtualDirectory: string; installFolder: string;
      properties: { name: string; value: string; basis: string }[] }; candidates: { source: string; verdict: string }[] }[];
  };
  const portal = record.products.find((p) => p.component === 'UserPortal')!;
  assert.equal(portal.package, 'RollbackMedia\\UserPortal\\PhoneFactorUserPortalSetup64.msi');
  assert.deepEqual(portal.cabinets, ['RollbackMedia\\UserPortal\\PFUP64.CAB']);
  assert.equal(portal.reinstall.site, 'Default Web Site');
  assert.equal(portal.reinstall.virtualDirectory, 'PhoneFactor');
  assert.equal(portal.reinstall.installFolder, 'C:\\inetpub\\wwwroot\\PhoneFactor');
  assert.ok(portal.reinstall.properties.some((p) => p.name === 'TARGETVDIR' && p.value === 'PhoneFactor' && /^Inference/.test(p.basis)));
  assert.deepEqual(portal.candidates.map((c) => [c.source, c.verdict]), [['CachedPackage', 'CabinetMissing'], ['OriginalSource', 'Verified']]);

  const valid = await run('Test-PhoneFactorBackup -Path $V.p', { p: out.BackupPath });
  assert.equal((valid.output[0] as { IsValid: boolean }).IsValid, true);
});

test('Test-PhoneFactorBackup detects a changed rollback package', async () => {
  const lab = await newLab('SingleServer');
  const { out } = await backUp(lab);
  appendFileSync(inBackup(out.BackupPath, 'RollbackMedia\\Agent\\PhoneFactorAgentSetup.msi'), Buffer.from([0]));
  const r = await run('Test-PhoneFactorBackup -Path $V.p', { p: out.BackupPath });
  const t = r.output[0] as { IsValid: boolean; Changed: string[] };
  assert.equal(t.IsValid, false);
  assert.deepEqual(t.Changed, ['RollbackMedia\\Agent\\PhoneFactorAgentSetup.msi']);
});

test('Test-PhoneFactorBackup refuses a rollback package swapped for another product even with a manifest made to match', async () => {
  const lab = await newLab('SingleServer');
  const { out } = await backUp(lab);
  const rel = 'RollbackMedia\\Agent\\PhoneFactorAgentSetup.msi';
  const file = inBackup(out.BackupPath, rel);
  copyFileSync(labMediaFile(PF_MEDIA, 'PhoneFactorWebServiceSdkSetup.msi'), file);
  const manifestPath = path.join(out.BackupPath, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: (ManifestFile & { size: number })[] };
  const entry = manifest.files.find((f) => f.relativePath === rel)!;
  const bytes = readFileSync(file);
  entry.sha256 = createHash('sha256').update(bytes).digest('hex');
  entry.size = bytes.length;
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  const r = await run('Test-PhoneFactorBackup -Path $V.p', { p: out.BackupPath });
  const t = r.output[0] as { IsValid: boolean; Reason: string };
  assert.equal(t.IsValid, false);
  assert.match(t.Reason, /rollback package of PhoneFactor Agent 5\.2\.1\.0 .* installs \{2A7F9C1E-5B3D-4E8A-9C6F-1D2E3F4A5B04\} 5\.2\.1\.0, not \{4B2F6E1A/);
});

test('CachedPackageOnly: no verified package, said per product and as a warning; -RollbackMediaPath with the right MSIs fixes it', async () => {
  const lab = await newLab('CachedPackageOnly');
  const { out, r } = await backUp(lab);
  assert.ok(out.RollbackMedia.length === 4 && out.RollbackMedia.every((x) => x.Verdict === 'NoVerifiedPackage' && x.Source === null));
  assert.match(out.RollbackMedia.find((x) => x.Component === 'UserPortal')!.Detail, /CachedPackage: .*PFUP64\.CAB is missing/);
  assert.ok(r.warnings.some((w) => /No package can reinstall PhoneFactor Agent 5\.2\.1\.0/.test(w)), JSON.stringify(r.warnings));
  assert.deepEqual(manifestOf(out.BackupPath).filter((f) => f.relativePath.startsWith('RollbackMedia\\')).map((f) => f.relativePath), [
    'RollbackMedia\\rollback-media.json',
  ]);

  // The admin copies the previous installers into a folder on the server and names it.
  const [host] = await openLab(lab);
  for (const f of ['PhoneFactorAgentSetup.msi', 'PhoneFactorUserPortalSetup64.msi', 'PFUP64.CAB', 'PhoneFactorPhoneAppWebServiceSetup64.msi',
    'PhoneFactorWebServiceSdkSetup.msi', 'PFSDK.CAB']) {
    await host.placeFile(`C:\\Media\\PhoneFactor\\${f}`, readFileSync(labMediaFile(PF_MEDIA, f)));
  }
  const fixed = await backUp(lab, '-RollbackMediaPath $V.media', { media: 'C:\\Media\\PhoneFactor' });
  assert.ok(fixed.out.RollbackMedia.every((x) => x.Verdict === 'Verified' && x.Source === 'GivenMedia'), JSON.stringify(fixed.out.RollbackMedia));
  assert.equal(fixed.out.RollbackMedia.find((x) => x.Component === 'Agent')!.PackagePath, 'C:\\Media\\PhoneFactor\\PhoneFactorAgentSetup.msi');

  const missing = await run('Backup-PhoneFactor -LabPath $V.lab -Destination $V.dest -RollbackMediaPath C:\\NoSuchFolder', { lab, dest: fresh('dest') });
  assert.match(JSON.stringify(missing.errors), /RollbackMediaPathNotFound/);
  assert.match(JSON.stringify(missing.errors), /C:\\\\NoSuchFolder/);
});
