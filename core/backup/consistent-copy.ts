/**
 * Copy a file of a running server without stopping its service, and prove the copy is consistent:
 * note the source's size and modification time (and file id, locally) before, copy + hash, look again after.
 * If anything moved, the copy may mix old and new bytes: try again (bounded), then give up with
 * SourceChangedDuringCopy so the admin can re-run with the service stopped.
 * Limit: a write that keeps the size and lands within the file system's timestamp granularity is invisible
 * to stat; `rehashSource` closes that gap at the cost of reading the source a second time.
 */
import { promises as fs } from 'node:fs';
import type { Host } from '../host/host';
import { CoreError } from '../util/errors';
import { bufferSource, copyVerified, openLocalSource, type CopyOptions } from './copy-with-hash';
import { toFileCoreError } from './fs-error';
import { hashLocalFile } from './hash-local-file';

export const DEFAULT_COPY_ATTEMPTS = 3;

export interface ConsistentCopyOptions extends Omit<CopyOptions, 'onChunk'> {
  maxAttempts?: number;
  rehashSource?: boolean;
  onChunk?: (bytesDone: number, attempt: number) => void | Promise<void>;
}

export interface CopiedFile {
  size: number;
  sha256: string;
  /** Modification time of the source as copied. */
  mtime: Date;
  attempts: number;
}

interface SourceState {
  size: number;
  mtimeMs: number;
  /** Local only: nanosecond mtime and file id, so a same-size rewrite or a replace-by-rename is seen. */
  fingerprint: string;
}

async function sourceState(host: Host, sourcePath: string, localPath: string | undefined): Promise<SourceState> {
  if (localPath !== undefined) {
    const s = await fs.stat(localPath, { bigint: true }).catch((e) => Promise.reject(toFileCoreError(e, sourcePath, 'source')));
    return { size: Number(s.size), mtimeMs: Number(s.mtimeMs), fingerprint: `${s.size}|${s.mtimeNs}|${s.ino}|${s.dev}` };
  }
  const s = await host.stat(sourcePath);
  if (!s || s.isDirectory) throw new CoreError('SourceNotFound', `${sourcePath} does not exist (it was listed for backup).`, sourcePath);
  return { size: s.size, mtimeMs: s.mtimeMs, fingerprint: `${s.size}|${s.mtimeMs}` };
}

export async function copyHostFileConsistently(
  host: Host,
  sourcePath: string,
  destinationPath: string,
  options: ConsistentCopyOptions,
): Promise<CopiedFile> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_COPY_ATTEMPTS);
  const localPath = host.localPath(sourcePath);
  const seen: string[] = [];
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const before = await sourceState(host, sourcePath, localPath);
    const source =
      localPath !== undefined
        ? await openLocalSource(localPath).catch((e) => Promise.reject(toFileCoreError(e, sourcePath, 'source')))
        : bufferSource(await host.readFile(sourcePath).catch((e) => Promise.reject(toFileCoreError(e, sourcePath, 'source'))));
    let copied;
    try {
      copied = await copyVerified(source, sourcePath, destinationPath, {
        ...options,
        onChunk: options.onChunk && ((done) => options.onChunk!(done, attempt)),
      });
    } finally {
      await source.close().catch(() => undefined);
    }
    const after = await sourceState(host, sourcePath, localPath);
    let unchanged = after.fingerprint === before.fingerprint && copied.size === before.size;
    if (unchanged && options.rehashSource && localPath !== undefined) {
      unchanged = (await hashLocalFile(localPath, options.chunkSize)).sha256 === copied.sha256;
    }
    if (unchanged) return { size: copied.size, sha256: copied.sha256, mtime: new Date(before.mtimeMs), attempts: attempt };
    seen.push(`attempt ${attempt}: ${before.size} → ${after.size} bytes`);
  }
  throw new CoreError(
    'SourceChangedDuringCopy',
    `${sourcePath} kept changing while it was copied (${maxAttempts} attempts), so no consistent copy could be made. ` +
      'Run the backup again with -StopService so the service that writes it is stopped during the copy.',
    sourcePath,
    { attempts: maxAttempts, observed: seen },
  );
}
