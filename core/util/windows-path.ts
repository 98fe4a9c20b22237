/**
 * The few Windows-path and backup-relative-path rules the backup library needs.
 * Host paths are Windows paths (`C:\Program Files\PhoneFactor\Data`); paths inside a backup are relative,
 * written with `\` in the manifest (the admin's convention) and split into segments to touch the local disk.
 */
import * as path from 'node:path';
import { hasControlCharacter } from './control-characters';
import { CoreError } from './errors';

/** `C:\a\` + `b\c` → `C:\a\b\c` (one separator, never doubled). */
export function joinWindowsPath(base: string, ...parts: string[]): string {
  const cleaned = parts.flatMap((p) => p.split(/[\\/]+/)).filter((s) => s !== '');
  return [base.replace(/[\\/]+$/, ''), ...cleaned].join('\\');
}

/** The folder that holds a Windows path: `C:\a\b.txt` → `C:\a`. */
export function windowsParent(p: string): string {
  const trimmed = p.replace(/[\\/]+$/, '');
  const i = Math.max(trimmed.lastIndexOf('\\'), trimmed.lastIndexOf('/'));
  return i <= 0 ? trimmed : trimmed.slice(0, i);
}

/** True when a file or folder name holds a character Windows refuses in names (the colon also rules out a drive). */
export function hasCharacterWindowsRefusesInName(name: string): boolean {
  return /[<>:"|?*]/.test(name) || hasControlCharacter(name);
}

/**
 * Check and normalise a path inside a backup: relative, no `.`/`..`, no drive, segments joined with `\`.
 * A bad relative path in a manifest could otherwise point a restore outside the backup folder.
 */
export function normalizeRelativePath(relativePath: string, target?: string): string {
  const segments = relativePath.split(/[\\/]/);
  const bad =
    relativePath.trim() === '' ||
    /^[\\/]/.test(relativePath) ||
    segments.some((s) => s === '' || s === '.' || s === '..' || hasCharacterWindowsRefusesInName(s) || /[ .]$/.test(s));
  if (bad) {
    throw new CoreError(
      'InvalidRelativePath',
      `"${relativePath}" is not a valid path inside a backup (it must be relative, without "..", drive letters or empty parts).`,
      target ?? relativePath,
    );
  }
  return segments.join('\\');
}

/** The local file for a backup-relative path. */
export function localPathInside(folder: string, relativePath: string): string {
  return path.join(folder, ...relativePath.split('\\'));
}

/** Backup-relative form of a local path found under `folder`. */
export function relativePathOf(folder: string, localFile: string): string {
  return path.relative(folder, localFile).split(path.sep).join('\\');
}

/**
 * True when `inner` is `outer` or lies below it. Compared case-insensitively on every platform: Windows paths
 * are case-insensitive, and refusing a doubtful destination costs the admin nothing.
 */
export function isSameOrInside(inner: string, outer: string): boolean {
  const a = path.resolve(inner).toLowerCase();
  const b = path.resolve(outer).toLowerCase().replace(/[\\/]+$/, '');
  return a === b || a.startsWith(b + path.sep) || (path.sep === '\\' && a.startsWith(b + '/'));
}

/** Case-insensitive key for a backup-relative path. */
export function relativePathKey(relativePath: string): string {
  return relativePath.toLowerCase();
}
