/**
 * Back up a server's items into a new folder under the destination (a path on the machine running the core).
 * Life of a backup folder: `<name>.partial` is created exclusively, every file is copied in one pass with its
 * hash, fsynced and re-read; manifest.json is written last; only then is the folder renamed to `<name>`.
 * A killed run leaves a `.partial` folder (never valid; retention removes it later); a failed run removes it.
 * The folder is closed to everyone but administrators before the first file goes in (protect-folder.ts).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Host } from '../host/host';
import { CoreError, isCoreError } from '../util/errors';
import { isContentItem, type BackupItem } from './backup-item';
import { backupFolderName, PARTIAL_SUFFIX } from './backup-folder-name';
import { copyHostFileConsistently } from './consistent-copy';
import { bufferSource, copyVerified } from './copy-with-hash';
import { expandBackupItems, type PlannedFile } from './expand-items';
import { toFileCoreError } from './fs-error';
import { exists, removeQuietly, renameWithRetry, syncDirectory } from './local-dir';
import {
  MANIFEST_FILE_NAME,
  MANIFEST_FORMAT_VERSION,
  TOOL_NAME,
  serializeManifest,
  type BackupManifest,
  type ManifestFileEntry,
} from './manifest';
import { nextSequence } from './backup-sequence';
import { isSameOrInside, localPathInside } from '../util/windows-path';
import { nodeWriteFs, writeSmallFile, type BackupWriteFs } from './write-fs';
import { protectFolder } from './protect-folder';
import { makeLocalFolder } from '../util/local-folder';

export interface BackupProgress {
  relativePath: string;
  fileIndex: number;
  fileCount: number;
  /** Bytes of this file copied so far, in this attempt. */
  fileBytesDone: number;
  attempt: number;
}

export interface BackupOptions {
  /** Local folder that receives the new backup folder; created when missing. */
  destination: string;
  items: BackupItem[];
  toolVersion: string;
  productVersions?: Record<string, string>;
  /** Copy attempts per file when the source changes during the copy (default 3). */
  maxAttempts?: number;
  /** Re-hash each source after copying, to catch same-size changes that stat cannot see. */
  rehashSource?: boolean;
  chunkSize?: number;
  onProgress?: (progress: BackupProgress) => void | Promise<void>;
  /** Test seams. */
  now?: () => Date;
  writeFs?: BackupWriteFs;
  protectFolder?: (folder: string) => Promise<void>;
}

export interface BackupResult {
  Path: string;
  Name: string;
  CreatedUtc: string;
  FileCount: number;
  TotalBytes: number;
  SkippedCount: number;
  Manifest: BackupManifest;
}

export async function createBackup(host: Host, options: BackupOptions): Promise<BackupResult> {
  const destination = path.resolve(options.destination);
  await assertDestinationOutsideSources(host, destination, options.items);
  const plan = await expandBackupItems(host, options.items);
  await makeLocalFolder(destination).catch((e) => Promise.reject(toFileCoreError(e, destination, 'destination')));

  const created = (options.now ?? (() => new Date()))();
  const name = await reservePartialFolder(destination, host.computerName, created);
  const partial = path.join(destination, name + PARTIAL_SUFFIX);
  const final = path.join(destination, name);
  const writeFs = options.writeFs ?? nodeWriteFs;
  try {
    await (options.protectFolder ?? protectFolder)(partial);
    const files: ManifestFileEntry[] = [];
    for (const [index, planned] of plan.files.entries()) {
      files.push(await backUpOneFile(host, planned, partial, created, writeFs, options, index, plan.files.length));
    }
    const manifest: BackupManifest = {
      formatVersion: MANIFEST_FORMAT_VERSION,
      tool: { name: TOOL_NAME, version: options.toolVersion },
      createdUtc: created.toISOString(),
      // Read as late as possible: the backups finished while this one was copied rank before it.
      sequence: await nextSequence(destination),
      source: { computerName: host.computerName, hostKind: host.kind },
      productVersions: options.productVersions ?? {},
      purpose: 'Backup',
      files,
      skippedItems: plan.skipped,
    };
    await writeSmallFile(writeFs, path.join(partial, MANIFEST_FILE_NAME), serializeManifest(manifest)).catch((e) =>
      Promise.reject(toFileCoreError(e, path.join(partial, MANIFEST_FILE_NAME), 'destination')),
    );
    // Every file was verified right after it was written (copyVerified), so the rename is the last step.
    await syncDirectory(partial);
    await renameWithRetry(partial, final).catch((e) => Promise.reject(toFileCoreError(e, final, 'destination')));
    await syncDirectory(destination);
    return {
      Path: final,
      Name: name,
      CreatedUtc: manifest.createdUtc,
      FileCount: files.length,
      TotalBytes: files.reduce((n, f) => n + f.size, 0),
      SkippedCount: plan.skipped.length,
      Manifest: manifest,
    };
  } catch (e) {
    const partialRemoved = await removeQuietly(partial);
    throw failedBackupError(e, partial, partialRemoved);
  }
}

async function backUpOneFile(
  host: Host,
  planned: PlannedFile,
  folder: string,
  created: Date,
  writeFs: BackupWriteFs,
  options: BackupOptions,
  fileIndex: number,
  fileCount: number,
): Promise<ManifestFileEntry> {
  const target = localPathInside(folder, planned.relativePath);
  await fs.mkdir(path.dirname(target), { recursive: true }).catch((e) => Promise.reject(toFileCoreError(e, target, 'destination')));
  const progress = (fileBytesDone: number, attempt: number) =>
    options.onProgress?.({ relativePath: planned.relativePath, fileIndex, fileCount, fileBytesDone, attempt });
  const common = { writeFs, chunkSize: options.chunkSize };
  let size: number, sha256: string, mtime: Date;
  if (planned.source.type === 'content') {
    ({ size, sha256 } = await copyVerified(bufferSource(planned.source.content), planned.originalPath, target, {
      ...common,
      onChunk: (done) => progress(done, 1),
    }));
    mtime = created;
  } else {
    ({ size, sha256, mtime } = await copyHostFileConsistently(host, planned.source.path, target, {
      ...common,
      maxAttempts: options.maxAttempts,
      rehashSource: options.rehashSource,
      onChunk: progress,
    }));
  }
  return {
    component: planned.component,
    kind: planned.kind,
    originalPath: planned.originalPath,
    relativePath: planned.relativePath,
    size,
    sha256,
    mtime: mtime.toISOString(),
    status: 'Verified',
  };
}

/**
 * A destination inside a source folder would copy the backup into itself (and a later backup of the folder
 * would contain every earlier one). Checked before anything is created. Remote sources have no local path
 * and cannot contain a local destination.
 */
async function assertDestinationOutsideSources(host: Host, destination: string, items: BackupItem[]): Promise<void> {
  const realDestination = await realPathOfNearestExisting(destination);
  for (const item of items) {
    if (isContentItem(item)) continue;
    const local = host.localPath(item.sourcePath);
    if (local === undefined) continue;
    const realSource = await realPathOfNearestExisting(path.resolve(local));
    if (isSameOrInside(destination, local) || isSameOrInside(realDestination, realSource)) {
      throw new CoreError(
        'DestinationInsideSource',
        `The destination ${destination} is inside ${item.sourcePath}, which is being backed up. Choose a destination outside it.`,
        destination,
        { sourcePath: item.sourcePath },
      );
    }
  }
}

/** Resolve symlinks/junctions of the part of `p` that exists, so a linked destination cannot dodge the check. */
async function realPathOfNearestExisting(p: string): Promise<string> {
  const missing: string[] = [];
  let current = p;
  for (;;) {
    try {
      return path.join(await fs.realpath(current), ...missing.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return p;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

/** Create `<name>.partial` exclusively (mkdir fails if it exists), picking `-2`, `-3`… when the second is taken. */
async function reservePartialFolder(destination: string, computerName: string, at: Date): Promise<string> {
  for (let sequence = 1; sequence < 1000; sequence++) {
    const name = backupFolderName(computerName, at, sequence);
    if (await exists(path.join(destination, name))) continue;
    try {
      await fs.mkdir(path.join(destination, name + PARTIAL_SUFFIX));
      return name;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw toFileCoreError(e, path.join(destination, name + PARTIAL_SUFFIX), 'destination');
    }
  }
  throw new CoreError('DestinationWriteFailed', `Could not find a free backup folder name in ${destination}.`, destination);
}

function failedBackupError(e: unknown, partial: string, partialRemoved: boolean): CoreError {
  const details = { partialFolder: partial, partialRemoved };
  if (isCoreError(e)) return new CoreError(e.code, e.message, e.target, { ...e.details, ...details });
  return new CoreError(
    'BackupIncomplete',
    `The backup did not complete: ${(e as Error)?.message ?? String(e)}. ` +
      (partialRemoved ? 'The unfinished folder was removed.' : `The unfinished folder ${partial} could not be removed; it is marked .partial and is never ` +
        `treated as a backup.`),
    partial,
    details,
  );
}
