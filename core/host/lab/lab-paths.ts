/**
 * Windows paths → files of a lab server folder: `C:\Program Files\X` is `<server>/C/Program Files/X`.
 * Windows compares names case-insensitively and Linux does not, so each component is matched against what
 * already exists on disk (an admin's `Phonefactor.pfdata` answers to `PhoneFactor.pfdata`); components that do
 * not exist yet keep the caller's spelling.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CoreError } from '../../util/errors';
import { hasCharacterWindowsRefusesInName } from '../../util/windows-path';

/** True for a drive path such as `C:\x` or `c:/x` (also `C:` alone). */
export function isWindowsDrivePath(path: string): boolean {
  return /^[A-Za-z]:([\\/]|$)/.test(path);
}

/** Drive letter (uppercase) and clean components ('.' dropped, '..' applied, never above the drive root). */
export function splitWindowsPath(path: string): { drive: string; parts: string[] } {
  if (!isWindowsDrivePath(path)) {
    throw new CoreError(
      'LabPathOutside',
      `'${path}' is not a Windows drive path (such as C:\\Program Files); a lab server only has drive paths.`,
      path,
    );
  }
  const parts: string[] = [];
  for (const raw of path.slice(2).split(/[\\/]+/)) {
    // Windows ignores trailing dots and spaces in names; so does the lab.
    const p = raw.replace(/[. ]+$/, raw === '.' || raw === '..' ? raw : '');
    if (p === '' || p === '.') continue;
    if (p === '..') {
      parts.pop();
      continue;
    }
    if (hasCharacterWindowsRefusesInName(p)) {
      throw new CoreError('LabPathInvalid', `'${path}' contains a character Windows does not allow in a file name.`, path);
    }
    parts.push(p);
  }
  return { drive: path[0].toUpperCase(), parts };
}

/** Find `name` in `dir` ignoring case (an exact match wins); undefined when absent. */
function findEntry(dir: string, name: string): string | undefined {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return undefined;
  }
  if (entries.includes(name)) return name;
  const upper = name.toUpperCase();
  return entries.find((e) => e.toUpperCase() === upper);
}

/** The real path of a Windows path inside a lab server folder. */
export function resolveLabPath(serverFolder: string, windowsPath: string): string {
  const { drive, parts } = splitWindowsPath(windowsPath);
  let current = join(serverFolder, findEntry(serverFolder, drive) ?? drive);
  let exists = existsSync(current);
  for (const part of parts) {
    const match = exists ? findEntry(current, part) : undefined;
    if (match === undefined) exists = false;
    current = join(current, match ?? part);
  }
  return current;
}

/** Join Windows path components with backslashes. */
export function winJoin(...parts: string[]): string {
  return parts
    .filter((p) => p !== '')
    .map((p, i) => (i === 0 ? p.replace(/[\\/]+$/, '') : p.replace(/^[\\/]+|[\\/]+$/g, '')))
    .join('\\');
}

/** Parent folder of a Windows path ('C:\a\b' → 'C:\a'; 'C:\a' → 'C:\'). */
export function winDirname(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const i = Math.max(trimmed.lastIndexOf('\\'), trimmed.lastIndexOf('/'));
  if (i <= 2) return trimmed.slice(0, 2) + '\\';
  return trimmed.slice(0, i);
}

/** Last component of a Windows path. */
export function winBasename(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  return trimmed.slice(Math.max(trimmed.lastIndexOf('\\'), trimmed.lastIndexOf('/')) + 1);
}

/** Case-insensitive Windows path equality ('C:\A\' equals 'c:/a'). */
export function samePath(a: string, b: string): boolean {
  const norm = (p: string) => p.replace(/\//g, '\\').replace(/\\+$/, '').toUpperCase();
  return norm(a) === norm(b);
}
