// A path parameter is resolved by the module before the core is called, or the command ends there naming the
// parameter; the core refuses what still is not a usable full path (PathNotUsable). Nothing is ever written in the
// working folder because a path was not what it seemed (once 'ZZ:\bk' raised DriveNotFoundException and the backup,
// SDK password included, was then written under the working folder). Real pwsh, the generated cmdlets, lab servers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession, ScriptOutcome } from '../../core/host/remote/powershell-session';

let ps: PowerShellSession;
let root: string;
/** PowerShell's location (and the core's working folder): nothing may appear here. */
let cwd: string;
let lab: string;

before(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'mfa-paths-'));
  cwd = path.join(root, 'cwd');
  mkdirSync(cwd);
  ps = await openModuleSession(cwd);
  lab = path.join(root, 'lab');
  const made = await ps.run('$null = New-MfaLab -Path $V.lab -Confirm:$false', { lab });
  assert.ok(made.ok, made.terminatingError?.message);
});
after(async () => {
  await ps.close();
  rmSync(root, { recursive: true, force: true });
});

function refusal(r: ScriptOutcome) {
  const err = r.terminatingError ?? r.errors[0];
  assert.ok(err, `refused: ${JSON.stringify(r.output)}`);
  return err;
}

/** The command ends with a terminating error of `code` naming -Parameter, and nothing appears in the working folder. */
async function refused(script: string, values: Record<string, unknown>, code: string, cmdlet: string, parameter: string, why: RegExp): Promise<void> {
  const r = await ps.run(script, values);
  assert.equal(r.ok, false, `a terminating error, not a warning and a backup anyway: ${JSON.stringify(r)}`);
  const err = refusal(r);
  assert.equal(err.fullyQualifiedErrorId, `${code},${cmdlet}`, err.message);
  assert.match(err.message, new RegExp(`-${parameter}\\b`), err.message);
  assert.match(err.message, why);
  assert.deepEqual(readdirSync(cwd), [], 'nothing was written in the working folder');
}

test('an unknown drive (ZZ:\\bk) ends the command naming -Destination, and no backup is written anywhere', async () => {
  await refused("Backup-PhoneFactor -LabPath $V.lab -Destination 'ZZ:\\bk' -Confirm:$false", { lab }, 'PathNotResolved', 'Backup-PhoneFactor', 'Destination', /ZZ/);
  assert.ok(!existsSync(path.join(lab, 'ZZ:\\bk')));
});

test('an object that is not a path is refused naming the parameter and its type (no folder tree made from its text)', async () => {
  await refused(
    "Backup-PhoneFactor -LabPath $V.lab -Destination ([pscustomobject]@{ Path = 'a/b/c/d/e/f/g/h/i/j/k/l' }) -Confirm:$false",
    { lab },
    'PathNotUsable',
    'Backup-PhoneFactor',
    'Destination',
    /PSCustomObject/,
  );
  await refused('New-MfaLab -Path (@{ a = 1 }) -Confirm:$false', {}, 'PathNotUsable', 'New-MfaLab', 'Path', /Hashtable/);
});

test('a FileSystem object (Get-Item) gives its full path', async () => {
  const dest = path.join(root, 'by-item');
  mkdirSync(dest);
  const r = await ps.run('(Backup-PhoneFactor -LabPath (Get-Item $V.lab) -Destination (Get-Item $V.dest) -Confirm:$false).BackupPath', { lab, dest });
  assert.ok(r.ok, r.terminatingError?.message);
  assert.equal(path.dirname(r.output[0] as string), dest);
});

test('a path on a provider that holds no files (Env:) is refused naming the parameter', async () => {
  await refused("Push-Location Env:; try { Backup-PhoneFactor -LabPath $V.lab -Destination 'bk' -Confirm:$false } finally { Pop-Location }", { lab },
    'PathNotResolved', 'Backup-PhoneFactor', 'Destination', /Environment/);
});

test('a one-letter PSDrive (Q:\\lab) resolves to its folder', async () => {
  const drive = path.join(root, 'qdrive');
  mkdirSync(drive);
  const r = await ps.run(String.raw`
    $null = New-PSDrive -Name Q -PSProvider FileSystem -Root $V.drive -Scope Global
    try {
      $made = New-MfaLab -Path 'Q:\qlab' -Confirm:$false
      $b = Backup-PhoneFactor -LabPath 'Q:\qlab' -Destination 'Q:\bk' -Confirm:$false
      [pscustomobject]@{ Lab = $made.LabPath; Backup = $b.BackupPath }
    } finally { Remove-PSDrive Q }`, { drive });
  assert.ok(r.ok, r.terminatingError?.message);
  const out = r.output[0] as { Lab: string; Backup: string };
  assert.equal(out.Lab, path.join(drive, 'qlab'));
  assert.equal(path.dirname(out.Backup), path.join(drive, 'bk'));
  assert.deepEqual(readdirSync(cwd), []);
});

test('C: alone, a leading blank, a Windows path off Windows without a lab, and over-long paths are refused by the core, naming why', async () => {
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ["Backup-PhoneFactor -LabPath $V.lab -Destination 'C:' -Confirm:$false", { lab }, 'Destination', /current folder of drive C/],
    ['Backup-PhoneFactor -LabPath $V.lab -Destination $V.dest -Confirm:$false', { lab, dest: ` ${path.join(root, 'sp')}` }, 'Destination', /blank/],
    ["New-MfaLab -Path 'C:\\lab' -Confirm:$false", {}, 'Path', /not Windows/],
    ['Backup-PhoneFactor -LabPath $V.lab -Destination $V.dest -Confirm:$false', { lab, dest: path.join(root, 'x'.repeat(300)) }, 'Destination', /255/],
    ['Backup-PhoneFactor -LabPath $V.lab -Destination $V.dest -Confirm:$false', { lab, dest: `C:\\${'deep\\'.repeat(50)}bk` }, 'Destination', /248/],
  ];
  for (const [script, values, parameter, why] of cases) {
    const cmdlet = /^(\S+)/.exec(script)![1];
    await refused(script, values, 'PathNotUsable', cmdlet, parameter, why);
  }
  assert.ok(!readdirSync(root).some((n) => /^ |^x{300}$/.test(n)), 'no folder made from a refused path');
});

test('a -Destination that is a file is refused by name, and nothing is written', async () => {
  const file = path.join(root, 'a-file');
  writeFileSync(file, 'not a folder');
  const r = await ps.run('Backup-PhoneFactor -LabPath $V.lab -Destination $V.file -Confirm:$false', { lab, file });
  const err = refusal(r);
  assert.match(err.fullyQualifiedErrorId, /^(NotADirectory|DestinationNotFound),Backup-PhoneFactor$/, err.message);
  assert.ok(err.message.includes(file), err.message);
  assert.doesNotMatch(err.message, /EEXIST|ENOTDIR|mkdir/, 'the message is ours, not node\'s');
  assert.deepEqual(readdirSync(cwd), []);
});

test('Invoke-MfaServerUpgrade -LabPath <lab> -BackupDestination C:\\Backups lands inside the lab, as the help says', async () => {
  const upgradeLab = path.join(root, 'uplab');
  await ps.run('$null = New-MfaLab -Path $V.lab -Confirm:$false', { lab: upgradeLab });
  const r = await ps.run(
    "Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath 'C:\\Media\\MfaServer' -BackupDestination 'C:\\Backups' -Confirm:$false -WarningAction SilentlyContinue | Select-Object Status, JournalPath, BackupPath",
    { lab: upgradeLab },
  );
  assert.ok(r.ok, r.terminatingError?.message);
  const out = r.output[0] as { Status: string; JournalPath: string; BackupPath: string[] };
  assert.equal(out.Status, 'Completed', JSON.stringify(out));
  assert.equal(out.JournalPath, path.join(upgradeLab, 'C', 'Backups', 'MfaServerUpgrade-MFA01', 'journal.json'));
  assert.ok(out.BackupPath.every((b) => path.dirname(b) === path.join(upgradeLab, 'C', 'Backups')), JSON.stringify(out.BackupPath));
  assert.deepEqual(readdirSync(cwd), []);
  const help = await ps.run("(Get-Help Invoke-MfaServerUpgrade -Parameter BackupDestination).description.Text -join ' '");
  assert.match(String(help.output[0]), /On a lab, a C:\\ path lies inside the lab/);
});
