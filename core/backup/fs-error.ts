/**
 * File-system errors met while backing up or restoring, as the CoreError codes an admin can act on.
 * Which side failed matters: a missing source is SourceNotFound, a full destination is DiskFull.
 */
import { CoreError, isCoreError } from '../util/errors';

export type FileSide = 'source' | 'destination';

export function errnoOf(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

export function toFileCoreError(e: unknown, target: string, side: FileSide): CoreError {
  if (isCoreError(e)) return e;
  const code = errnoOf(e);
  const reason = (e as Error)?.message ?? String(e);
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new CoreError('DiskFull', `Not enough disk space to write ${target}. Free some space or choose another destination.`, target, { errno: code });
    case 'EACCES':
    case 'EPERM':
      return side === 'source'
        ? new CoreError('AccessDenied', `Access denied reading ${target}. Run as an administrator (elevated).`, target, { errno: code })
        : new CoreError('AccessDenied', `Access denied writing ${target}. Check the permissions of the destination.`, target, { errno: code });
    case 'ENOENT':
      if (side === 'source') return new CoreError('SourceNotFound', `${target} does not exist (it was listed for backup).`, target, { errno: code });
      return new CoreError('DestinationNotFound', `The folder for ${target} does not exist.`, target, { errno: code });
    case 'EROFS':
      return new CoreError('DestinationReadOnly', `The file system holding ${target} is read-only.`, target, { errno: code });
    default:
      return side === 'source'
        ? new CoreError('SourceReadFailed', `Could not read ${target}: ${reason}`, target, { errno: code })
        : new CoreError('DestinationWriteFailed', `Could not write ${target}: ${reason}`, target, { errno: code });
  }
}
