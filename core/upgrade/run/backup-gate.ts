/**
 * Nothing destructive on a claim. The journal says a backup was made and where; before the first uninstall of every
 * run (fresh or resumed) that claim is checked against the disk and the server: the backup each server's Backup step
 * recorded must lie in the run's destination, verify against its manifest and hold what the uninstalls still to come
 * would lose (core/backup/backup-coverage.ts, the same test Uninstall-PhoneFactor -BackupPath makes).
 *
 * Later steps read web.configs and themes back from that backup: verifiedBackupFile hands them only bytes whose hash
 * is the manifest's, read once (what is checked is what is used).
 */
import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { PlanStep, UpgradePlan } from '../../domain/plan-types';
import { inventoryServer } from '../../survey/inventory';
import { assertBackupCovers, BACKUP_DOES_NOT_COVER } from '../../backup/backup-coverage';
import { readManifest, type ManifestFileEntry } from '../../backup/index';
import { isSameOrInside, localPathInside, relativePathKey } from '../../util/windows-path';
import { CoreError } from '../../util/errors';
import type { RunContext } from './run-context';

const DONE = ['Completed', 'Skipped'];

/** The backup a Backup step recorded, or a refusal naming the step when the journal records none. */
export function recordedBackup(backupStepId: string, run: Pick<RunContext, 'stepData' | 'backupDestination'>): string {
  const p = run.stepData(backupStepId)?.BackupPath;
  if (typeof p !== 'string' || p === '') {
    throw new CoreError(
      BACKUP_DOES_NOT_COVER,
      `The journal records step ${backupStepId} as done but names no backup (BackupPath); nothing was uninstalled.`,
      backupStepId,
      { missing: ['BackupPath'] },
    );
  }
  if (!isSameOrInside(p, run.backupDestination) || path.resolve(p) === path.resolve(run.backupDestination)) {
    throw new CoreError(
      BACKUP_DOES_NOT_COVER,
      `The journal names the backup ${p} for step ${backupStepId}, which is not a folder inside this run's backup destination ${run.backupDestination}; ` +
        `nothing was uninstalled.`,
      p,
      { missing: [p] },
    );
  }
  return p;
}

/**
 * Before the first uninstall of a run: every server with an uninstall still to come has a recorded backup that covers
 * the components it is about to lose, as the server is now.
 */
export async function assertBackupsCoverUninstalls(plan: UpgradePlan, status: (id: string) => string, run: RunContext): Promise<void> {
  const pending = plan.Steps.filter((s) => s.Action === 'Uninstall' && !DONE.includes(status(s.Id)));
  const servers = [...new Set(pending.map((s) => s.ComputerName.toLowerCase()))];
  for (const name of servers) {
    const mine = (s: PlanStep) => s.ComputerName.toLowerCase() === name;
    const backupStep = plan.Steps.find((s) => s.Action === 'Backup' && mine(s));
    if (!backupStep) throw new CoreError('PlanUnsafe', `The plan uninstalls from ${name} but has no backup step for it; refusing to run it.`, name);
    const backup = recordedBackup(backupStep.Id, run);
    const host = run.host(pending.find(mine)!.ComputerName);
    const going = new Set(pending.filter(mine).map((s) => s.Component));
    const records = (await inventoryServer(host)).Components.filter((c) => c.IsLegacy && going.has(c.Component));
    await assertBackupCovers(backup, host, records);
  }
}

/**
 * The bytes of `relativePath` in the recorded backup, checked against the backup's manifest (a file the manifest does
 * not list, or whose hash differs, is refused). With `prefix`, every file the manifest lists under that folder.
 */
export async function verifiedBackupFiles(
  backup: string,
  relativePath: string,
  computerName: string,
  prefix = false,
): Promise<{ entry: ManifestFileEntry; bytes: Buffer }[]> {
  const read = await readManifest(backup);
  if (!read.ok) throw new CoreError('BackupVerificationFailed', `The backup ${backup} cannot be used: ${read.reason}`, backup);
  if (read.manifest.source.computerName.toLowerCase() !== computerName.toLowerCase()) {
    throw new CoreError('BackupVerificationFailed', `The backup ${backup} is of ${read.manifest.source.computerName}, not of ${computerName}.`, backup);
  }
  const key = relativePathKey(relativePath);
  const entries = read.manifest.files.filter((f) =>
    prefix ? relativePathKey(f.relativePath).startsWith(`${key}\\`) : relativePathKey(f.relativePath) === key,
  );
  if (entries.length === 0) throw new CoreError(
    'BackupVerificationFailed',
    `The backup ${backup} lists no ${relativePath} in its manifest.`,
    backup,
    { notListed: true },
  );
  const out: { entry: ManifestFileEntry; bytes: Buffer }[] = [];
  for (const entry of entries) {
    const file = localPathInside(backup, entry.relativePath);
    const bytes = await fs.readFile(file).catch((e: NodeJS.ErrnoException) => {
      throw new CoreError('BackupVerificationFailed', `${entry.relativePath} of the backup ${backup} cannot be read (${e.code}).`, file);
    });
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== entry.sha256 || bytes.length !== entry.size) {
      throw new CoreError(
        'BackupVerificationFailed',
        `${entry.relativePath} of the backup ${backup} no longer matches its manifest hash; it is not used.`,
        file,
        { expected: entry.sha256, actual: sha256 },
      );
    }
    out.push({ entry, bytes });
  }
  return out;
}
