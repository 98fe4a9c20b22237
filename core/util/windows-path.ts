/**
 * The one home of Windows path ideas (and of the few local-path rules built on them). Host paths are Windows paths
 * (`C:\Program Files\PhoneFactor\Data`), compared as Windows compares them: case-insensitively, `/` as `\`, trailing
 * separators ignored. Paths inside a backup are relative, written with `\` in the manifest.
 *
 * Two rules every path the core builds goes through:
 * - a NAME from a record (a computer name in a backup's inventory or a lab's server.json, a server folder named in a
 *   lab.json) becomes a path segment only through `pathSegmentFromName` (refuse) or `cleanPathSegment` (clean): a
 *   name is never a path, so `..`, separators, drives and what Windows refuses in names cannot lead a folder elsewhere;
 * - a PATH a user gave (a path parameter) is checked by `pathParameterProblem` before any handler runs: absolute, no
 *   blanks around it, no drive-relative `C:`, no control characters, not over the length Windows takes for a folder.
 */
import * as path from 'node:path';
import { hasControlCharacter } from './control-characters';
import { CoreError } from './errors';

const SEPARATORS = /[\\/]+/;

/** True for a drive path such as `C:\x` or `c:/x` (also `C:` alone: the lab reads it as the drive's root). */
export function isWindowsDrivePath(p: string): boolean {
  return /^[A-Za-z]:([\\/]|$)/.test(p);
}

/** True for a UNC path (`\\server\share\...`). */
export function isUncPath(p: string): boolean {
  return /^[\\/]{2}[^\\/]/.test(p);
}

/** `C:` alone or `C:name`: on Windows the current folder of drive C, which differs from one process to the next. */
export function isDriveRelativePath(p: string): boolean {
  return /^[A-Za-z]:(?![\\/])/.test(p);
}

/** `C:\a\` + `b\c` → `C:\a\b\c` (one separator, never doubled; empty parts dropped). */
export function joinWindowsPath(base: string, ...parts: string[]): string {
  const cleaned = parts.flatMap((p) => p.split(SEPARATORS)).filter((s) => s !== '');
  const root = base.replace(/[\\/]+$/, '');
  // A drive root keeps its separator: `C:\` alone stays `C:\`, never the drive-relative `C:`.
  if (cleaned.length === 0) return /^[A-Za-z]:$/.test(root) ? `${root}\\` : root;
  return [root, ...cleaned].join('\\');
}

/**
 * The folder that holds a Windows path: `C:\a\b.txt` → `C:\a`. The parent of `C:\a` is the drive root `C:\` (a
 * folder), never `C:` alone (on Windows the current folder of drive C). A root is its own parent.
 */
export function windowsParent(p: string): string {
  const trimmed = p.replace(/[\\/]+$/, '');
  if (/^[A-Za-z]:$/.test(trimmed)) return `${trimmed}\\`;
  const i = Math.max(trimmed.lastIndexOf('\\'), trimmed.lastIndexOf('/'));
  if (i < 0) return trimmed;
  if (/^[A-Za-z]:$/.test(trimmed.slice(0, i))) return `${trimmed.slice(0, i)}\\`;
  if (isUncPath(trimmed) && trimmed.slice(2).split(SEPARATORS).length <= 2) return trimmed; // \\server\share is a root
  return trimmed.slice(0, i);
}

/** The last name of a Windows path: `C:\a\b.txt` → `b.txt` (trailing separators ignored). */
export function windowsBasename(p: string): string {
  const trimmed = p.replace(/[\\/]+$/, '');
  return trimmed.slice(Math.max(trimmed.lastIndexOf('\\'), trimmed.lastIndexOf('/')) + 1);
}

/** The form two Windows paths are compared in: `\` only, no trailing separator, one case. */
export function windowsPathKey(p: string): string {
  return p.replace(/\//g, '\\').replace(/\\+$/, '').toUpperCase();
}

/** Windows path equality: `C:\A\` equals `c:/a`. */
export function sameWindowsPath(a: string, b: string): boolean {
  return windowsPathKey(a) === windowsPathKey(b);
}

/** True when the Windows path `inner` is `outer` or lies below it (`C:\ab` is not inside `C:\a`). */
export function isInsideWindowsPath(inner: string, outer: string): boolean {
  const a = windowsPathKey(inner);
  const b = windowsPathKey(outer);
  return a === b || a.startsWith(b + '\\');
}

/** True when a file or folder name holds a character Windows refuses in names (the colon also rules out a drive). */
export function hasCharacterWindowsRefusesInName(name: string): boolean {
  return /[<>:"|?*]/.test(name) || hasControlCharacter(name);
}

/** NTFS (and ext4) take names of up to 255 characters. */
export const MAX_NAME_LENGTH = 255;
/** The device names Windows reserves in every folder, with or without an extension (`NUL.txt` is NUL too). */
const RESERVED_DEVICE_NAME = /^(CON|PRN|AUX|NUL|COM[1-9\u00B9\u00B2\u00B3]|LPT[1-9\u00B9\u00B2\u00B3])(\..*)?$/i;

/** Why `name` cannot be one segment of a path (a folder or file name) on Windows; undefined when it can. */
export function windowsNameProblem(name: string): string | undefined {
  if (name === '') return 'it is empty';
  if (name === '.' || name === '..') return `"${name}" names a folder itself or its parent, not a folder of its own`;
  if (/[\\/]/.test(name)) return 'it holds a path separator (\\ or /)';
  if (name.includes(':')) return 'it holds a colon (a drive, or an alternate data stream on NTFS)';
  if (hasControlCharacter(name)) return 'it holds a control character';
  if (/[<>"|?*]/.test(name)) return 'it holds a character Windows refuses in names (< > " | ? *)';
  if (/[ .]$/.test(name)) return 'it ends with a dot or a blank, which Windows drops (two names would then meet)';
  if (RESERVED_DEVICE_NAME.test(name)) return 'it is a device name Windows reserves (CON, PRN, AUX, NUL, COM1-9, LPT1-9)';
  if (name.length > MAX_NAME_LENGTH) return `it is longer than the ${MAX_NAME_LENGTH} characters a name may have`;
  return undefined;
}

/**
 * A name from a record as one path segment, or a refusal. For names that also mean something else (a lab server's
 * computer name is the name every command reports and a run folder is found by): a cleaned name would be a different
 * server, so a name that cannot be a folder name is refused, naming `what` it is and why.
 */
export function pathSegmentFromName(name: string, what: string, target: string = name): string {
  const problem = windowsNameProblem(name);
  if (problem !== undefined) {
    throw new CoreError('UnsafePathName', `${what} ${JSON.stringify(name)} cannot name a folder or file: ${problem}. Nothing was written for it.`, target);
  }
  return name;
}

/**
 * A name from a record cleaned into one path segment, deterministically: every character but letters, digits, `.`,
 * `_` and `-` becomes `_`, leading or trailing dots become `_`, a reserved device name gets a `_` in front, an empty
 * name becomes `fallback`, a long one is cut. For names that only label a folder (a backup folder is found by its
 * manifest, not by its name): the same name always gives the same folder, and no name can give a path.
 */
export function cleanPathSegment(name: string, fallback = 'UNKNOWN', maxLength = 100): string {
  let s = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').replace(/\.+$/, '_').slice(0, maxLength);
  if (s === '') s = fallback;
  if (RESERVED_DEVICE_NAME.test(s)) s = `_${s}`;
  return s;
}

/**
 * The longest folder path Windows' classic file functions take (CreateDirectory: MAX_PATH 260 less room for an 8.3
 * name), which installers, icacls and many tools still keep to.
 */
export const MAX_FOLDER_PATH_LENGTH = 248;

/**
 * Why a path a user gave cannot be used as one; undefined when it can. `windowsPaths` says whether a Windows drive path
 * names something here (on Windows, or in a lab where C:\ lies inside the lab). Relative paths are resolved by the
 * module against PowerShell's location before they reach the core: one that still arrives relative would resolve
 * against the core's working folder, which is nobody's choice.
 */
export function pathParameterProblem(value: string, options: { windowsPaths: boolean; platform?: NodeJS.Platform }): string | undefined {
  const platform = options.platform ?? process.platform;
  if (value.trim() === '') return 'it is empty';
  if (value !== value.trim()) return 'it begins or ends with a blank (Windows drops trailing blanks, so the path would name another folder)';
  if (hasControlCharacter(value)) return 'it holds a control character';
  if (isDriveRelativePath(value)) {
    const drive = value[0].toUpperCase();
    return `"${value.slice(0, 2)}" without a \\ means the current folder of drive ${drive} on Windows, which differs from one process to the next; ` +
      `give a full path such as ${drive}:\\Backups`;
  }
  const windowsForm = isWindowsDrivePath(value) || isUncPath(value);
  if (!windowsForm && !(platform !== 'win32' && path.posix.isAbsolute(value))) {
    return 'it is not a full path (the module resolves relative paths against the PowerShell location; this one was not)';
  }
  if (windowsForm && platform !== 'win32' && !options.windowsPaths) {
    return `it is a Windows path, and this machine is not Windows: give a path of this machine, or -LabPath for a path inside a lab`;
  }
  const names = windowsForm ? value.replace(/^[A-Za-z]:/, '').split(SEPARATORS).filter((s) => s !== '') : value.split('/');
  const bad = windowsForm ? names.find((n) => hasCharacterWindowsRefusesInName(n)) : undefined;
  if (bad !== undefined) return `its part "${bad}" holds a character Windows refuses in names (< > : " | ? *)`;
  if (names.some((n) => n.length > MAX_NAME_LENGTH)) return `one of its names is longer than the ${MAX_NAME_LENGTH} characters a name may have`;
  if (windowsForm && value.length > MAX_FOLDER_PATH_LENGTH) {
    return `it is ${value.length} characters long; Windows programs take folder paths of up to ${MAX_FOLDER_PATH_LENGTH} characters`;
  }
  return undefined;
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
 * True when the local path `inner` is `outer` or lies below it. Compared case-insensitively on every platform: Windows
 * paths are case-insensitive, and refusing a doubtful destination costs the admin nothing.
 */
export function isSameOrInside(inner: string, outer: string): boolean {
  const a = path.resolve(inner).toLowerCase();
  const b = path.resolve(outer).toLowerCase().replace(/[\\/]+$/, '');
  return a === b || a.startsWith(b + path.sep) || (path.sep === '\\' && a.startsWith(b + '/'));
}

/**
 * Two local paths name the same folder: case-insensitively on Windows, exactly elsewhere (on Linux `/Dest` and `/dest`
 * are two folders, and a backup found in the other one is not in the destination).
 */
export function sameLocalPath(a: string, b: string, platform: NodeJS.Platform = process.platform): boolean {
  const x = path.resolve(a);
  const y = path.resolve(b);
  return platform === 'win32' ? windowsPathKey(x) === windowsPathKey(y) : x === y;
}

/** Case-insensitive key for a backup-relative path. */
export function relativePathKey(relativePath: string): string {
  return relativePath.toLowerCase();
}
