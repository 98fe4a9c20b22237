/**
 * A node file-system error as the Host contract's error (core/host/host.ts), naming the Windows path the caller
 * gave. Shared by every adapter whose files are reached through node fs (lab, windows), so that one failure has one
 * code everywhere. What node reports on Linux and on Windows differs (EISDIR there, EPERM here), so both map.
 */
import { CoreError } from '../util/errors';
import { windowsParent } from '../util/windows-path';

/** What the caller was doing: decides what a missing path means (a missing file, or a missing folder). */
export type FileOperation = 'read' | 'write' | 'list' | 'makeDirectory' | 'remove';

export function directoryNotFound(folder: string, computerName: string, forFile?: string): CoreError {
  const why = forFile ? ` (needed for ${forFile}; create the folder first)` : '';
  return new CoreError('DirectoryNotFound', `The folder ${folder} does not exist on ${computerName}${why}.`, folder);
}

export function hostFileError(e: unknown, path: string, operation: FileOperation, computerName: string): unknown {
  const errno = (e as NodeJS.ErrnoException)?.code;
  switch (errno) {
    case 'ENOENT':
    case 'ENOTDIR':
      if (operation === 'read') return new CoreError('FileNotFound', `The file ${path} does not exist on ${computerName}.`, path);
      if (operation === 'list') return new CoreError('DirectoryNotFound', `The folder ${path} does not exist on ${computerName} (or is a file).`, path);
      if (operation === 'write') return directoryNotFound(windowsParent(path), computerName, path);
      if (operation === 'makeDirectory') return notADirectory(path, computerName);
      return e;
    case 'EEXIST':
      return operation === 'makeDirectory' ? notADirectory(path, computerName) : e;
    case 'EISDIR':
      return new CoreError('AccessDenied', `Access to ${path} on ${computerName} is denied: it is a folder, not a file.`, path);
    case 'EACCES':
    case 'EPERM':
      return new CoreError('AccessDenied', `Access to ${path} on ${computerName} is denied.`, path);
    case 'EBUSY':
      return fileInUse(path, computerName);
    default:
      return e;
  }
}

export function notADirectory(path: string, computerName: string): CoreError {
  return new CoreError('NotADirectory', `${path} cannot be made a folder on ${computerName}: a file of that name is in the way.`, path);
}

export function fileInUse(path: string, computerName: string): CoreError {
  return new CoreError('FileInUse', `${path} on ${computerName} is in use by another process; it was left as it was.`, path);
}
