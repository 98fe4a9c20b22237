// Backup-PhoneFactor, Test-PhoneFactorBackup and Restore-PhoneFactor through the generated cmdlets in real pwsh,
// on lab servers made by New-MfaLab. Every byte is compared with the lab's own files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, appendFileSync, unlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession, ScriptOutcome } from '../../core/host/remote/powershell-session';
import { openLab } from '../../core/host/lab/open-lab';
import type { LabHost } from '../../core/host/lab/lab-host';
import { decodeRegFileBytes } from '../../core/host/registry-file';

// The SDK service account password New-MfaLab writes into every web.config (core/host/lab/scenarios.ts).
const LAB_SDK_PASSWORD = 'S3cr3t!Pass';

let ps: PowerShellSession;
let root: string;
const seenText: string[] = [];

interface BackupOut {
  BackupPath: string;
  ComputerName: string;
  LabPath: string | null;
  Items: number;
  TotalBytes: number;
  IsVerified: boolean;
  StoppedServices: string[];
  RemovedBackups: string[];
}
interface TestOut {
  IsValid: boolean;
  Reason: string | null;
  Missing: string[];
  Changed: string[];
  Extra: string[];
  Items: { RelativePath: string; Status: string }[];
}
interface RestoreOut {
  RelativePath: string;
  TargetPath: string;
  Status: string;
  UndoFolder: string | null;
  UndoPath: string | null;
}
interface ManifestFile {
  component: string;
  kind: string;
  originalPath: string;
  relativePath: string;
  size: number;
  sha256: string;
}

/** Every run's text (output, errors, warnings, verbose) is kept: the last test checks the password is in none of it. */
async function run(script: string, values: unknown = {}): Promise<ScriptOutcome> {
  const r = await ps.run(script, values);
  seenText.push(JSON.stringify(r));
  return r;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const fresh = (name: string) => path.join(mkdtempSync(path.join(root, `${name}-`)));
const readManifest = (backup: string) => JSON.parse(readFileSync(path.join(backup, 'manifest.json'), 'utf8')) as { files: ManifestFile[]; source: { computerName: string } };
const backupFile = (backup: string, rel: string) => path.join(backup, ...rel.split('\\'));

function listFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(folder, e.name)).map((f) => `${e.name}/${f}`) : [e.name],
  );
}

async function newLab(scenario = 'SingleServer'): Promise<string> {
  const lab = path.join(fresh('lab'), 'lab');
  const r = await run('New-MfaLab -Path $V.lab -Scenario $V.scenario | Out-Null', { lab, scenario });
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.errors, []);
  return lab;
}

async function labHost(lab: string, computerName?: string): Promise<LabHost> {
  const hosts = await openLab(lab);
  return computerName ? hosts.find((h) => h.computerName === computerName)! : hosts[0];
}

async function backUp(lab: string, destination: string, extra = ''): Promise<BackupOut> {
  const r = await run(`Backup-PhoneFactor -LabPath $V.lab -Destination $V.dest ${extra} -Verbose`, { lab, dest: destination });
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.errors, []);
  assert.equal(r.output.length, 1);
  return r.output[0] as BackupOut;
}

async function serviceState(lab: string, name: string): Promise<string> {
  return (await (await labHost(lab)).getService(name))!.state;
}

before(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'mfa-backup-'));
  ps = await openModuleSession();
});
after(async () => {
  await ps.close();
  rmSync(root, { recursive: true, force: true });
});

test('a backup holds the data folder, the three web.configs, the custom theme, the registry key and the inventory, byte for byte', async () => {
  const lab = await newLab();
  const host = await labHost(lab);
  const out = await backUp(lab, fresh('dest'));
  const manifest = readManifest(out.BackupPath);
  assert.equal(out.ComputerName, 'MFA01');
  assert.equal(out.IsVerified, true);
  assert.equal(out.Items, manifest.files.length);
  assert.equal(out.TotalBytes, manifest.files.reduce((n, f) => n + f.size, 0));
  assert.deepEqual(out.StoppedServices, []);

  // The whole data folder, every file of it.
  const dataFolder = host.localPath('C:\\Program Files\\PhoneFactor\\Data');
  const dataFiles = listFiles(dataFolder).sort();
  assert.ok(dataFiles.length >= 2, 'the lab data folder holds the data file and the activation file');
  const inBackup = manifest.files.filter((f) => f.kind === 'DataFolder').map((f) => f.relativePath.replace(/^Agent\\Data\\/, '').replace(/\\/g, '/')).sort();
  assert.deepEqual(inBackup, dataFiles);

  // The web.configs and the custom theme folder (not the installer's own Default theme).
  const rel = manifest.files.map((f) => f.relativePath);
  for (const expected of ['UserPortal\\web.config', 'MobileAppWebService\\web.config', 'WebServiceSdk\\web.config', 'Registry\\PhoneFactor.reg', 'inventory.json']) {
    assert.ok(rel.includes(expected), `${expected} is in the backup (${rel.join(', ')})`);
  }
  const themeFiles = listFiles(host.localPath('C:\\inetpub\\wwwroot\\PhoneFactor\\App_Themes\\Contoso')).sort();
  assert.deepEqual(
    rel.filter((r) => r.startsWith('UserPortal\\App_Themes\\')).map((r) => r.replace('UserPortal\\App_Themes\\Contoso\\', '')).sort(),
    themeFiles,
  );
  assert.ok(!rel.some((r) => /App_Themes\\Default/i.test(r)), 'the Default theme is the installer\'s, not a custom one');

  // Every file copied from the server is byte-identical to the lab's file, and its manifest hash is the file's hash.
  for (const f of manifest.files.filter((x) => x.kind !== 'Registry' && x.kind !== 'Inventory')) {
    const original = readFileSync(host.localPath(f.originalPath));
    const copy = readFileSync(backupFile(out.BackupPath, f.relativePath));
    assert.ok(copy.equals(original), `${f.relativePath} equals ${f.originalPath}`);
    assert.equal(f.sha256, sha256(original), f.relativePath);
    assert.equal(f.size, original.length);
  }

  // The registry key in regedit format, as the host exports it; the inventory as JSON.
  const reg = decodeRegFileBytes(readFileSync(backupFile(out.BackupPath, 'Registry\\PhoneFactor.reg')));
  assert.equal(reg, await host.exportRegistryKey('HKLM\\SOFTWARE\\Positive Networks\\PhoneFactor', '32'));
  assert.match(reg, /^Windows Registry Editor Version 5\.00/);
  assert.match(reg, /"InstallPath"="C:\\\\Program Files\\\\PhoneFactor\\\\"/);
  const inventory = JSON.parse(readFileSync(backupFile(out.BackupPath, 'inventory.json'), 'utf8')) as { ComputerName: string; Components: { Component: string }[] };
  assert.equal(inventory.ComputerName, 'MFA01');
  assert.deepEqual(inventory.Components.map((c) => c.Component).sort(), ['Agent', 'MobileAppWebService', 'UserPortal', 'WebServiceSdk']);

  // The IIS sections of our three applications (and only those) and the installed-products list, for -FromBackup.
  const iis = JSON.parse(readFileSync(backupFile(out.BackupPath, 'IIS\\applications.json'), 'utf8')) as { sites: { name: string; bindings: unknown[]; applications: { path: string; xml: string }[] }[]; applicationPools: { name: string }[] };
  assert.deepEqual(iis.sites.map((s) => s.name), ['Default Web Site']);
  assert.deepEqual(iis.sites[0].applications.map((a) => a.path).sort(), ['/PhoneFactor', '/PhoneFactorPhoneAppWebService', '/PhoneFactorWebServiceSdk']);
  const appHost = readFileSync(host.localPath('C:\\Windows\\System32\\inetsrv\\config\\applicationHost.config'), 'utf8');
  for (const a of iis.sites[0].applications) assert.ok(appHost.includes(a.xml), `${a.path}: the element is kept byte for byte`);
  assert.deepEqual(iis.applicationPools.map((p) => p.name), ['DefaultAppPool']);
  const products = JSON.parse(readFileSync(backupFile(out.BackupPath, 'products.json'), 'utf8')) as { products: { displayName: string; displayVersion?: string }[] };
  assert.ok(products.products.some((p) => p.displayName === 'PhoneFactor Agent' && p.displayVersion === '5.2.1.0'), 'the products list names the Agent and its version');
  assert.ok(products.products.some((p) => /Visual C\+\+ 2010/.test(p.displayName)), 'other products are listed too');

  // Nothing on the server changed: the service kept running.
  assert.equal(await serviceState(lab, 'PFSVC'), 'Running');
});

test('components piped from Get-PhoneFactorComponent make one backup per server', async () => {
  const lab = await newLab();
  const dest = fresh('dest');
  const r = await run('Get-PhoneFactorComponent -LabPath $V.lab | Backup-PhoneFactor -Destination $V.dest', { lab, dest });
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.errors, []);
  assert.equal(r.output.length, 1);
  assert.equal(readdirSync(dest).length, 1);
  assert.equal((r.output[0] as BackupOut).BackupPath, path.join(dest, readdirSync(dest)[0]));

  // Two servers in one lab: two backups, each with its own server's files.
  const lab2 = await newLab('SeparateWebServer');
  const dest2 = fresh('dest');
  const r2 = await run('Get-PhoneFactorComponent -LabPath $V.lab | Backup-PhoneFactor -Destination $V.dest', { lab: lab2, dest: dest2 });
  assert.ok(r2.ok, r2.terminatingError?.message);
  const outs = r2.output as BackupOut[];
  assert.deepEqual(outs.map((o) => o.ComputerName).sort(), ['MFA01', 'WEB01']);
  assert.equal(readdirSync(dest2).length, 2);
  const web = readManifest(outs.find((o) => o.ComputerName === 'WEB01')!.BackupPath);
  assert.ok(web.files.some((f) => f.relativePath === 'UserPortal\\web.config'));
  assert.ok(!web.files.some((f) => f.kind === 'DataFolder'), 'WEB01 has no Agent, so no data folder');
});

test('Test-PhoneFactorBackup passes a fresh backup and names what is Missing, Changed or Extra in a tampered one', async () => {
  const lab = await newLab();
  const dest = fresh('dest');
  const ok = await run('Backup-PhoneFactor -LabPath $V.lab -Destination $V.dest | Test-PhoneFactorBackup', { lab, dest });
  assert.ok(ok.ok, ok.terminatingError?.message);
  const good = ok.output[0] as TestOut;
  assert.equal(good.IsValid, true);
  assert.equal(good.Reason, null);
  assert.ok(good.Items.length >= 9 && good.Items.every((i) => i.Status === 'Ok'));

  const backup = path.join(dest, readdirSync(dest)[0]);
  appendFileSync(backupFile(backup, 'UserPortal\\web.config'), '<!-- edited -->');
  unlinkSync(backupFile(backup, 'UserPortal\\App_Themes\\Contoso\\logo.txt'));
  writeFileSync(path.join(backup, 'notes.txt'), 'not part of the backup');
  const r = await run('Test-PhoneFactorBackup -Path $V.path', { path: backup });
  assert.ok(r.ok, r.terminatingError?.message);
  const bad = r.output[0] as TestOut;
  assert.equal(bad.IsValid, false);
  assert.match(bad.Reason ?? '', /1 file\(s\) changed and 1 file\(s\) missing/);
  assert.deepEqual(bad.Changed, ['UserPortal\\web.config']);
  assert.deepEqual(bad.Missing, ['UserPortal\\App_Themes\\Contoso\\logo.txt']);
  assert.deepEqual(bad.Extra, ['notes.txt']);

  // A tampered backup is refused by Restore-PhoneFactor, and nothing on the server is touched.
  const host = await labHost(lab);
  const portalConfig = host.localPath('C:\\inetpub\\wwwroot\\PhoneFactor\\web.config');
  writeFileSync(portalConfig, 'changed on the server');
  const refused = await run('Restore-PhoneFactor -Path $V.path -LabPath $V.lab -Confirm:$false', { path: backup, lab });
  assert.equal(refused.output.length, 0);
  assert.equal(refused.errors.length, 1);
  assert.match(refused.errors[0].fullyQualifiedErrorId, /^BackupVerificationFailed/);
  assert.match(refused.errors[0].message, /UserPortal\\web\.config \(Changed\)/);
  assert.equal(readFileSync(portalConfig, 'utf8'), 'changed on the server');
});

test('restore round trip: every modified or deleted file comes back byte for byte, with the service stopped around the data file', async () => {
  const lab = await newLab();
  const host = await labHost(lab);
  const out = await backUp(lab, fresh('dest'));
  const manifest = readManifest(out.BackupPath);
  const fileEntries = manifest.files.filter((f) => ['DataFolder', 'WebConfig', 'Theme'].includes(f.kind));
  const originals = new Map(fileEntries.map((f) => [f.originalPath, readFileSync(host.localPath(f.originalPath))]));

  const dataFile = 'C:\\Program Files\\PhoneFactor\\Data\\Phonefactor.pfdata';
  const portal = 'C:\\inetpub\\wwwroot\\PhoneFactor\\web.config';
  const logo = 'C:\\inetpub\\wwwroot\\PhoneFactor\\App_Themes\\Contoso\\logo.txt';
  writeFileSync(host.localPath(dataFile), Buffer.from('upgraded data file'));
  writeFileSync(host.localPath(portal), Buffer.from('<configuration />'));
  unlinkSync(host.localPath(logo));
  const serverJson = path.join(lab, 'server.json');
  const serverJsonBefore = statSync(serverJson).mtimeMs;

  const r = await run('Restore-PhoneFactor -Path $V.path -LabPath $V.lab -Confirm:$false -Verbose', { path: out.BackupPath, lab });
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.errors, []);
  const files = r.output as RestoreOut[];
  assert.equal(files.length, fileEntries.length);
  for (const [original, bytes] of originals) {
    assert.ok(readFileSync(host.localPath(original)).equals(bytes), `${original} restored byte for byte`);
  }
  const status = (p: string) => files.find((f) => f.TargetPath === p)?.Status;
  assert.equal(status(dataFile), 'Restored');
  assert.equal(status(portal), 'Restored');
  assert.equal(status(logo), 'Restored');
  assert.equal(status('C:\\inetpub\\wwwroot\\PhoneFactorWebServiceSdk\\web.config'), 'Unchanged');

  // What was overwritten is kept, and the undo folder is itself a valid backup.
  const undo = files[0].UndoFolder!;
  assert.ok(undo.startsWith(out.BackupPath + path.sep) && path.basename(undo).startsWith('restore-undo-'));
  assert.equal(readFileSync(files.find((f) => f.TargetPath === dataFile)!.UndoPath!, 'utf8'), 'upgraded data file');
  const check = await run('Test-PhoneFactorBackup -Path $V.undo; Test-PhoneFactorBackup -Path $V.backup', { undo, backup: out.BackupPath });
  assert.deepEqual((check.output as TestOut[]).map((t) => t.IsValid), [true, true], 'the undo folder is valid and the backup still verifies');

  // The service was stopped for the data file and is running again.
  assert.equal(await serviceState(lab, 'PFSVC'), 'Running');
  assert.ok(statSync(serverJson).mtimeMs > serverJsonBefore, 'the lab recorded the service stop and start');

  // Undo the restore: the upgraded data file comes back.
  const undone = await run('Restore-PhoneFactor -Path $V.undo -LabPath $V.lab -Component Agent -Confirm:$false', { undo, lab });
  assert.ok(undone.ok, undone.terminatingError?.message);
  assert.equal(readFileSync(host.localPath(dataFile), 'utf8'), 'upgraded data file');
});

test('Restore-PhoneFactor -WhatIf lists every file and changes nothing; -Component narrows the files', async () => {
  const lab = await newLab();
  const host = await labHost(lab);
  const out = await backUp(lab, fresh('dest'));
  const portal = host.localPath('C:\\inetpub\\wwwroot\\PhoneFactor\\web.config');
  writeFileSync(portal, 'modified');
  const transcript = path.join(fresh('transcript'), 'whatif.txt');

  const r = await run(
    'Start-Transcript -LiteralPath $V.transcript | Out-Null; try { Restore-PhoneFactor -Path $V.path -LabPath $V.lab -WhatIf -Verbose } finally { Stop-Transcript | Out-Null }',
    { path: out.BackupPath, lab, transcript },
  );
  assert.ok(r.ok, r.terminatingError?.message);
  assert.equal(r.output.length, 0);
  const text = readFileSync(transcript, 'utf8');
  seenText.push(text);
  const targets = [...text.matchAll(/What if: Performing the operation "[^"]*" on target "([^"]+)"/g)].map((m) => m[1]);
  const expected = readManifest(out.BackupPath).files.filter((f) => ['DataFolder', 'WebConfig', 'Theme'].includes(f.kind)).map((f) => f.originalPath);
  assert.deepEqual(targets.sort(), expected.sort());
  // One line per action (a prompt shows one line); the details are verbose lines.
  assert.equal([...text.matchAll(/What if: /g)].length, targets.length);
  assert.doesNotMatch(text, /What if: [^\n]*[^"\n.\r]\r?\n/, 'each What if: line ends with the target');
  assert.ok(r.verbose.some((v) => /PFSVC is stopped during the restore/.test(v)), r.verbose.join('\n'));
  assert.equal(readFileSync(portal, 'utf8'), 'modified');
  assert.ok(!readdirSync(out.BackupPath).some((n) => n.startsWith('restore-undo-')), 'no undo folder either');
  assert.equal(await serviceState(lab, 'PFSVC'), 'Running');

  const only = await run('Restore-PhoneFactor -Path $V.path -LabPath $V.lab -Component UserPortal -Confirm:$false', { path: out.BackupPath, lab });
  assert.ok(only.ok, only.terminatingError?.message);
  const files = only.output as RestoreOut[];
  assert.ok(files.length > 0 && files.every((f) => f.RelativePath.startsWith('UserPortal\\')));
  assert.notEqual(readFileSync(portal, 'utf8'), 'modified');
});

test('-StopService stops the PhoneFactor service for the copy; -Retain keeps the newest n of each server only', async () => {
  const lab = await newLab();
  const dest = fresh('dest');
  const stopped = await backUp(lab, dest, '-StopService');
  assert.deepEqual(stopped.StoppedServices, ['PFSVC']);
  assert.equal(await serviceState(lab, 'PFSVC'), 'Running');

  // Another server's backup and a folder that is not a backup share the destination.
  const lab2 = await newLab('SeparateWebServer');
  const other = await run('Backup-PhoneFactor -LabPath $V.lab -ComputerName WEB01 -Destination $V.dest', { lab: lab2, dest });
  assert.ok(other.ok, other.terminatingError?.message);
  const webBackup = (other.output[0] as BackupOut).BackupPath;
  writeFileSync(path.join(dest, 'readme.txt'), 'keep me');

  const made: BackupOut[] = [stopped];
  for (let i = 0; i < 3; i++) made.push(await backUp(lab, dest, '-Retain 2'));
  const mfaBackups = readdirSync(dest).filter((n) => n.startsWith('PhoneFactorBackup-MFA01-')).map((n) => path.join(dest, n)).sort();
  assert.deepEqual(mfaBackups, made.slice(-2).map((m) => m.BackupPath).sort(), 'the newest two MFA01 backups remain');
  const removed = made.flatMap((m) => m.RemovedBackups).sort();
  assert.deepEqual(removed, made.slice(0, 2).map((m) => m.BackupPath).sort(), 'each removal is reported by the run that made it');
  assert.ok(existsSync(webBackup), 'WEB01\'s backup is not counted against MFA01');
  assert.ok(existsSync(path.join(dest, 'readme.txt')));
});

test('a destination inside the data folder is refused with its error code, and nothing is written there', async () => {
  const lab = await newLab();
  const host = await labHost(lab);
  const dataFolder = host.localPath('C:\\Program Files\\PhoneFactor\\Data');
  const before = listFiles(dataFolder).sort();
  const r = await run("Backup-PhoneFactor -LabPath $V.lab -Destination 'C:\\Program Files\\PhoneFactor\\Data\\Backups'", { lab });
  assert.equal(r.output.length, 0);
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0].fullyQualifiedErrorId, /^DestinationInsideSource/);
  assert.match(r.errors[0].message, /inside C:\\Program Files\\PhoneFactor\\Data/);
  assert.deepEqual(listFiles(dataFolder).sort(), before);

  const stop = await run("Backup-PhoneFactor -LabPath $V.lab -Destination 'C:\\Backups' -ErrorAction Stop", { lab });
  assert.equal(stop.ok, true, 'a valid lab destination (C:\\Backups inside the lab) works');
  assert.ok(readdirSync(host.localPath('C:\\Backups')).some((n) => n.startsWith('PhoneFactorBackup-MFA01-')));
});

test('a file that cannot be read mid-backup fails the backup, leaves no folder and restarts the stopped service', async () => {
  const lab = await newLab();
  const host = await labHost(lab);
  // A dangling link in the custom theme: listed by the folder walk, unreadable when its turn to be copied comes.
  symlinkSync(path.join(root, 'does-not-exist'), path.join(host.localPath('C:\\inetpub\\wwwroot\\PhoneFactor\\App_Themes\\Contoso'), 'zz-broken.css'));
  const dest = fresh('dest');
  const serverJsonBefore = statSync(path.join(lab, 'server.json')).mtimeMs;
  const r = await run('Backup-PhoneFactor -LabPath $V.lab -Destination $V.dest -StopService', { lab, dest });
  assert.equal(r.output.length, 0);
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0].fullyQualifiedErrorId, /^SourceNotFound/);
  assert.match(r.errors[0].message, /zz-broken\.css/);
  assert.deepEqual(readdirSync(dest), [], 'the .partial folder was removed');
  assert.equal(await serviceState(lab, 'PFSVC'), 'Running');
  assert.ok(statSync(path.join(lab, 'server.json')).mtimeMs > serverJsonBefore, 'the service was stopped and started again');
});

test('the SDK service account password appears in no output, error, warning or verbose text', async () => {
  assert.ok(seenText.length > 10);
  // The password is really in the backed-up web.configs: the check below is not vacuous.
  const lab = await newLab();
  const out = await backUp(lab, fresh('dest'));
  assert.ok(readFileSync(backupFile(out.BackupPath, 'UserPortal\\web.config'), 'utf8').includes(LAB_SDK_PASSWORD));
  const r = await run('Test-PhoneFactorBackup -Path $V.path -Verbose | Format-List * | Out-String -Width 500', { path: out.BackupPath });
  for (const text of [...seenText, JSON.stringify(r)]) assert.ok(!text.includes(LAB_SDK_PASSWORD), `password found in: ${text.slice(0, 300)}`);
});
