/** The backup library: what operations (Backup-PhoneFactor, Test-PhoneFactorBackup, Restore-PhoneFactor) use. */
export type { BackupItem, BackupItemKind, ContentBackupItem, HostBackupItem } from './backup-item';
export { backupFolderName, parseBackupFolderName, BACKUP_PREFIX, PARTIAL_SUFFIX } from './backup-folder-name';
export { createBackup, type BackupOptions, type BackupProgress, type BackupResult } from './create-backup';
export { MANIFEST_FILE_NAME, MANIFEST_FORMAT_VERSION, readManifest, type BackupManifest, type ManifestFileEntry, type ManifestSkippedItem } from './manifest';
export { verifyBackup, type VerifyItem, type VerifyItemStatus, type VerifyResult } from './verify-backup';
export { applyRetention, type RetentionEntry, type RetentionOptions, type RetentionResult } from './retention';
export { restoreFiles, type RestoreFileResult, type RestoreOptions, type RestoreResult } from './restore-files';
export { withServiceStopped } from './with-service-stopped';
export { nodeWriteFs, type BackupWriteFs, type WritableFile } from './write-fs';
