/**
 * Verifies a copy while it is still being made: each time an fsync returns, the bytes it made durable are re-read from
 * the destination file on a worker thread, while the main thread reads, hashes and writes the next chunks. Only bytes
 * fsync has returned for are read, from the destination file itself, and the check covers the file to its end.
 *
 * Two ways to check what is re-read:
 * - **compare** (the source is a local file): the durable bytes are compared byte for byte with the same range of the
 *   source read again. A comparison costs a fraction of a SHA-256 pass, and two SHA-256 passes were what bound a
 *   verified backup on two cores (bench/backup.bench.mjs). Equal bytes prove the copy is the source; the copy was
 *   written from the very bytes the main thread hashed, so the recorded hash is the copy's. Where the two differ, the
 *   check falls back to hashing the copy whole (below): a source that changed after it was read (a running service)
 *   must not fail a faithful copy. Whether the source stayed the same is the consistent copy's question, not this one.
 * - **hash** (the source is a buffer, or the comparison found a difference): the re-read is hashed, and the caller
 *   compares the digest with the one taken while copying.
 *
 * A copy smaller than half a flush segment never starts the thread (starting it costs more than hashing a small
 * file): `finish` then re-reads and hashes the whole file here.
 */
import { Worker } from 'node:worker_threads';
import { hashLocalFile } from './hash-local-file';

/**
 * The thread's code, as text: the core is one bundle, so the thread cannot load a module file of its own. It reads
 * synchronously (the thread does nothing else) up to each durable mark, then to the end of the file when told the copy
 * is complete. It tells how far it has verified after each mark, then answers with the size it read and either that
 * every byte equals the source's or the SHA-256 of the copy; or with the first error (code and message).
 */
const THREAD_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const buffer = Buffer.allocUnsafe(workerData.chunkSize);
const sourceBuffer = workerData.sourcePath === undefined ? undefined : Buffer.allocUnsafe(workerData.chunkSize);
let fd;
let sourceFd;
let hash;
let position = 0;
let failed = false;
function readFully(handle, into, length, at) {
  let done = 0;
  while (done < length) {
    const n = fs.readSync(handle, into, done, length - done, at + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}
/** A source that cannot be read again (gone, locked) is a difference too: the copy is then hashed, as it always was. */
function sameAsSource(n) {
  try {
    return readFully(sourceFd, sourceBuffer, n, position) === n && buffer.subarray(0, n).equals(sourceBuffer.subarray(0, n));
  } catch {
    return false;
  }
}
/** From comparing to hashing: the copy from its first byte to where the comparison got. */
function startHashing() {
  hash = createHash('sha256');
  const upTo = position;
  position = 0;
  readUpTo(upTo);
  if (sourceFd !== undefined) fs.closeSync(sourceFd);
  sourceFd = undefined;
}
function readUpTo(limit) {
  while (position < limit) {
    const n = fs.readSync(fd, buffer, 0, Math.min(buffer.length, limit - position), position);
    if (n === 0) return;
    if (hash === undefined && !sameAsSource(n)) {
      startHashing();
      continue;
    }
    if (hash !== undefined) hash.update(buffer.subarray(0, n));
    position += n;
  }
}
parentPort.on('message', (message) => {
  if (failed) return;
  try {
    if (fd === undefined) {
      fd = fs.openSync(workerData.path, 'r');
      if (workerData.sourcePath !== undefined) {
        try {
          sourceFd = fs.openSync(workerData.sourcePath, 'r');
        } catch {
          sourceFd = undefined;
        }
      }
      if (sourceFd === undefined) hash = createHash('sha256');
    }
    if (message.durableUpTo !== undefined) {
      readUpTo(message.durableUpTo);
      return parentPort.postMessage({ kind: 'verified', upTo: position });
    }
    readUpTo(Infinity);
    fs.closeSync(fd);
    if (sourceFd !== undefined) fs.closeSync(sourceFd);
    parentPort.postMessage(
      hash === undefined ? { kind: 'done', size: position, sameAsSource: true } : { kind: 'done', size: position, sha256: hash.digest('hex') },
    );
  } catch (e) {
    failed = true;
    parentPort.postMessage({ kind: 'error', code: e.code, message: e.message });
  }
});
`;

/** What the re-read found: the copy's size, and either that it equals the source byte for byte or its SHA-256. */
export type CopyReread = { size: number } & ({ sameAsSource: true } | { sha256: string });

type ThreadMessage =
  | { kind: 'verified'; upTo: number }
  | ({ kind: 'done' } & CopyReread)
  | { kind: 'error'; code?: string; message: string };

export interface DurableCopyVerifier {
  /** Start the thread now, before the first segment is durable (it takes time to start); once only. */
  start(): void;
  /** fsync has returned for bytes [0, upTo) of the copy: they may be re-read now. */
  durable(upTo: number): void;
  /** The copy is complete and fsynced: re-read what is left, to the end of the file, and say what the copy holds. */
  finish(): Promise<CopyReread>;
  /** Stop the thread (the copy failed, or finish has answered). */
  close(): Promise<void>;
}

export interface VerifierOptions {
  /** The source as a local file, read again to compare; without it the re-read is hashed. */
  sourcePath?: string;
  /** Bytes [0, upTo) of the copy have been re-read (progress; tests use it to see the overlap). */
  onVerified?: (upTo: number) => void;
}

export function durableCopyVerifier(destinationPath: string, chunkSize: number, options: VerifierOptions = {}): DurableCopyVerifier {
  let worker: Worker | undefined;
  let answer: Promise<CopyReread> | undefined;
  const startThread = () => {
    // execArgv []: the thread needs none of this process's flags or loader hooks (a preloaded --import would be loaded
    // again in the thread, at a cost, for nothing).
    const workerData = { path: destinationPath, sourcePath: options.sourcePath, chunkSize };
    const thread = new Worker(THREAD_CODE, { eval: true, execArgv: [], workerData });
    answer = new Promise<CopyReread>((resolve, reject) => {
      thread.on('message', (m: ThreadMessage) => {
        if (m.kind === 'verified') options.onVerified?.(m.upTo);
        else if (m.kind === 'error') reject(Object.assign(new Error(m.message), { code: m.code }));
        else resolve('sha256' in m ? { size: m.size, sha256: m.sha256 } : { size: m.size, sameAsSource: true });
      });
      thread.once('error', reject);
      thread.once('exit', (code) => reject(new Error(`The verifying thread ended (exit code ${code}) before it answered.`)));
    });
    // Seen by finish; until then a failure must not surface as an unhandled rejection.
    answer.catch(() => undefined);
    return thread;
  };
  return {
    start() {
      worker ??= startThread();
    },
    durable(upTo) {
      worker ??= startThread();
      worker.postMessage({ durableUpTo: upTo });
    },
    async finish() {
      if (!worker) return hashLocalFile(destinationPath, chunkSize);
      worker.postMessage({ complete: true });
      return answer!;
    },
    async close() {
      await worker?.terminate();
      worker = undefined;
    },
  };
}
