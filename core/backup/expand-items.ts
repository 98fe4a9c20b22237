/**
 * Turn the caller's items into the list of files to copy, before anything is written: folders are walked
 * recursively through the host, missing sources are found now (SourceNotFound, or skipped when optional),
 * and relative paths are checked for clashes (case-insensitively, as Windows would see them).
 */
import type { Host } from '../host/host';
import { CoreError } from '../util/errors';
import { isContentItem, type BackupItem, type BackupItemKind } from './backup-item';
import { MANIFEST_FILE_NAME, type ManifestSkippedItem } from './manifest';
import { joinWindowsPath, normalizeRelativePath, relativePathKey } from '../util/windows-path';

export const RESTORE_UNDO_PREFIX = 'restore-undo-';

export interface PlannedFile {
  component: string;
  kind: BackupItemKind;
  originalPath: string;
  relativePath: string;
  source: { type: 'host'; path: string } | { type: 'content'; content: Buffer };
}

export interface ExpandedItems {
  files: PlannedFile[];
  skipped: ManifestSkippedItem[];
}

export async function expandBackupItems(host: Host, items: BackupItem[]): Promise<ExpandedItems> {
  const files: PlannedFile[] = [];
  const skipped: ManifestSkippedItem[] = [];
  for (const item of items) {
    const relativePath = normalizeRelativePath(item.relativePath, item.sourcePath ?? item.relativePath);
    const base = { component: item.component, kind: item.kind };
    if (isContentItem(item)) {
      files.push({ ...base, originalPath: item.sourcePath ?? relativePath, relativePath, source: { type: 'content', content: item.content } });
      continue;
    }
    const stat = await host.stat(item.sourcePath);
    if (!stat) {
      if (item.optional) {
        skipped.push({ ...base, originalPath: item.sourcePath, relativePath, reason: 'SourceMissing' });
        continue;
      }
      throw new CoreError('SourceNotFound', `${item.sourcePath} does not exist, so it cannot be backed up (${item.component} ${item.kind}).`, item.sourcePath);
    }
    if (!stat.isDirectory) {
      files.push({ ...base, originalPath: item.sourcePath, relativePath, source: { type: 'host', path: item.sourcePath } });
      continue;
    }
    for await (const sub of walkHostFolder(host, item.sourcePath, '')) {
      files.push({
        ...base,
        originalPath: joinWindowsPath(item.sourcePath, sub),
        relativePath: `${relativePath}\\${sub}`,
        source: { type: 'host', path: joinWindowsPath(item.sourcePath, sub) },
      });
    }
  }
  assertNoClashes(files);
  return { files, skipped };
}

/** Backup-relative paths of every file below `folder` (empty folders carry no data and are not recorded). */
async function* walkHostFolder(host: Host, folder: string, prefix: string): AsyncGenerator<string> {
  const entries = await host.listDirectory(folder);
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = prefix ? `${prefix}\\${entry.name}` : entry.name;
    if (entry.isDirectory) yield* walkHostFolder(host, joinWindowsPath(folder, entry.name), rel);
    else yield rel;
  }
}

function assertNoClashes(files: PlannedFile[]): void {
  const keys = new Set<string>();
  for (const f of files) {
    const key = relativePathKey(f.relativePath);
    const top = key.split('\\')[0];
    if (key === MANIFEST_FILE_NAME || top.startsWith(RESTORE_UNDO_PREFIX)) {
      throw new CoreError('InvalidBackupItem', `"${f.relativePath}" is a name the backup keeps for itself; choose another relative path.`, f.originalPath);
    }
    if (keys.has(key)) {
      throw new CoreError(
        'InvalidBackupItem',
        `Two items would be stored as "${f.relativePath}" in the backup; give them different relative paths.`,
        f.originalPath,
      );
    }
    keys.add(key);
  }
  // A file may not also be a folder of another file ("Data" and "Data\x.pfdata").
  for (const f of files) {
    const parts = relativePathKey(f.relativePath).split('\\');
    for (let i = 1; i < parts.length; i++) {
      if (keys.has(parts.slice(0, i).join('\\'))) {
        throw new CoreError(
          'InvalidBackupItem',
          `"${f.relativePath}" would be stored below a file of the same backup; give the items different relative paths.`,
          f.originalPath,
        );
      }
    }
  }
}
