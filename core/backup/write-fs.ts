/**
 * The write side of a backup or restore, behind a small interface so tests can make a write fail half-way
 * (ENOSPC, I/O errors) and prove that no valid-looking backup is left behind. Production uses node's fs.
 * Reads never go through here: sources are always opened read-only by the copy code itself.
 */
import { promises as fs } from 'node:fs';

export interface WritableFile {
  /** May write fewer bytes than asked (the caller loops); `position` is the offset in the file. */
  write(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  /** fsync: the bytes are on stable storage when it resolves. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface BackupWriteFs {
  /** Create (or truncate) a file for writing. */
  openWrite(localPath: string): Promise<WritableFile>;
}

export const nodeWriteFs: BackupWriteFs = {
  openWrite: (localPath) => fs.open(localPath, 'w'),
};

/** Write all `length` bytes, looping over short writes. */
export async function writeFully(file: WritableFile, buffer: Buffer, length: number, position: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesWritten } = await file.write(buffer, done, length - done, position + done);
    if (bytesWritten <= 0) throw Object.assign(new Error('The write made no progress'), { code: 'EIO' });
    done += bytesWritten;
  }
}

/** A small file (manifest) written through the injectable side, fsynced before close. */
export async function writeSmallFile(writeFs: BackupWriteFs, localPath: string, data: Buffer): Promise<void> {
  const file = await writeFs.openWrite(localPath);
  try {
    await writeFully(file, data, data.length, 0);
    await file.sync();
  } finally {
    await file.close().catch(() => undefined);
  }
}
