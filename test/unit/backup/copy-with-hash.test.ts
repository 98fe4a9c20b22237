import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { bufferSource, copyVerified, openLocalSource, type ChunkSource } from '../../../core/backup/copy-with-hash';
import { durableCopyVerifier } from '../../../core/backup/durable-copy-verifier';
import { nodeWriteFs, type BackupWriteFs, type WritableFile } from '../../../core/backup/write-fs';
import { CoreError } from '../../../core/util/errors';

const CHUNK = 64 * 1024;
/** Eight flush segments of four chunks, and a short tail: the overlapped verification runs many times. */
const SEGMENT = 4 * CHUNK;
const DATA = randomBytes(SEGMENT * 8 + 4321);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let dir: string;
let destination: string;
let sourceFile: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mfa-copy-test-'));
  destination = path.join(dir, 'copy.bin');
  sourceFile = path.join(dir, 'source.bin');
  await fs.writeFile(sourceFile, DATA);
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

/** The real write side, with hooks around its calls; `afterSync` is told which bytes that fsync made durable. */
function writeSide(hooks: {
  afterSync?: (file: string, syncs: number, durableFrom: number, durableTo: number) => Promise<void>;
  beforeClose?: (file: string) => Promise<void>;
}): BackupWriteFs {
  return {
    async openWrite(p) {
      const real: WritableFile = await nodeWriteFs.openWrite(p);
      let syncs = 0;
      let written = 0;
      let durable = 0;
      return {
        write: async (buffer, offset, length, position) => {
          const r = await real.write(buffer, offset, length, position);
          written = Math.max(written, position + r.bytesWritten);
          return r;
        },
        sync: async () => {
          const upTo = written;
          await real.sync();
          await hooks.afterSync?.(p, ++syncs, durable, upTo);
          durable = upTo;
        },
        close: async () => {
          await hooks.beforeClose?.(p);
          await real.close();
        },
      };
    },
  };
}

async function flipByte(file: string, position: number): Promise<void> {
  const h = await fs.open(file, 'r+');
  try {
    const b = Buffer.alloc(1);
    await h.read(b, 0, 1, position);
    b[0] ^= 0xff;
    await h.write(b, 0, 1, position);
  } finally {
    await h.close();
  }
}

/**
 * The two kinds of source verify differently: a buffer (a remote host's file) by hashing the re-read copy, a local
 * file by comparing the re-read copy with the source read again (durable-copy-verifier.ts). Both must catch the same.
 */
const SOURCES: Record<string, () => Promise<ChunkSource>> = {
  'a buffer': async () => bufferSource(DATA),
  'a local file': () => openLocalSource(sourceFile),
};

for (const [sourceKind, openSource] of Object.entries(SOURCES)) {
  const copy = async (writeFs: BackupWriteFs, extra: { onChunk?: (done: number) => Promise<void>; onVerified?: (upTo: number) => void } = {}) => {
    const source = await openSource();
    try {
      return await copyVerified(source, 'D:\\Data\\big.bin', destination, { writeFs, chunkSize: CHUNK, flushEvery: SEGMENT, ...extra });
    } finally {
      await source.close();
    }
  };

  describe(`copyVerified from ${sourceKind}`, () => {
    it('copies and returns the hash of the source, and the copy holds the same bytes', async () => {
      const r = await copy(nodeWriteFs);
      assert.deepEqual(r, { size: DATA.length, sha256: sha256(DATA) });
      assert.ok((await fs.readFile(destination)).equals(DATA));
    });

    it('re-reads each durable segment while the copy goes on, not after it', async () => {
      // The copy waits, after its third segment, until the verification has re-read the first one: a re-read done only
      // after the whole copy could never let it go on (the test would time out).
      let verified = 0;
      let release: () => void = () => undefined;
      const firstSegmentVerified = new Promise<void>((resolve) => (release = resolve));
      const r = await copy(nodeWriteFs, {
        onVerified: (upTo) => {
          verified = upTo;
          if (upTo >= SEGMENT) release();
        },
        onChunk: async (done) => {
          if (done === SEGMENT * 3) await firstSegmentVerified;
        },
      });
      assert.equal(r.sha256, sha256(DATA));
      assert.ok(verified >= SEGMENT, 'the verification reported its progress');
    });

    it('re-reads only what fsync made durable: bytes that change when a segment is flushed are caught', async () => {
      // Storage that serves other bytes once it has flushed them (a faulty share, a filter driver). A re-read of a segment
      // before its fsync returned would see the bytes as written and pass.
      let flipped = -1;
      const writeFs = writeSide({
        afterSync: async (file, syncs, from) => {
          // The first fsync: it runs while the copy goes on (the file holds eight segments), never the last one.
          if (syncs !== 1) return;
          flipped = from + 17;
          await flipByte(file, flipped);
        },
      });
      await assert.rejects(
        copy(writeFs),
        (e: CoreError) =>
          e.code === 'CopyVerificationFailed' &&
          e.target === destination &&
          e.details.expectedSha256 === sha256(DATA) &&
          e.details.actualSize === DATA.length,
      );
      assert.ok(flipped > 0 && flipped < DATA.length - SEGMENT, `a middle segment was changed (at ${flipped})`);
    });

    it('a copy cut short when it is closed is caught (the re-read goes to the end of the file after the close)', async () => {
      const writeFs = writeSide({ beforeClose: (file) => fs.truncate(file, SEGMENT * 5) });
      await assert.rejects(
        copy(writeFs),
        (e: CoreError) => e.code === 'CopyVerificationFailed' && e.details.expectedSize === DATA.length && e.details.actualSize === SEGMENT * 5,
      );
    });

    it('a copy grown when it is closed is caught', async () => {
      const writeFs = writeSide({ beforeClose: (file) => fs.appendFile(file, 'appended by a filter') });
      await assert.rejects(copy(writeFs), (e: CoreError) => e.code === 'CopyVerificationFailed' && e.details.actualSize === DATA.length + 20);
    });

    it('a small copy (less than one segment) is verified too', async () => {
      await fs.truncate(sourceFile, CHUNK + 5);
      const small = sourceKind === 'a buffer' ? bufferSource(DATA.subarray(0, CHUNK + 5)) : await openLocalSource(sourceFile);
      const writeFs = writeSide({ afterSync: (file) => flipByte(file, 3) });
      await assert.rejects(
        copyVerified(small, 'D:\\Data\\small.bin', destination, { writeFs, chunkSize: CHUNK, flushEvery: SEGMENT }),
        (e: CoreError) => e.code === 'CopyVerificationFailed',
      );
      await small.close();
    });

    // A buffer source is in memory: only a local source can change under the verification.
    it('a source that changes after it was read does not fail a faithful copy (a running service writes on)', { skip: sourceKind === 'a buffer' }, async () => {
      // Changed once its first segment is durable, before the verification is told: the comparison with the source read
      // again finds a difference, and the copy, hashed whole, holds what was read.
      const writeFs = writeSide({
        afterSync: async (_file, syncs, from) => {
          if (syncs === 1) await flipByte(sourceFile, from + 100);
        },
      });
      const r = await copy(writeFs);
      assert.deepEqual(r, { size: DATA.length, sha256: sha256(DATA) });
      assert.ok((await fs.readFile(destination)).equals(DATA), 'the copy holds the bytes as they were read');
    });
  });
}

describe('durableCopyVerifier', () => {
  // Through the verifier itself: which check ran is not visible from copyVerified, whose answer is the same either way.
  const reread = async (sourcePath: string | undefined) => {
    await fs.writeFile(destination, DATA);
    const verifier = durableCopyVerifier(destination, CHUNK, { sourcePath });
    try {
      verifier.durable(SEGMENT * 2);
      return await verifier.finish();
    } finally {
      await verifier.close();
    }
  };

  it('compares a copy with its local source byte for byte instead of hashing it', async () => {
    assert.deepEqual(await reread(sourceFile), { size: DATA.length, sameAsSource: true });
  });

  it('hashes the copy whole where it differs from the source, even past the durable segments it had compared', async () => {
    await flipByte(sourceFile, SEGMENT * 6);
    assert.deepEqual(await reread(sourceFile), { size: DATA.length, sha256: sha256(DATA) });
    await flipByte(sourceFile, SEGMENT * 6);
    await flipByte(sourceFile, 5);
    assert.deepEqual(await reread(sourceFile), { size: DATA.length, sha256: sha256(DATA) }, 'a difference in the first segment');
  });

  it('a source shorter than the copy is a difference, not the end of the comparison', async () => {
    await fs.truncate(sourceFile, SEGMENT * 3 + 7);
    assert.deepEqual(await reread(sourceFile), { size: DATA.length, sha256: sha256(DATA) });
  });

  it('hashes the copy when the source cannot be read again (the verification is never weaker, and never the source\'s failure)', async () => {
    assert.deepEqual(await reread(path.join(dir, 'gone.bin')), { size: DATA.length, sha256: sha256(DATA) });
  });

  it('hashes the copy when there is no local source', async () => {
    assert.deepEqual(await reread(undefined), { size: DATA.length, sha256: sha256(DATA) });
  });
});
