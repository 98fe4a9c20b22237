/**
 * -Retain after Backup-PhoneFactor: retention (retention.ts) once per destination that received a new backup, asked
 * through ShouldProcess, with why each folder was kept or removed in the log and in the server's output object.
 */
import * as path from 'node:path';
import type { OperationContext } from '../util/operation-context';
import { sameLocalPath } from '../util/windows-path';
import { applyRetention, type RetentionEntry, type RetentionResult } from './retention';

/** Where a backup went, and how many of each server to keep there. */
interface RetainRequest {
  destination: string;
  retain?: number;
}

/** A backup this command made: retention adds what it removed and kept beside it. */
interface MadeBackup {
  BackupPath: string;
  ComputerName: string;
  RemovedBackups: string[];
  KeptBackups: string[];
}

/** Why retention kept or removed a folder, in the words the log and KeptBackups use. */
const RETENTION_WHY: Record<RetentionEntry['Reason'], string> = {
  BeyondRetention: 'older than the newest ones kept (ordered by when each backup was finished in this folder, not by any clock)',
  StalePartial: 'an interrupted backup (.partial) older than a day',
  WithinRetention: 'among the newest verified backups of its server',
  NotVerified: 'it fails verification; kept for you to look at',
  PartialInProgress: 'a backup still being made (or interrupted less than a day ago)',
  MadeNow: 'made by this command',
  UsedByUnfinishedUpgrade: 'an upgrade that has not completed relies on it',
  UpgradeJournalUnreadable: 'an upgrade journal in this folder cannot be read, so no backup it might name is deleted',
};

/**
 * -Retain runs once per destination, after that destination received at least one new backup. Retention works per
 * server (one server's backups never push out another's), so a shared destination stays fair to every server.
 */
export async function retainPerDestination(jobs: RetainRequest[], outputs: MadeBackup[], ctx: OperationContext): Promise<void> {
  const byDestination = new Map<string, { destination: string; keep: number }>();
  for (const job of jobs) {
    if (job.retain === undefined) continue;
    const wrote = ctx.dryRun || outputs.some((o) => sameLocalPath(path.dirname(o.BackupPath), job.destination));
    if (!wrote) continue;
    const entry = byDestination.get(job.destination.toLowerCase());
    byDestination.set(job.destination.toLowerCase(), { destination: job.destination, keep: Math.max(entry?.keep ?? 0, job.retain) });
  }
  for (const { destination, keep } of byDestination.values()) {
    const result: RetentionResult | undefined = await ctx.act(
      {
        id: `retain:${destination.toLowerCase()}`,
        target: destination,
        description: `Remove backups beyond the newest ${keep} verified one(s) of each server (and interrupted .partial folders older than a day)`,
      },
      () => applyRetention(destination, keep, { madeNow: outputs.map((o) => o.BackupPath) }),
    );
    if (!result) continue;
    const ownerOf = (e: RetentionEntry) =>
      outputs.find(
        (o) => o.ComputerName.toLowerCase() === e.ComputerName.toLowerCase() && sameLocalPath(path.dirname(o.BackupPath), destination),
      );
    for (const removed of result.Removed) {
      ctx.log('info', `Retention removed ${removed.Path}: ${RETENTION_WHY[removed.Reason]}.`);
      ownerOf(removed)?.RemovedBackups.push(removed.Path);
    }
    for (const kept of result.Kept) {
      const why = `${RETENTION_WHY[kept.Reason]}${kept.Detail ? ` (${kept.Detail})` : ''}`;
      ctx.log(kept.Reason === 'NotVerified' || kept.Reason === 'UpgradeJournalUnreadable' ? 'warning' : 'verbose', `Retention kept ${kept.Path}: ${why}.`);
      const owner = ownerOf(kept);
      if (owner && kept.Path !== owner.BackupPath) owner.KeptBackups.push(`${kept.Path}: ${why}`);
    }
    for (const failed of result.Failed) ctx.log('warning', `Retention could not remove ${failed.Path}: ${failed.Message}`);
  }
}
