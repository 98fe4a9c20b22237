/**
 * The backup's front door: what the cmdlets (Backup-PhoneFactor, Test-PhoneFactorBackup, Restore-PhoneFactor, the
 * backup task) use. Where to start reading: create-backup.ts (copy, hash, verify, then the manifest), verify-backup.ts
 * (re-hash against the manifest), list-backups.ts (what a destination holds), backup-coverage.ts (what an uninstall needs the backup to hold), restore-files.ts
 * and restore-targets.ts (where a restore may write), retention.ts (which backups -Retain keeps).
 */
export type { BackupItem, BackupItemKind, ContentBackupItem, HostBackupItem } from './backup-item';
export { backupFolderName, parseBackupFolderName, BACKUP_PREFIX, PARTIAL_SUFFIX } from './backup-folder-name';
export { createBackup, type BackupOptions, type BackupProgress, type BackupResult } from './create-backup';
export { MANIFEST_FILE_NAME, MANIFEST_FORMAT_VERSION, readManifest, type BackupManifest, type ManifestFileEntry, type ManifestSkippedItem } from './manifest';
export { verifyBackup, type VerifyItem, type VerifyItemStatus, type VerifyResult } from './verify-backup';
export { testBackup } from './test-backup';
export { restoreServer, restoreBackupOnHost, type RestoreRequest, type RestoredFile } from './restore-server';
export { createLabFromBackups } from './lab-from-backup';
export { backUpServers, type BackupRequest, type ServerBackup, type ServerToBackUp } from './back-up-servers';
export { listBackups, type BackupListing, type ListBackupsRequest } from './list-backups';
export { registerBackupTask, unregisterBackupTask, getBackupTask, DEFAULT_LOG_TAIL } from './backup-task';
export { applyRetention, type RetentionEntry, type RetentionOptions, type RetentionResult } from './retention';
export { restoreFiles, type RestoreFileResult, type RestoreOptions, type RestoreResult } from './restore-files';
export { withServiceStopped } from './with-service-stopped';
export { nodeWriteFs, type BackupWriteFs, type WritableFile } from './write-fs';
