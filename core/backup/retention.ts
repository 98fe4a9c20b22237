/**
 * Retention for scheduled backups: keep the newest `keep` verified backups of each source computer (a shared
 * destination may hold several servers' backups; one server's runs must never push out another's).
 *
 * "Newest" is the order in which the backups were finished in this folder (the manifest's `sequence`,
 * core/backup/backup-sequence.ts), not a time: a manifest's createdUtc comes from the source server's clock and a
 * folder's times from whoever copied it last, so one backup dated in the future (clock skew, a backup copied in)
 * would outrank every new one and a -Retain 1 would delete the backup just made. What an admin means by "keep the
 * last 7" is the last 7 made here, which is exactly the sequence. Backups made before sequences existed rank below
 * every sequenced one, ordered among themselves by createdUtc.
 *
 * Never deleted, whatever their rank: the backups made by the same call (`madeNow`, they count towards `keep`), a
 * backup an unfinished upgrade journal in this destination names (an upgrade in progress relies on it, see
 * core/upgrade/run/backup-gate.ts), one that fails verification (the admin should look at it), the newest verified one,
 * and folders whose names are not ours. When a journal cannot be read, nothing is deleted (it might name any
 * backup). Stale `.partial` folders (a killed run) are removed after a day. Every folder is reported with why it was
 * kept or removed.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CoreError } from '../util/errors';
import { parseBackupFolderName } from './backup-folder-name';
import { removeQuietly } from './local-dir';
import { verifyBackup } from './verify-backup';
import { sequenceOf } from './backup-sequence';

/** The run folders of Invoke-MfaServerUpgrade in a backup destination (core/upgrade/run/engine.ts runFolder). */
export const UPGRADE_RUN_FOLDER_PREFIX = 'MfaServerUpgrade-';

export const DEFAULT_STALE_PARTIAL_MS = 24 * 60 * 60 * 1000;

export interface RetentionOptions {
  /** `.partial` folders older than this (by folder time: they have no manifest) are removed. Default one day. */
  stalePartialAfterMs?: number;
  now?: () => Date;
  /** Backups made by the same call: always kept (they count towards `keep`). */
  madeNow?: string[];
}

export type RetentionReason =
  | 'BeyondRetention'
  | 'StalePartial'
  | 'WithinRetention'
  | 'NotVerified'
  | 'PartialInProgress'
  | 'MadeNow'
  | 'UsedByUnfinishedUpgrade'
  | 'UpgradeJournalUnreadable';

export interface RetentionEntry {
  Path: string;
  ComputerName: string;
  CreatedUtc?: string;
  Reason: RetentionReason;
  /** For NotVerified: why verification failed; for UsedByUnfinishedUpgrade / UpgradeJournalUnreadable: the journal. */
  Detail?: string;
  /** The backup's rank in its destination (manifest sequence; 0 when it has none). */
  Sequence?: number;
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
  const pinned = await backupsNamedByUnfinishedUpgrades(root);
  const madeNow = new Set((options.madeNow ?? []).map(key));
  const verified = new Map<string, { entry: RetentionEntry; sequence: number; created: number; name: string }[]>();
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
    if (!check.IsValid || !check.CreatedUtc || !check.Manifest) {
      result.Kept.push({
        Path: full,
        ComputerName: check.ComputerName ?? parsed.computerName,
        CreatedUtc: check.CreatedUtc,
        Reason: 'NotVerified',
        Detail: check.Reason,
      });
      continue;
    }
    const computer = (check.ComputerName ?? parsed.computerName).toLowerCase();
    const group = verified.get(computer) ?? [];
    const sequence = sequenceOf(check.Manifest);
    group.push({
      entry: {
        Path: full,
        ComputerName: check.ComputerName ?? parsed.computerName,
        CreatedUtc: check.CreatedUtc,
        Reason: 'WithinRetention',
        Sequence: sequence,
      },
      sequence,
      created: Date.parse(check.CreatedUtc),
      name: dirent.name,
    });
    verified.set(computer, group);
  }

  for (const group of verified.values()) {
    // Newest first by sequence; createdUtc only orders backups without one; the folder name (with its -n suffix)
    // breaks the last ties.
    group.sort((a, b) => b.sequence - a.sequence || (a.sequence === 0 ? b.created - a.created : 0) || b.name.localeCompare(a.name, 'en', { numeric: true }));
    // The backups of this call take their places first: "keep 1" right after a backup keeps that backup.
    const mine = group.filter((g) => madeNow.has(key(g.entry.Path)));
    const others = group.filter((g) => !madeNow.has(key(g.entry.Path)));
    for (const item of mine) result.Kept.push({ ...item.entry, Reason: 'MadeNow' });
    for (const [i, item] of others.entries()) {
      if (mine.length + i < keep) {
        result.Kept.push(item.entry);
        continue;
      }
      const journal = pinned.named.get(key(item.entry.Path));
      if (journal) result.Kept.push({ ...item.entry, Reason: 'UsedByUnfinishedUpgrade', Detail: journal });
      else if (pinned.unreadable.length > 0) result.Kept.push({ ...item.entry, Reason: 'UpgradeJournalUnreadable', Detail: pinned.unreadable.join('; ') });
      else await remove({ ...item.entry, Reason: 'BeyondRetention' });
    }
  }
  return result;
}

const key = (p: string) => path.resolve(p).toLowerCase();

/**
 * Backups named by the journals of upgrades that have not completed (run folders `MfaServerUpgrade-*` in the
 * destination, their journal*.json files): path -> journal. The journal is read as plain JSON, only for paths.
 */
async function backupsNamedByUnfinishedUpgrades(root: string): Promise<{ named: Map<string, string>; unreadable: string[] }> {
  const named = new Map<string, string>();
  const unreadable: string[] = [];
  const runs = (await fs.readdir(root, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory() && e.name.startsWith(UPGRADE_RUN_FOLDER_PREFIX));
  for (const run of runs) {
    const folder = path.join(root, run.name);
    const journals = (await fs.readdir(folder).catch(() => [] as string[])).filter((n) => /^journal.*\.json$/i.test(n));
    for (const name of journals) {
      const file = path.join(folder, name);
      let doc: { Status?: unknown; Steps?: { Data?: Record<string, unknown> }[] };
      try {
        doc = JSON.parse(await fs.readFile(file, 'utf8')) as typeof doc;
      } catch (e) {
        unreadable.push(`${file} (${(e as Error).message})`);
        continue;
      }
      if (doc?.Status === 'Completed') continue;
      if (!Array.isArray(doc?.Steps)) {
        unreadable.push(`${file} (no list of steps)`);
        continue;
      }
      for (const s of doc.Steps) {
        for (const v of [s?.Data?.BackupPath, s?.Data?.StaleBackupPath]) if (typeof v === 'string' && v) named.set(key(v), file);
      }
    }
  }
  return { named, unreadable };
}
