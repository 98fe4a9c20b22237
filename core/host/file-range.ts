/**
 * One range of a file reached through node fs, as the Host contract's readFileRange answers it: at most `length`
 * bytes from `offset`, fewer only at the end of the file (none at or past it). Shared by every adapter whose files
 * are local (lab, windows, the test stand-ins), so that a streamed read fails with the same codes as readFile.
 */
import { open } from 'node:fs/promises';
import { CoreError } from '../util/errors';
import { hostFileError } from './file-errors';

/** The largest range one call may ask for: what a remote call carries inline (host-rpc INLINE_FILE_LIMIT). */
export const MAX_RANGE_BYTES = 4 * 1024 * 1024;

/** Refuses a range no adapter answers: a negative or fractional offset, a length of 0 or above MAX_RANGE_BYTES. */
export function checkRange(path: string, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 1 || length > MAX_RANGE_BYTES) {
    throw new CoreError(
      'InvalidFileRange',
      `A read of ${path} asked for ${length} bytes at offset ${offset}: the offset must be a whole number >= 0 and the length 1 to ${MAX_RANGE_BYTES}.`,
      path,
    );
  }
}

export async function readLocalFileRange(localPath: string, windowsPath: string, offset: number, length: number, computerName: string): Promise<Buffer> {
  checkRange(windowsPath, offset, length);
  let handle;
  try {
    handle = await open(localPath, 'r');
  } catch (e) {
    throw hostFileError(e, windowsPath, 'read', computerName);
  }
  try {
    const buffer = Buffer.allocUnsafe(length);
    let filled = 0;
    // A read may return fewer bytes than asked before the end of the file; only 0 bytes means the end.
    while (filled < length) {
      const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled === length ? buffer : buffer.subarray(0, filled);
  } catch (e) {
    throw hostFileError(e, windowsPath, 'read', computerName);
  } finally {
    await handle.close();
  }
}
