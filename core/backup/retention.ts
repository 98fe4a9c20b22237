/**
 * Retention for scheduled backups: keep the newest `keep` verified backups of each source computer (a shared
 * destination may hold several servers' backups; one server's runs must never push out another's), ordered by
 * the manifest's created time, not folder times (a copied folder gets a new mtime). Never touches folders whose
 * names are not ours; never deletes a backup that fails verification (the admin should look at it) and never
 * deletes the newest verified one. Stale `.partial` folders (a killed run) are removed after a day.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CoreError } from '../util/errors';
import { parseBackupFolderName } from './backup-folder-name';
import { removeQuietly } from './local-dir';
import { verifyBackup } from './verify-backup';

export const DEFAULT_STALE_PARTIAL_MS = 24 * 60 * 60 * 1000;

export interface RetentionOptions {
  /** `.partial` folders older than this (by folder time: they have no manifest) are removed. Default one day. */
  stalePartialAfterMs?: number;
  now?: () => Date;
}

export type RetentionReason = 'BeyondRetention' | 'StalePartial' | 'WithinRetention' | 'NotVerified' | 'PartialInProgress';

export interface RetentionEntry {
  Path: string;
  ComputerName: string;
  CreatedUtc?: string;
  Reason: RetentionReason;
  /** For NotVerified: why verification failed. */
  Detail?: string;
}

export interface RetentionResult {
  Removed: RetentionEntry[];
  Kept: RetentionEntry[];
  /** Removals that failed (the folder is still there). */
  Failed: (RetentionEntry & { Message: string })[];
}

export async function applyRetention(destination: string, keep: number, options: RetentionOptions = {}): Promise<RetentionResult> {
  if (!Number.isInteger(keep) || keep < 1) {
    throw new CoreError('InvalidParameter', `Keep must be a whole number of at least 1 (got ${keep}): the newest verified backup is never deleted.`, 'Keep');
  }
  const root = path.resolve(destination);
  const now = (options.now ?? (() => new Date()))().getTime();
  const staleAfter = options.stalePartialAfterMs ?? DEFAULT_STALE_PARTIAL_MS;
  const result: RetentionResult = { Removed: [], Kept: [], Failed: [] };
  const remove = async (entry: RetentionEntry) => {
    if (await removeQuietly(entry.Path)) result.Removed.push(entry);
    else result.Failed.push({ ...entry, Message: `Could not remove ${entry.Path}.` });
  };

  const entries = await fs.readdir(root, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    throw new CoreError(e.code === 'ENOENT' ? 'DestinationNotFound' : 'AccessDenied', `Cannot list ${root} (${e.code}).`, root);
  });
  const verified = new Map<string, { entry: RetentionEntry; created: number; name: string }[]>();
  for (const dirent of entries) {
    const parsed = dirent.isDirectory() ? parseBackupFolderName(dirent.name) : undefined;
    if (!parsed) continue;
    const full = path.join(root, dirent.name);
    if (parsed.partial) {
      const age = now - (await fs.stat(full)).mtimeMs;
      const entry: RetentionEntry = { Path: full, ComputerName: parsed.computerName, Reason: age > staleAfter ? 'StalePartial' : 'PartialInProgress' };
      if (age > staleAfter) await remove(entry);
      else result.Kept.push(entry);
      continue;
    }
    const check = await verifyBackup(full);
    if (!check.IsValid || !check.CreatedUtc) {
      result.Kept.push({ Path: full, ComputerName: check.ComputerName ?? parsed.computerName, CreatedUtc: check.CreatedUtc, Reason: 'NotVerified', Detail: check.Reason });
      continue;
    }
    const computer = (check.ComputerName ?? parsed.computerName).toLowerCase();
    const group = verified.get(computer) ?? [];
    group.push({
      entry: { Path: full, ComputerName: check.ComputerName ?? parsed.computerName, CreatedUtc: check.CreatedUtc, Reason: 'WithinRetention' },
      created: Date.parse(check.CreatedUtc),
      name: dirent.name,
    });
    verified.set(computer, group);
  }

  for (const group of verified.values()) {
    // Newest first; the folder name (with its -n suffix) breaks ties between backups made in the same second.
    group.sort((a, b) => b.created - a.created || b.name.localeCompare(a.name, 'en', { numeric: true }));
    for (const [i, item] of group.entries()) {
      if (i < keep) result.Kept.push(item.entry);
      else await remove({ ...item.entry, Reason: 'BeyondRetention' });
    }
  }
  return result;
}
