/**
 * manifest.json: what a backup holds and the hash of every byte of it. Written last, inside the `.partial`
 * folder, before the rename that makes the backup valid. Read back with a hand-written shape check: a
 * damaged or foreign manifest must give a clear reason, never a crash or a trusted path outside the backup.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Host } from '../host/host';
import type { BackupItemKind } from './backup-item';
import { normalizeRelativePath } from '../util/windows-path';

export const MANIFEST_FILE_NAME = 'manifest.json';
export const MANIFEST_FORMAT_VERSION = 1;
export const TOOL_NAME = 'MfaServerUpgrade';

export interface ManifestFileEntry {
  component: string;
  kind: BackupItemKind;
  /** Windows path on the source server (for Registry/Inventory: what the content came from). */
  originalPath: string;
  /** Path inside the backup, `\`-separated. */
  relativePath: string;
  size: number;
  sha256: string;
  /** Source modification time (ISO 8601, UTC); the backup time for caller-supplied content. */
  mtime: string;
  /** Every file of a finished backup was re-read and matched its hash after writing. */
  status: 'Verified';
}

export interface ManifestSkippedItem {
  component: string;
  kind: BackupItemKind;
  originalPath: string;
  relativePath: string;
  /** SourceMissing: an optional source did not exist. NotPresentBeforeRestore: (undo manifests) the file was created by a restore. */
  reason: 'SourceMissing' | 'NotPresentBeforeRestore';
}

export interface BackupManifest {
  formatVersion: typeof MANIFEST_FORMAT_VERSION;
  tool: { name: string; version: string };
  /** ISO 8601 UTC, as the source's clock said: for people to read. Retention orders by `sequence`, not by this. */
  createdUtc: string;
  /**
   * Rank of this backup among the backups of its destination folder: one more than the highest there when it was
   * finished (core/backup/backup-sequence.ts). Absent in backups made before it existed, and in restore-undo folders.
   */
  sequence?: number;
  source: { computerName: string; hostKind: Host['kind'] };
  /** Installed product versions as the caller saw them, e.g. { "PhoneFactor Agent": "5.6.1" }. */
  productVersions: Record<string, string>;
  /** 'Backup' for Backup-PhoneFactor; 'RestoreUndo' for the copy a restore keeps of what it overwrote. */
  purpose: 'Backup' | 'RestoreUndo';
  files: ManifestFileEntry[];
  skippedItems: ManifestSkippedItem[];
}

export function serializeManifest(manifest: BackupManifest): Buffer {
  return Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8');
}

export type ManifestReadResult = { ok: true; manifest: BackupManifest } | { ok: false; reason: string };

export async function readManifest(folder: string): Promise<ManifestReadResult> {
  const file = path.join(folder, MANIFEST_FILE_NAME);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      ok: false,
      reason: code === 'ENOENT' ? `${MANIFEST_FILE_NAME} is missing: this is not a finished backup.` : `${MANIFEST_FILE_NAME} cannot be read (${code}).`,
    };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, reason: `${MANIFEST_FILE_NAME} is not valid JSON (damaged or truncated).` };
  }
  const problem = manifestProblem(data);
  return problem ? { ok: false, reason: `${MANIFEST_FILE_NAME} is not a valid backup manifest: ${problem}.` } : { ok: true, manifest: data as BackupManifest };
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function manifestProblem(data: unknown): string | undefined {
  if (!isObject(data)) return 'not an object';
  if (data.formatVersion !== MANIFEST_FORMAT_VERSION) return `unsupported formatVersion ${JSON.stringify(data.formatVersion)}`;
  if (!isString(data.createdUtc) || Number.isNaN(Date.parse(data.createdUtc))) return 'createdUtc is not a date';
  if (!isObject(data.source) || !isString(data.source.computerName)) return 'source.computerName is missing';
  if (data.sequence !== undefined && (typeof data.sequence !== 'number' || !Number.isSafeInteger(data.sequence) || data.sequence < 1)) return 'sequence is ' +
    'not a whole number of at least 1';
  if (!Array.isArray(data.files)) return 'files is not a list';
  if (!Array.isArray(data.skippedItems)) return 'skippedItems is not a list';
  const seen = new Set<string>();
  for (const [i, f] of data.files.entries()) {
    if (!isObject(f)) return `files[${i}] is not an object`;
    if (!isString(f.relativePath) || !isString(f.originalPath) || !isString(f.sha256) || !/^[0-9a-f]{64}$/.test(f.sha256))
      return `files[${i}] lacks relativePath, originalPath or a sha256`;
    if (typeof f.size !== 'number' || !Number.isSafeInteger(f.size) || f.size < 0) return `files[${i}].size is not a size`;
    try {
      if (normalizeRelativePath(f.relativePath) !== f.relativePath) return `files[${i}].relativePath is not normalised`;
    } catch {
      return `files[${i}].relativePath points outside the backup`;
    }
    const key = f.relativePath.toLowerCase();
    if (seen.has(key)) return `files[${i}].relativePath appears twice`;
    seen.add(key);
  }
  return undefined;
}
