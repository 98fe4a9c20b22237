/**
 * Put files from a verified backup back on a host. Reversible: before anything is overwritten, every file the
 * restore would replace is copied (with its own manifest) into `<backup>\restore-undo-<timestamp>`, which is
 * itself a backup that restoreFiles can restore. Each file is written atomically (temp file in the target folder,
 * fsync, hash check, rename), so a target is either the old file or the restored one, never half.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { Host } from '../host/host';
import { timestamp } from '../util/atomic-write';
import { CoreError, isCoreError } from '../util/errors';
import { copyHostFileConsistently } from './consistent-copy';
import { copyVerified, openLocalSource } from './copy-with-hash';
import { RESTORE_UNDO_PREFIX } from './expand-items';
import { toFileCoreError } from './fs-error';
import { removeQuietly, renameWithRetry, syncDirectory } from './local-dir';
import {
  MANIFEST_FILE_NAME,
  MANIFEST_FORMAT_VERSION,
  TOOL_NAME,
  serializeManifest,
  type BackupManifest,
  type ManifestFileEntry,
  type ManifestSkippedItem,
} from './manifest';
import { verifyBackup } from './verify-backup';
import { localPathInside, relativePathKey, windowsParent } from '../util/windows-path';
import { nodeWriteFs, writeSmallFile, type BackupWriteFs } from './write-fs';

export interface RestoreOptions {
  toolVersion: string;
  /** Only these files (backup-relative paths, case-insensitive); default: every file of the backup. */
  relativePaths?: string[];
  /** Where a file goes on the host; default its originalPath. */
  targetPathFor?: (entry: ManifestFileEntry) => string;
  chunkSize?: number;
  /** Test seams. */
  now?: () => Date;
  writeFs?: BackupWriteFs;
}

export type RestoreFileStatus = 'Restored' | 'Unchanged' | 'Failed';

export interface RestoreFileResult {
  RelativePath: string;
  TargetPath: string;
  Status: RestoreFileStatus;
  /** Local path of the copy of what was overwritten. */
  UndoPath?: string;
  ErrorCode?: string;
  Message?: string;
}

export interface RestoreResult {
  BackupPath: string;
  /** Folder holding the previous versions (absent when nothing was overwritten). */
  UndoFolder?: string;
  Succeeded: boolean;
  Files: RestoreFileResult[];
}

interface Selected {
  entry: ManifestFileEntry;
  target: string;
  result: RestoreFileResult;
}

export async function restoreFiles(host: Host, backupFolder: string, options: RestoreOptions): Promise<RestoreResult> {
  const backup = path.resolve(backupFolder);
  const check = await verifyBackup(backup, { chunkSize: options.chunkSize });
  if (!check.Manifest) {
    throw new CoreError('BackupIncomplete', `${backup} cannot be restored: ${check.Reason}`, backup);
  }
  if (!check.IsValid) {
    const bad = check.Items.filter((i) => i.Status === 'Missing' || i.Status === 'Changed').map((i) => `${i.RelativePath} (${i.Status})`);
    throw new CoreError('BackupVerificationFailed', `${backup} failed verification, so nothing was restored: ${bad.join(', ')}.`, backup, { items: bad });
  }
  const selected = select(check.Manifest, options).map((entry): Selected => {
    const target = options.targetPathFor?.(entry) ?? entry.originalPath;
    return { entry, target, result: { RelativePath: entry.relativePath, TargetPath: target, Status: 'Restored' } };
  });
  const writeFs = options.writeFs ?? nodeWriteFs;
  const undoFolder = await saveWhatWillBeOverwritten(host, backup, selected, options, writeFs);

  for (const item of selected) {
    if (item.result.Status === 'Unchanged') continue;
    try {
      await writeOneFile(host, localPathInside(backup, item.entry.relativePath), item.entry, item.target, options, writeFs);
    } catch (e) {
      const err = isCoreError(e) ? e : toFileCoreError(e, item.target, 'destination');
      Object.assign(item.result, { Status: 'Failed', ErrorCode: err.code, Message: err.message });
    }
  }
  const files = selected.map((s) => s.result);
  return { BackupPath: backup, UndoFolder: undoFolder, Succeeded: files.every((f) => f.Status !== 'Failed'), Files: files };
}

function select(manifest: BackupManifest, options: RestoreOptions): ManifestFileEntry[] {
  if (!options.relativePaths) return manifest.files;
  const byKey = new Map(manifest.files.map((f) => [relativePathKey(f.relativePath), f]));
  return options.relativePaths.map((rel) => {
    const entry = byKey.get(relativePathKey(rel.replace(/\//g, '\\')));
    if (!entry) throw new CoreError('NotInBackup', `The backup holds no file "${rel}".`, rel);
    return entry;
  });
}

/**
 * Phase one, before any target is touched: copy each existing target into the undo folder and write its
 * manifest. Targets already identical to the backup are marked Unchanged and not rewritten. If this phase
 * fails nothing was overwritten, so the half-made undo folder is removed and the error thrown.
 */
async function saveWhatWillBeOverwritten(
  host: Host,
  backup: string,
  selected: Selected[],
  options: RestoreOptions,
  writeFs: BackupWriteFs,
): Promise<string | undefined> {
  const created = (options.now ?? (() => new Date()))();
  const undo = await makeUndoFolder(backup, created);
  try {
    const files: ManifestFileEntry[] = [];
    const skipped: ManifestSkippedItem[] = [];
    for (const item of selected) {
      const { entry, target } = item;
      const current = await host.stat(target);
      if (current?.isDirectory) {
        throw new CoreError('RestoreTargetIsFolder', `${target} is a folder on ${host.computerName}; a file cannot be restored over it.`, target);
      }
      if (!current) {
        skipped.push({
          component: entry.component,
          kind: entry.kind,
          originalPath: target,
          relativePath: entry.relativePath,
          reason: 'NotPresentBeforeRestore',
        });
        continue;
      }
      const undoFile = localPathInside(undo, entry.relativePath);
      await fs.mkdir(path.dirname(undoFile), { recursive: true });
      const copied = await copyHostFileConsistently(host, target, undoFile, { writeFs, chunkSize: options.chunkSize });
      if (copied.sha256 === entry.sha256 && copied.size === entry.size) {
        item.result.Status = 'Unchanged';
        await fs.rm(undoFile, { force: true });
        continue;
      }
      item.result.UndoPath = undoFile;
      files.push({ ...entry, originalPath: target, size: copied.size, sha256: copied.sha256, mtime: copied.mtime.toISOString(), status: 'Verified' });
    }
    if (files.length === 0 && skipped.length === 0) {
      await removeQuietly(undo);
      return undefined;
    }
    const manifest: BackupManifest = {
      formatVersion: MANIFEST_FORMAT_VERSION,
      tool: { name: TOOL_NAME, version: options.toolVersion },
      createdUtc: created.toISOString(),
      source: { computerName: host.computerName, hostKind: host.kind },
      productVersions: {},
      purpose: 'RestoreUndo',
      files,
      skippedItems: skipped,
    };
    await writeSmallFile(writeFs, path.join(undo, MANIFEST_FILE_NAME), serializeManifest(manifest));
    await syncDirectory(undo);
    return undo;
  } catch (e) {
    await removeQuietly(undo);
    throw isCoreError(e) ? e : toFileCoreError(e, undo, 'destination');
  }
}

async function makeUndoFolder(backup: string, at: Date): Promise<string> {
  for (let n = 1; n < 1000; n++) {
    const folder = path.join(backup, `${RESTORE_UNDO_PREFIX}${timestamp(at)}${n > 1 ? `-${n}` : ''}`);
    try {
      await fs.mkdir(folder);
      return folder;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw toFileCoreError(e, folder, 'destination');
    }
  }
  throw new CoreError('DestinationWriteFailed', `Could not create an undo folder in ${backup}.`, backup);
}

/** Phase two, one file: temp file beside the target, hash-checked against the manifest, then renamed over it. */
async function writeOneFile(
  host: Host,
  backupFile: string,
  entry: ManifestFileEntry,
  target: string,
  options: RestoreOptions,
  writeFs: BackupWriteFs,
): Promise<void> {
  const mismatch = (sha256: string) =>
    new CoreError('BackupVerificationFailed', `${backupFile} no longer matches its manifest hash; ${target} was left as it was.`, backupFile, {
      expected: entry.sha256,
      actual: sha256,
    });
  const local = host.localPath(target);
  if (local === undefined) {
    // Remote host: the file travels whole through the host's own atomic write.
    const data = await fs.readFile(backupFile);
    const sha256 = createHash('sha256').update(data).digest('hex');
    if (sha256 !== entry.sha256) throw mismatch(sha256);
    await host.makeDirectory(windowsParent(target));
    await host.writeFileAtomic(target, data);
    return;
  }
  const dir = path.dirname(local);
  await fs.mkdir(dir, { recursive: true }).catch((e) => Promise.reject(toFileCoreError(e, target, 'destination')));
  const temp = path.join(dir, `.${path.basename(local)}.restore-${process.pid}-${Date.now()}.tmp`);
  try {
    const source = await openLocalSource(backupFile);
    let copied;
    try {
      copied = await copyVerified(source, backupFile, temp, { writeFs, chunkSize: options.chunkSize });
    } finally {
      await source.close();
    }
    if (copied.sha256 !== entry.sha256) throw mismatch(copied.sha256);
    // Give the file back its original modification time, as a copy-back by hand would not.
    const mtime = new Date(entry.mtime);
    await fs.utimes(temp, mtime, mtime).catch(() => undefined);
    await renameWithRetry(temp, local).catch((e) => Promise.reject(toFileCoreError(e, target, 'destination')));
    await syncDirectory(dir);
  } catch (e) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw e;
  }
}
