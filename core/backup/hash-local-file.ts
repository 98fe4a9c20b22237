/**
 * SHA-256 of a local file, streamed through two fixed buffers: the next read runs in the I/O thread pool while
 * the current chunk is hashed, so hashing costs little more than reading. Memory stays flat whatever the size.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';

export const DEFAULT_CHUNK_SIZE = 1024 * 1024;

export interface FileHash {
  size: number;
  sha256: string;
}

export async function hashLocalFile(localPath: string, chunkSize = DEFAULT_CHUNK_SIZE): Promise<FileHash> {
  const handle = await fs.open(localPath, 'r');
  try {
    const hash = createHash('sha256');
    const buffers = [Buffer.allocUnsafe(chunkSize), Buffer.allocUnsafe(chunkSize)];
    let which = 0;
    let position = 0;
    let n = (await handle.read(buffers[0], 0, chunkSize, 0)).bytesRead;
    while (n > 0) {
      const current = buffers[which];
      const nextRead = handle.read(buffers[which ^ 1], 0, chunkSize, position + n);
      hash.update(current.subarray(0, n));
      position += n;
      n = (await nextRead).bytesRead;
      which ^= 1;
    }
    return { size: position, sha256: hash.digest('hex') };
  } finally {
    await handle.close();
  }
}
