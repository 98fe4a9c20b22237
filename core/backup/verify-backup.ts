/**
 * Test a backup folder against its manifest by re-hashing every file. A `.partial` folder or a missing or
 * damaged manifest is never valid. Files found on disk but not in the manifest are reported as Extra; they do
 * not make the backup invalid, because nothing a restore reads is affected (the restore-undo folders a restore
 * writes into the backup are skipped altogether).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseBackupFolderName, PARTIAL_SUFFIX } from './backup-folder-name';
import { RESTORE_UNDO_PREFIX } from './expand-items';
import { hashLocalFile } from './hash-local-file';
import { MANIFEST_FILE_NAME, readManifest, type BackupManifest } from './manifest';
import { localPathInside, relativePathKey, relativePathOf } from '../util/windows-path';

export type VerifyItemStatus = 'Ok' | 'Missing' | 'Changed' | 'Extra';

export interface VerifyItem {
  RelativePath: string;
  Status: VerifyItemStatus;
  /** sha256 from the manifest (absent for Extra). */
  Expected?: string;
  /** sha256 of the file on disk (absent for Missing). */
  Actual?: string;
  ExpectedSize?: number;
  ActualSize?: number;
}

export interface VerifyResult {
  Path: string;
  IsValid: boolean;
  /** Why it is not valid; absent when valid. */
  Reason?: string;
  CreatedUtc?: string;
  ComputerName?: string;
  Items: VerifyItem[];
  /** The parsed manifest when there is one (callers such as restore and retention reuse it). */
  Manifest?: BackupManifest;
}

export interface VerifyOptions {
  chunkSize?: number;
  onItem?: (item: VerifyItem) => void | Promise<void>;
}

export async function verifyBackup(folder: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const resolved = path.resolve(folder);
  const invalid = (Reason: string): VerifyResult => ({ Path: resolved, IsValid: false, Reason, Items: [] });

  const folderStat = await fs.stat(resolved).catch(() => undefined);
  if (!folderStat?.isDirectory()) return invalid(`${resolved} is not a folder.`);
  if (resolved.toLowerCase().endsWith(PARTIAL_SUFFIX) || parseBackupFolderName(path.basename(resolved))?.partial) {
    return invalid('The folder is still marked .partial: the backup was interrupted or is running now, so it is not a valid backup.');
  }
  const read = await readManifest(resolved);
  if (!read.ok) return invalid(read.reason);
  const manifest = read.manifest;

  const items: VerifyItem[] = [];
  const report = async (item: VerifyItem) => {
    items.push(item);
    await options.onItem?.(item);
  };
  for (const entry of manifest.files) {
    const file = localPathInside(resolved, entry.relativePath);
    const base = { RelativePath: entry.relativePath, Expected: entry.sha256, ExpectedSize: entry.size };
    const actual = await hashLocalFile(file, options.chunkSize).catch((e: NodeJS.ErrnoException) => e);
    if (actual instanceof Error) {
      await report({ ...base, Status: 'Missing' });
      continue;
    }
    const same = actual.size === entry.size && actual.sha256 === entry.sha256;
    await report({ ...base, Status: same ? 'Ok' : 'Changed', Actual: actual.sha256, ActualSize: actual.size });
  }

  const known = new Set(manifest.files.map((f) => relativePathKey(f.relativePath)));
  for (const file of await listFiles(resolved)) {
    const rel = relativePathOf(resolved, file);
    const key = relativePathKey(rel);
    if (key === MANIFEST_FILE_NAME || key.split('\\')[0].startsWith(RESTORE_UNDO_PREFIX) || known.has(key)) continue;
    const actual = await hashLocalFile(file, options.chunkSize).catch(() => undefined);
    await report({ RelativePath: rel, Status: 'Extra', Actual: actual?.sha256, ActualSize: actual?.size });
  }

  const missing = items.filter((i) => i.Status === 'Missing').length;
  const changed = items.filter((i) => i.Status === 'Changed').length;
  const IsValid = missing === 0 && changed === 0;
  return {
    Path: resolved,
    IsValid,
    Reason: IsValid ? undefined : `${changed} file(s) changed and ${missing} file(s) missing since the backup was made.`,
    CreatedUtc: manifest.createdUtc,
    ComputerName: manifest.source.computerName,
    Items: items,
    Manifest: manifest,
  };
}

async function listFiles(folder: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else out.push(full);
  }
  return out;
}
