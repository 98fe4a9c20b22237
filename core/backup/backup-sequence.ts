/**
 * The order in which backups were finished in one destination, without a clock: each new backup's manifest gets
 * `sequence` = 1 + the highest sequence of the finished backups already in the folder, read when its manifest is
 * written. A backup is therefore always ranked after every backup that was there when it was made, whatever any
 * clock said (a server whose clock ran ahead, a backup copied in from a machine with another time, a manifest whose
 * createdUtc lies in the future). Retention orders by it (core/backup/retention.ts).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseBackupFolderName } from './backup-folder-name';
import { readManifest, type BackupManifest } from './manifest';

/** The sequence of a manifest; 0 for backups made before sequences were written (they rank below every newer one). */
export function sequenceOf(manifest: BackupManifest): number {
  return typeof manifest.sequence === 'number' ? manifest.sequence : 0;
}

export async function nextSequence(destination: string): Promise<number> {
  let highest = 0;
  const entries = await fs.readdir(destination, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const parsed = e.isDirectory() ? parseBackupFolderName(e.name) : undefined;
    if (!parsed || parsed.partial) continue;
    const read = await readManifest(path.join(destination, e.name));
    if (read.ok) highest = Math.max(highest, sequenceOf(read.manifest));
  }
  return highest + 1;
}
