/**
 * Windows paths → files of a lab server folder: `C:\Program Files\X` is `<server>/C/Program Files/X`.
 * Windows compares names case-insensitively and Linux does not, so each component is matched against what
 * already exists on disk (an admin's `Phonefactor.pfdata` answers to `PhoneFactor.pfdata`); components that do
 * not exist yet keep the caller's spelling.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CoreError } from '../../util/errors';
import { hasCharacterWindowsRefusesInName, isWindowsDrivePath } from '../../util/windows-path';

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
