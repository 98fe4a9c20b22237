/**
 * Backup folder names: `PhoneFactorBackup-<COMPUTER>-yyyyMMdd-HHmmss[-n]`, written as `<name>.partial` until
 * every file and the manifest are verified. Only folders matching this pattern are ever touched by retention.
 */
import { timestamp } from '../util/atomic-write';
import { cleanPathSegment } from '../util/windows-path';

export const BACKUP_PREFIX = 'PhoneFactorBackup-';
export const PARTIAL_SUFFIX = '.partial';

const NAME = /^PhoneFactorBackup-(.+)-(\d{8}-\d{6})(?:-(\d+))?(\.partial)?$/i;

/**
 * The computer name as it appears in a backup folder's name: cleaned, not refused (cleanPathSegment), because the name
 * only labels the folder (a backup is identified by its manifest) and a backup must not fail over a strange name.
 */
export function safeComputerName(name: string): string {
  return cleanPathSegment(name, 'UNKNOWN');
}

export function backupFolderName(computerName: string, at: Date, sequence = 1): string {
  const base = `${BACKUP_PREFIX}${safeComputerName(computerName)}-${timestamp(at)}`;
  return sequence > 1 ? `${base}-${sequence}` : base;
}

export interface ParsedBackupName {
  computerName: string;
  stamp: string;
  partial: boolean;
}

export function parseBackupFolderName(name: string): ParsedBackupName | undefined {
  const m = NAME.exec(name);
  return m ? { computerName: m[1], stamp: m[2], partial: m[4] !== undefined } : undefined;
}
