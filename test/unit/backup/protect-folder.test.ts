// Backups hold the SDK service account password: the backup folder is closed to all but administrators before any
// file is written. Windows through a recorded icacls (by SID: any Windows language), elsewhere for real (mode 0700).
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, promises as fs, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, test } from 'node:test';
import { protectFolder } from '../../../core/backup/protect-folder';
import { createBackup } from '../../../core/backup/create-backup';
import { CoreError } from '../../../core/util/errors';
import { fixture, RecordedCommandRunner } from '../host/windows/recorded-command-runner';
import { listNames, makeFixture, type Fixture } from './fixture';

const ICACLS = 'C:\\Windows\\System32\\icacls.exe';
const FOLDER = 'D:\\Backups\\PhoneFactorBackup-MFA01-20240517-090507.partial';
const GRANTS = '/inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F *S-1-5-18:(OI)(CI)F *S-1-3-4:(OI)(CI)F';
const TAKE_OWNERSHIP = '/setowner *S-1-5-32-544 /T /C';

let fx: Fixture | undefined;
afterEach(() => fx?.cleanup());

test('on Windows, Administrators take ownership, then icacls drops inherited access and grants Administrators, SYSTEM and the owner by SID', async () => {
  const runner = new RecordedCommandRunner([
    { commandLine: `${ICACLS} ${FOLDER} ${TAKE_OWNERSHIP}`, stdout: 'processed file: ...' },
    { commandLine: `${ICACLS} ${FOLDER} ${GRANTS}`, stdout: fixture('icacls-ok.txt') },
  ]);
  await protectFolder(FOLDER, { platform: 'win32', runner, systemRoot: 'C:\\Windows' });
  runner.assertAllRan();
});

test('a folder with spaces is passed as one argument', async () => {
  const folder = 'D:\\MFA Backups\\PhoneFactorBackup-MFA01-20240517-090507.partial';
  const runner = new RecordedCommandRunner([
    { commandLine: `${ICACLS} "${folder}" ${TAKE_OWNERSHIP}`, stdout: 'processed file: ...' },
    { commandLine: `${ICACLS} "${folder}" ${GRANTS}`, stdout: fixture('icacls-ok.txt') },
  ]);
  await protectFolder(folder, { platform: 'win32', runner, systemRoot: 'C:\\Windows' });
  runner.assertAllRan();
});

test('when icacls fails (a FAT volume) the error names the folder, the reason and what to do', async () => {
  const folder = 'E:\\Backups\\PhoneFactorBackup-MFA01-20240517-090507.partial';
  const runner = new RecordedCommandRunner([
    { commandLine: `${ICACLS} ${folder} ${TAKE_OWNERSHIP}`, stdout: 'processed file: ...' },
    { commandLine: `${ICACLS} ${folder} ${GRANTS}`, stdout: fixture('icacls-fat.txt'), exitCode: 1 },
  ]);
  await assert.rejects(protectFolder(folder, { platform: 'win32', runner, systemRoot: 'C:\\Windows' }), (e: CoreError) => {
    assert.equal(e.code, 'BackupFolderNotProtected');
    assert.equal(e.target, folder);
    assert.match(e.message, /exit code 1: E:\\Backups\\.*This operation is not supported\./);
    assert.match(e.message, /nothing was backed up: choose a destination on an NTFS volume/);
    return true;
  });
});

test('on Windows, a folder another account made that Administrators cannot take is refused, and no grant is made', async () => {
  const folder = 'D:\\Backups\\MfaServerUpgrade-MFA01';
  const runner = new RecordedCommandRunner([
    { commandLine: `${ICACLS} ${folder} ${TAKE_OWNERSHIP}`, stderr: `${folder}: Access is denied.\r\nSuccessfully processed 0 files`, exitCode: 5 },
  ]);
  await assert.rejects(protectFolder(folder, { platform: 'win32', runner, systemRoot: 'C:\\Windows' }), (e: CoreError) => {
    assert.equal(e.code, 'BackupFolderNotProtected');
    assert.match(e.message, /exit code 5: .*Access is denied\./);
    return true;
  });
  runner.assertAllRan();
});

test('elsewhere a folder another account made (and what it put in it) becomes this account\'s, owner-only', { skip: process.getuid?.() !== 0 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-protect-'));
  try {
    const folder = path.join(dir, 'MfaServerUpgrade-MFA01');
    await fs.mkdir(path.join(folder, 'sub'), { recursive: true, mode: 0o777 });
    await fs.writeFile(path.join(folder, 'sub', 'plan.json'), '{}', { mode: 0o666 });
    await fs.symlink('/etc/hostname', path.join(folder, 'link'));
    for (const p of [folder, path.join(folder, 'sub'), path.join(folder, 'sub', 'plan.json')]) await fs.chown(p, 65534, 65534);
    await fs.lchown(path.join(folder, 'link'), 65534, 65534);
    await protectFolder(folder);
    for (const p of [folder, path.join(folder, 'sub'), path.join(folder, 'sub', 'plan.json'), path.join(folder, 'link')]) {
      assert.equal(lstatSync(p).uid, process.getuid!(), p);
    }
    assert.equal(statSync('/etc/hostname').uid, 0, 'a link is taken, never what it points to');
    assert.equal(statSync(folder).mode & 0o777, 0o700);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('elsewhere the folder becomes owner-only (0700), whatever the umask made it', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-protect-'));
  try {
    await fs.chmod(dir, 0o777);
    await protectFolder(dir);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('createBackup closes the folder before the first file, and a refusal leaves nothing behind', { skip: process.platform === 'win32' }, async () => {
  fx = await makeFixture();
  const made = await createBackup(fx.host, { destination: fx.destination, items: fx.items, toolVersion: '0.1.0' });
  assert.equal(statSync(made.Path).mode & 0o777, 0o700);
  await fs.rm(made.Path, { recursive: true });

  const seen: string[][] = [];
  await assert.rejects(
    createBackup(fx.host, {
      destination: fx.destination,
      items: fx.items,
      toolVersion: '0.1.0',
      protectFolder: async (folder) => {
        seen.push(await fs.readdir(folder));
        throw new CoreError('BackupFolderNotProtected', `Could not limit ${folder} to administrators.`, folder);
      },
    }),
    (e: CoreError) => e.code === 'BackupFolderNotProtected',
  );
  assert.deepEqual(seen, [[]], 'the folder was empty when it was closed');
  assert.deepEqual(await listNames(fx.destination), [], 'the refused backup left no folder');
});
