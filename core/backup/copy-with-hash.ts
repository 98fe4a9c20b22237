/**
 * One-pass copy: each chunk is read once from the source, written to the copy and fed to SHA-256.
 * Two fixed buffers alternate: while chunk i is written (thread pool) and hashed (main thread), chunk i+1 is
 * already being read, so read, write and hash overlap. The copy is fsynced, then re-read and hashed (see
 * copyVerified for why). Sources are opened read-only and never written.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { CoreError } from '../util/errors';
import { toFileCoreError } from './fs-error';
import { DEFAULT_CHUNK_SIZE, hashLocalFile, type FileHash } from './hash-local-file';
import { writeFully, type BackupWriteFs, type WritableFile } from './write-fs';

/** Where the bytes come from: a local file opened read-only, or a buffer read from a remote host. */
export interface ChunkSource {
  /** Bytes read into `buffer[0..]`; 0 at the end. */
  read(buffer: Buffer, length: number, position: number): Promise<number>;
  close(): Promise<void>;
}

export async function openLocalSource(localPath: string): Promise<ChunkSource> {
  const handle = await fs.open(localPath, 'r');
  return {
    read: async (buffer, length, position) => (await handle.read(buffer, 0, length, position)).bytesRead,
    close: () => handle.close(),
  };
}

/** Remote hosts have no local path: their file arrives whole (host.readFile) and is copied from memory. */
export function bufferSource(data: Buffer): ChunkSource {
  return {
    read: (buffer, length, position) => Promise.resolve(data.copy(buffer, 0, position, Math.min(position + length, data.length))),
    close: () => Promise.resolve(),
  };
}

export interface CopyOptions {
  writeFs: BackupWriteFs;
  chunkSize?: number;
  /** Called after every chunk with the bytes copied so far (progress; tests use it to change the source mid-copy). */
  onChunk?: (bytesDone: number) => void | Promise<void>;
}

const FLUSH_EVERY = 64 * 1024 * 1024;

/** Copy `source` to `destinationPath` hashing the same chunks; fsync before returning. */
export async function copyWithHash(
  source: ChunkSource,
  sourceLabel: string,
  destinationPath: string,
  options: CopyOptions,
): Promise<FileHash> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const read = (buffer: Buffer, position: number) =>
    source.read(buffer, chunkSize, position).catch((e) => Promise.reject(toFileCoreError(e, sourceLabel, 'source')));
  const out: WritableFile = await options.writeFs
    .openWrite(destinationPath)
    .catch((e) => Promise.reject(toFileCoreError(e, destinationPath, 'destination')));
  try {
    const hash = createHash('sha256');
    const buffers = [Buffer.allocUnsafe(chunkSize), Buffer.allocUnsafe(chunkSize)];
    let which = 0;
    let position = 0;
    let n = await read(buffers[0], 0);
    // Flush to disk as the copy goes (one fsync in flight at a time) instead of all at the end: the disk writes then
    // overlap the reading and hashing, and the final fsync has little left to do (bench/README.md).
    let flushing: Promise<void> = Promise.resolve();
    let unflushed = 0;
    while (n > 0) {
      const current = buffers[which];
      const write = writeFully(out, current, n, position).catch((e) =>
        Promise.reject(toFileCoreError(e, destinationPath, 'destination')),
      );
      const nextRead = read(buffers[which ^ 1], position + n);
      hash.update(current.subarray(0, n));
      // allSettled: never leave a read or write running into a buffer after we stop.
      const [w, r] = await Promise.allSettled([write, nextRead]);
      if (w.status === 'rejected') throw w.reason;
      if (r.status === 'rejected') throw r.reason;
      position += n;
      unflushed += n;
      if (unflushed >= FLUSH_EVERY) {
        await flushing;
        flushing = out.sync();
        unflushed = 0;
      }
      n = r.value;
      which ^= 1;
      await options.onChunk?.(position);
    }
    await flushing.then(() => out.sync()).catch((e) => Promise.reject(toFileCoreError(e, destinationPath, 'destination')));
    return { size: position, sha256: hash.digest('hex') };
  } finally {
    await out.close().catch(() => undefined);
  }
}

/**
 * copyWithHash, then re-read the copy and compare. Why a second read rather than trusting the hash taken while
 * writing: that hash describes the bytes we meant to write; the re-read proves the bytes the destination now
 * serves (short or misplaced writes, a filter driver such as an antivirus rewriting or truncating the file, a
 * faulty share). It is what verifyBackup and a restore will read later, so it is the check that matters. After
 * fsync the re-read is mostly served from the OS cache and node's SHA-256 is fast (about 2 GB/s with SHA-NI),
 * so it costs far less than a separate `sha256sum` pass; bench/backup.bench.mjs measures it.
 */
export async function copyVerified(
  source: ChunkSource,
  sourceLabel: string,
  destinationPath: string,
  options: CopyOptions,
): Promise<FileHash> {
  const written = await copyWithHash(source, sourceLabel, destinationPath, options);
  const reread = await hashLocalFile(destinationPath, options.chunkSize).catch((e) =>
    Promise.reject(toFileCoreError(e, destinationPath, 'destination')),
  );
  if (reread.size !== written.size || reread.sha256 !== written.sha256) {
    throw new CoreError(
      'CopyVerificationFailed',
      `The copy ${destinationPath} does not match what was read from ${sourceLabel} (re-read after writing). The destination storage may be faulty.`,
      destinationPath,
      { expectedSha256: written.sha256, actualSha256: reread.sha256, expectedSize: written.size, actualSize: reread.size },
    );
  }
  return written;
}
