import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backupFolderName, parseBackupFolderName } from '../../../core/backup/backup-folder-name';
import { isSameOrInside, joinWindowsPath, normalizeRelativePath, windowsParent } from '../../../core/util/windows-path';

describe('backup folder names', () => {
  it('formats and parses PhoneFactorBackup-<COMPUTER>-yyyyMMdd-HHmmss[-n][.partial]', () => {
    const at = new Date(2024, 0, 2, 3, 4, 5);
    assert.equal(backupFolderName('PF-SRV-01', at), 'PhoneFactorBackup-PF-SRV-01-20240102-030405');
    assert.equal(backupFolderName('bad/name:x', at, 3), 'PhoneFactorBackup-bad_name_x-20240102-030405-3');
    assert.deepEqual(parseBackupFolderName('PhoneFactorBackup-PF-SRV-01-20240102-030405-3.partial'), { computerName: 'PF-SRV-01', stamp: '20240102-030405', partial: true });
    assert.deepEqual(parseBackupFolderName('phonefactorbackup-X-20240102-030405'), { computerName: 'X', stamp: '20240102-030405', partial: false });
    assert.equal(parseBackupFolderName('PhoneFactorBackup-X-2024-030405'), undefined);
    assert.equal(parseBackupFolderName('MyBackups'), undefined);
  });
});

describe('windows paths', () => {
  it('joins and splits Windows paths', () => {
    assert.equal(joinWindowsPath('C:\\Program Files\\', 'PhoneFactor', 'Data\\x'), 'C:\\Program Files\\PhoneFactor\\Data\\x');
    assert.equal(windowsParent('C:\\a\\b.txt'), 'C:\\a');
  });

  it('normalises relative paths and refuses ones that leave the backup', () => {
    assert.equal(normalizeRelativePath('UserPortal/App_Themes\\x.css'), 'UserPortal\\App_Themes\\x.css');
    for (const bad of ['..\\x', 'a\\..\\..\\x', '\\abs', 'C:\\x', 'a\\\\b', '', 'a\\.', 'trailing. ']) {
      assert.throws(() => normalizeRelativePath(bad), { code: 'InvalidRelativePath' }, bad);
    }
  });

  it('detects a folder inside another case-insensitively, but not a sibling with the same prefix', () => {
    assert.ok(isSameOrInside('/srv/Data/Backups', '/srv/data'));
    assert.ok(isSameOrInside('/srv/data/', '/srv/Data'));
    assert.ok(!isSameOrInside('/srv/data-backups', '/srv/data'));
  });
});
