/**
 * Backup folder names: `PhoneFactorBackup-<COMPUTER>-yyyyMMdd-HHmmss[-n]`, written as `<name>.partial` until
 * every file and the manifest are verified. Only folders matching this pattern are ever touched by retention.
 */
import { timestamp } from '../util/atomic-write';

export const BACKUP_PREFIX = 'PhoneFactorBackup-';
export const PARTIAL_SUFFIX = '.partial';

const NAME = /^PhoneFactorBackup-(.+)-(\d{8}-\d{6})(?:-(\d+))?(\.partial)?$/i;

/** Computer names are NetBIOS/DNS names, but be strict: anything a file name cannot hold becomes `_`. */
export function safeComputerName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[.]+/, '_') || 'UNKNOWN';
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
