/**
 * One-pass copy: each chunk is read once from the source, written to the copy and fed to SHA-256.
 * Two fixed buffers alternate: while chunk i is written (thread pool) and hashed (main thread), chunk i+1 is
 * already being read, so read, write and hash overlap. The copy is fsynced as it goes, and what each fsync made
 * durable is re-read and hashed on a second thread while the copy goes on (see copyVerified for why, and
 * durable-copy-verifier.ts for how). Sources are opened read-only and never written.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { CoreError } from '../util/errors';
import { toFileCoreError } from './fs-error';
import { durableCopyVerifier } from './durable-copy-verifier';
import { DEFAULT_CHUNK_SIZE, type FileHash } from './hash-local-file';
import { writeFully, type BackupWriteFs, type WritableFile } from './write-fs';

/** Where the bytes come from: a local file opened read-only, or a buffer read from a remote host. */
export interface ChunkSource {
  /** Bytes read into `buffer[0..]`; 0 at the end. */
  read(buffer: Buffer, length: number, position: number): Promise<number>;
  close(): Promise<void>;
  /** A local file the verification may read again to compare the copy with (openLocalSource). */
  localPath?: string;
}

export async function openLocalSource(localPath: string): Promise<ChunkSource> {
  const handle = await fs.open(localPath, 'r');
  return {
    localPath,
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
  /** Bytes written between two fsyncs (default FLUSH_EVERY; tests make it small to get many segments). */
  flushEvery?: number;
  /** copyVerified: called as the re-read of the durable copy progresses, with the bytes verified so far. */
  onVerified?: (bytesVerified: number) => void;
}

/**
 * A flush segment: the verification trails the copy by about one. Not smaller: on a shared ext4 disk, 16 MiB segments
 * made the same copy 2.7x slower than 64 MiB ones (each fsync holds up the writes around it), 32 MiB 1.6x.
 */
export const FLUSH_EVERY = 64 * 1024 * 1024;

interface CopyHooks {
  /** fsync has returned for bytes [0, upTo) of the destination. */
  onDurable?: (upTo: number) => void;
  /** Bytes [0, upTo) of the destination are written (not yet durable). */
  onWritten?: (upTo: number) => void;
}

/**
 * fsync as the copy goes instead of all at the end, so that the disk writes overlap the reading and hashing and the
 * re-read of what is durable can start early. One fsync at a time, and the copy never waits for it: when one is still
 * running as the next segment fills, the next starts with the first chunk after it returns and covers all written. A slow
 * or busy disk so gets fewer, larger flushes instead of holding the copy at every segment.
 */
function backgroundFlusher(out: WritableFile, flushEvery: number, onDurable: ((upTo: number) => void) | undefined, destinationPath: string) {
  let running: Promise<void> | undefined;
  let failure: CoreError | undefined;
  let unflushed = 0;
  return {
    /** `n` more bytes were written; everything before `position` is written. */
    written(n: number, position: number): void {
      if (failure) throw failure;
      unflushed += n;
      if (running || unflushed < flushEvery) return;
      unflushed = 0;
      running = out.sync().then(
        () => {
          running = undefined;
          onDurable?.(position);
        },
        (e) => {
          running = undefined;
          failure = toFileCoreError(e, destinationPath, 'destination');
        },
      );
    },
    /** The last fsync: every byte written is durable when it returns. */
    async finish(): Promise<void> {
      await running;
      if (failure) throw failure;
      await out.sync().catch((e) => Promise.reject(toFileCoreError(e, destinationPath, 'destination')));
    },
    /** Wait for a running fsync before the file is closed (on failure too). */
    settle: () => running ?? Promise.resolve(),
  };
}

/** Copy `source` to `destinationPath` hashing the same chunks; fsync before returning. */
export async function copyWithHash(
  source: ChunkSource,
  sourceLabel: string,
  destinationPath: string,
  options: CopyOptions & CopyHooks,
): Promise<FileHash> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const read = (buffer: Buffer, position: number) =>
    source.read(buffer, chunkSize, position).catch((e) => Promise.reject(toFileCoreError(e, sourceLabel, 'source')));
  const destinationError = (e: unknown) => Promise.reject(toFileCoreError(e, destinationPath, 'destination'));
  const out: WritableFile = await options.writeFs.openWrite(destinationPath).catch(destinationError);
  const flusher = backgroundFlusher(out, options.flushEvery ?? FLUSH_EVERY, options.onDurable, destinationPath);
  try {
    const hash = createHash('sha256');
    const buffers = [Buffer.allocUnsafe(chunkSize), Buffer.allocUnsafe(chunkSize)];
    let which = 0;
    let position = 0;
    let n = await read(buffers[0], 0);
    while (n > 0) {
      const current = buffers[which];
      const write = writeFully(out, current, n, position).catch(destinationError);
      const nextRead = read(buffers[which ^ 1], position + n);
      hash.update(current.subarray(0, n));
      // allSettled: never leave a read or write running into a buffer after we stop.
      const [w, r] = await Promise.allSettled([write, nextRead]);
      if (w.status === 'rejected') throw w.reason;
      if (r.status === 'rejected') throw r.reason;
      position += n;
      options.onWritten?.(position);
      flusher.written(n, position);
      n = r.value;
      which ^= 1;
      await options.onChunk?.(position);
    }
    await flusher.finish();
    return { size: position, sha256: hash.digest('hex') };
  } finally {
    await flusher.settle();
    await out.close().catch(() => undefined);
  }
}

/**
 * copyWithHash, with a re-read of the copy compared to what was read from the source. Why a re-read rather than
 * trusting the hash taken while writing: that hash describes the bytes we meant to write; the re-read proves the
 * bytes the destination now serves (short or misplaced writes, a filter driver such as an antivirus rewriting or
 * truncating the file, a faulty share). It is what verifyBackup and a restore will read later, so it is the check
 * that matters. Only bytes an fsync has returned for are re-read, each segment as soon as its fsync returns, on a
 * second thread while the copy goes on; the rest of the file, to its end, after the copy is closed (so a file cut
 * short or grown at close is caught). A local source is read again beside it and compared byte for byte; a buffer
 * source, or a comparison that found a difference, has the copy hashed and checked against the hash taken while
 * copying (durable-copy-verifier.ts says why both). The re-read is mostly served from the OS cache;
 * bench/backup.bench.mjs measures the whole.
 */
export async function copyVerified(
  source: ChunkSource,
  sourceLabel: string,
  destinationPath: string,
  options: CopyOptions,
): Promise<FileHash> {
  const verifier = durableCopyVerifier(destinationPath, options.chunkSize ?? DEFAULT_CHUNK_SIZE, {
    sourcePath: source.localPath,
    onVerified: options.onVerified,
  });
  const flushEvery = options.flushEvery ?? FLUSH_EVERY;
  try {
    const written = await copyWithHash(source, sourceLabel, destinationPath, {
      ...options,
      // The thread takes ~50 ms to start: half a segment in, so it is ready when the first segment is durable.
      onWritten: (upTo) => upTo >= flushEvery / 2 && verifier.start(),
      onDurable: (upTo) => verifier.durable(upTo),
    });
    const reread = await verifier.finish().catch((e) => Promise.reject(toFileCoreError(e, destinationPath, 'destination')));
    const actualSha256 = 'sha256' in reread ? reread.sha256 : undefined;
    const holdsWhatWasRead = 'sameAsSource' in reread || actualSha256 === written.sha256;
    if (reread.size !== written.size || !holdsWhatWasRead) {
      throw new CoreError(
        'CopyVerificationFailed',
        `The copy ${destinationPath} does not match what was read from ${sourceLabel} (re-read after writing). The destination storage may be faulty.`,
        destinationPath,
        { expectedSha256: written.sha256, actualSha256, expectedSize: written.size, actualSize: reread.size },
      );
    }
    return written;
  } finally {
    await verifier.close();
  }
}
