/**
 * Get-PhoneFactorBackup: the backups in a destination folder, newest first per server (by the sequence each manifest
 * gets, as retention ranks them), read from their manifests; with `verify` every file is hashed again as
 * Test-PhoneFactorBackup does. Reads only.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseBackupFolderName } from './backup-folder-name';
import { sequenceOf } from './backup-sequence';
import { readManifest } from './manifest';
import { testBackup } from './test-backup';
import { CoreError } from '../util/errors';

export interface ListBackupsRequest {
  /** The destination folder on this machine (a lab's folder already resolved). */
  destination: string;
  /** Hash every file again (Test-PhoneFactorBackup) instead of trusting the manifest's record. */
  verify: boolean;
}

export interface BackupListing {
  ComputerName: string;
  /** Rank among the destination's backups (1, 2, 3… as they were finished); null for one made before sequences. */
  Sequence: number | null;
  CreatedUtc: string | null;
  FileCount: number;
  /** Bytes of all files, as the manifest records them. */
  Size: number;
  /** Manifest: every file matched its hash when the backup was made. Rehash: every file matches it now (-Verify). */
  Verified: boolean;
  VerifiedBy: 'Manifest' | 'Rehash';
  /** Why it is not verified (an unfinished backup, an unreadable manifest, a changed file). */
  Reason: string | null;
  Path: string;
}

export async function listBackups(req: ListBackupsRequest): Promise<BackupListing[]> {
  const root = path.resolve(req.destination);
  const entries = await fs.readdir(root, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    throw new CoreError(e.code === 'ENOENT' ? 'DestinationNotFound' : 'AccessDenied', `Cannot list the backup destination ${root} (${e.code}).`, root);
  });
  const out: BackupListing[] = [];
  for (const e of entries) {
    const parsed = e.isDirectory() ? parseBackupFolderName(e.name) : undefined;
    if (!parsed) continue;
    out.push(await listing(path.join(root, e.name), parsed.computerName, parsed.partial, req.verify));
  }
  // Per server, newest first: the sequence ranks them (never a clock); the folder name breaks ties.
  return out.sort(
    (a, b) => a.ComputerName.localeCompare(b.ComputerName) || (b.Sequence ?? 0) - (a.Sequence ?? 0) || b.Path.localeCompare(a.Path, 'en', { numeric: true }),
  );
}

async function listing(folder: string, folderComputer: string, partial: boolean, verify: boolean): Promise<BackupListing> {
  const by: BackupListing['VerifiedBy'] = verify ? 'Rehash' : 'Manifest';
  const read = await readManifest(folder);
  const base = { ComputerName: folderComputer, Sequence: null, CreatedUtc: null, FileCount: 0, Size: 0, VerifiedBy: by, Path: folder };
  if (partial) return { ...base, Verified: false, Reason: 'An unfinished backup (.partial): it never completed and cannot be restored.' };
  if (!read.ok) return { ...base, Verified: false, Reason: read.reason };
  const m = read.manifest;
  const described = {
    ...base,
    ComputerName: m.source.computerName,
    Sequence: typeof m.sequence === 'number' ? sequenceOf(m) : null,
    CreatedUtc: m.createdUtc,
    FileCount: m.files.length,
    Size: m.files.reduce((n, f) => n + f.size, 0),
  };
  if (!verify) {
    const unverified = m.files.filter((f) => f.status !== 'Verified').map((f) => f.relativePath);
    return { ...described, Verified: unverified.length === 0, Reason: unverified.length ? `Not verified when made: ${unverified.join(', ')}` : null };
  }
  const check = await testBackup(folder);
  return { ...described, Verified: check.IsValid, Reason: check.Reason ?? null };
}
