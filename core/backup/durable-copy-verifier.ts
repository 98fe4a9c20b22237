/**
 * Verifies a copy while it is still being made: each time an fsync returns, the bytes it made durable are re-read from
 * the destination file and hashed on a worker thread, while the main thread reads, hashes and writes the next chunks.
 * The check is the same as a re-read after the whole copy (only bytes fsync has returned for are read, from the
 * destination file itself, and the final digest covers the file to its end), but on the second core and overlapped
 * with the copy instead of after it (bench/backup.bench.mjs).
 *
 * A copy smaller than one flush segment never starts the thread (starting it costs more than hashing a small file):
 * `finish` then re-reads the whole file here.
 */
import { Worker } from 'node:worker_threads';
import { hashLocalFile, type FileHash } from './hash-local-file';

/**
 * The thread's code, as text: the core is one bundle, so the thread cannot load a module file of its own. It reads
 * synchronously (the thread does nothing else) up to each durable mark, then to the end of the file when told the copy
 * is complete. It tells how far it has verified after each mark, then answers with the size and SHA-256 it read, or
 * with the first error (code and message).
 */
const THREAD_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const hash = createHash('sha256');
const buffer = Buffer.allocUnsafe(workerData.chunkSize);
let fd;
let position = 0;
let failed = false;
function readUpTo(limit) {
  while (position < limit) {
    const n = fs.readSync(fd, buffer, 0, Math.min(buffer.length, limit - position), position);
    if (n === 0) return;
    hash.update(buffer.subarray(0, n));
    position += n;
  }
}
parentPort.on('message', (message) => {
  if (failed) return;
  try {
    if (fd === undefined) fd = fs.openSync(workerData.path, 'r');
    if (message.durableUpTo !== undefined) {
      readUpTo(message.durableUpTo);
      return parentPort.postMessage({ kind: 'verified', upTo: position });
    }
    readUpTo(Infinity);
    fs.closeSync(fd);
    parentPort.postMessage({ kind: 'done', size: position, sha256: hash.digest('hex') });
  } catch (e) {
    failed = true;
    parentPort.postMessage({ kind: 'error', code: e.code, message: e.message });
  }
});
`;

type ThreadMessage =
  | { kind: 'verified'; upTo: number }
  | ({ kind: 'done' } & FileHash)
  | { kind: 'error'; code?: string; message: string };

export interface DurableCopyVerifier {
  /** fsync has returned for bytes [0, upTo) of the copy: they may be re-read now. */
  durable(upTo: number): void;
  /** The copy is complete and fsynced: re-read what is left, to the end of the file, and give what the copy holds. */
  finish(): Promise<FileHash>;
  /** Stop the thread (the copy failed, or finish has answered). */
  close(): Promise<void>;
}

/** `onVerified(upTo)`: bytes [0, upTo) of the copy have been re-read (progress; tests use it to see the overlap). */
export function durableCopyVerifier(
  destinationPath: string,
  chunkSize: number,
  onVerified?: (upTo: number) => void,
): DurableCopyVerifier {
  let worker: Worker | undefined;
  let answer: Promise<FileHash> | undefined;
  const start = () => {
    // execArgv []: the thread needs none of this process's flags or loader hooks (a preloaded --import would be loaded
    // again in the thread, at a cost, for nothing).
    const thread = new Worker(THREAD_CODE, { eval: true, execArgv: [], workerData: { path: destinationPath, chunkSize } });
    answer = new Promise<FileHash>((resolve, reject) => {
      thread.on('message', (m: ThreadMessage) => {
        if (m.kind === 'verified') onVerified?.(m.upTo);
        else if (m.kind === 'error') reject(Object.assign(new Error(m.message), { code: m.code }));
        else resolve({ size: m.size, sha256: m.sha256 });
      });
      thread.once('error', reject);
      thread.once('exit', (code) => reject(new Error(`The verifying thread ended (exit code ${code}) before it answered.`)));
    });
    // Seen by finish; until then a failure must not surface as an unhandled rejection.
    answer.catch(() => undefined);
    return thread;
  };
  return {
    durable(upTo) {
      worker ??= start();
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
