// Backups hold the SDK service account password: the backup folder is closed to all but administrators before any
// file is written. Windows through a recorded icacls (by SID: any Windows language), elsewhere for real (mode 0700).
import assert from 'node:assert/strict';
import { mkdtempSync, promises as fs, rmSync, statSync } from 'node:fs';
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

let fx: Fixture | undefined;
afterEach(() => fx?.cleanup());

test('on Windows, icacls drops inherited access and grants Administrators, SYSTEM and the owner by SID', async () => {
  const runner = new RecordedCommandRunner([{ commandLine: `${ICACLS} ${FOLDER} ${GRANTS}`, stdout: fixture('icacls-ok.txt') }]);
  await protectFolder(FOLDER, { platform: 'win32', runner, systemRoot: 'C:\\Windows' });
  runner.assertAllRan();
});

test('a folder with spaces is passed as one argument', async () => {
  const folder = 'D:\\MFA Backups\\PhoneFactorBackup-MFA01-20240517-090507.partial';
  const runner = new RecordedCommandRunner([{ commandLine: `${ICACLS} "${folder}" ${GRANTS}`, stdout: fixture('icacls-ok.txt') }]);
  await protectFolder(folder, { platform: 'win32', runner, systemRoot: 'C:\\Windows' });
  runner.assertAllRan();
});

test('when icacls fails (a FAT volume) the error names the folder, the reason and what to do', async () => {
  const folder = 'E:\\Backups\\PhoneFactorBackup-MFA01-20240517-090507.partial';
  const runner = new RecordedCommandRunner([{ commandLine: `${ICACLS} ${folder} ${GRANTS}`, stdout: fixture('icacls-fat.txt'), exitCode: 1 }]);
  await assert.rejects(protectFolder(folder, { platform: 'win32', runner, systemRoot: 'C:\\Windows' }), (e: CoreError) => {
    assert.equal(e.code, 'BackupFolderNotProtected');
    assert.equal(e.target, folder);
    assert.match(e.message, /exit code 1: E:\\Backups\\.*This operation is not supported\./);
    assert.match(e.message, /nothing was backed up: choose a destination on an NTFS volume/);
    return true;
  });
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
