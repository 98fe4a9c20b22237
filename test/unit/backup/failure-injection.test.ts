import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { afterEach, describe, it } from 'node:test';
import { createBackup } from '../../../core/backup/create-backup';
import { nodeWriteFs, type BackupWriteFs } from '../../../core/backup/write-fs';
import { CoreError } from '../../../core/util/errors';
import { CHUNK, PFDATA, listNames, makeFixture, snapshot, type Fixture } from './fixture';

let fx: Fixture;
afterEach(() => fx?.cleanup());

/** A write side that fails once `limit` bytes have been written in total, with the given errno. */
function failingAfter(limit: number, code: string): BackupWriteFs & { written: number } {
  const state = {
    written: 0,
    async openWrite(p: string) {
      const real = await nodeWriteFs.openWrite(p);
      return {
        write: async (buffer: Buffer, offset: number, length: number, position: number) => {
          if (state.written + length > limit) throw Object.assign(new Error(`${code}: injected`), { code });
          state.written += length;
          return real.write(buffer, offset, length, position);
        },
        sync: () => real.sync(),
        close: () => real.close(),
      };
    },
  };
  return state;
}

describe('createBackup under failure', () => {
  for (const [code, expected] of [
    ['ENOSPC', 'DiskFull'],
    ['EIO', 'DestinationWriteFailed'],
    ['EACCES', 'AccessDenied'],
  ] as const) {
    it(`a ${code} half-way through leaves no backup and the sources untouched (${expected})`, async () => {
      fx = await makeFixture();
      const before = await snapshot(fx.host.root);
      const writeFs = failingAfter(CHUNK * 3, code);
      await assert.rejects(
        createBackup(fx.host, { destination: fx.destination, items: fx.items, toolVersion: '0', chunkSize: CHUNK, writeFs }),
        (e: CoreError) => e.code === expected && e.details.partialRemoved === true && String(e.target).includes('.partial'),
      );
      assert.ok(writeFs.written > 0, 'the failure happened after some bytes were written');
      assert.deepEqual(await listNames(fx.destination), [], 'the .partial folder was removed');
      assert.deepEqual(await snapshot(fx.host.root), before, 'source bytes unchanged');
    });
  }

  it('a full disk while writing the manifest also leaves no backup', async () => {
    fx = await makeFixture();
    const writeFs: BackupWriteFs = {
      openWrite: async (p) => (p.endsWith('manifest.json') ? failingAfter(10, 'ENOSPC') : nodeWriteFs).openWrite(p),
    };
    await assert.rejects(
      createBackup(fx.host, { destination: fx.destination, items: fx.items, toolVersion: '0', chunkSize: CHUNK, writeFs }),
      (e: CoreError) => e.code === 'DiskFull' && String(e.target).endsWith('manifest.json'),
    );
    assert.deepEqual(await listNames(fx.destination), []);
  });

  it('a source that keeps changing is retried, then refused with SourceChangedDuringCopy', async () => {
    fx = await makeFixture();
    const attempts: number[] = [];
    await assert.rejects(
      createBackup(fx.host, {
        destination: fx.destination,
        items: fx.items,
        toolVersion: '0',
        chunkSize: CHUNK,
        onProgress: async (p) => {
          // The service writes to the data file while it is being copied, on every attempt.
          if (p.relativePath.endsWith('pfdata') && p.fileBytesDone === CHUNK * 2) {
            attempts.push(p.attempt);
            await fs.appendFile(fx.host.real(PFDATA), 'new record\r\n');
          }
        },
      }),
      (e: CoreError) => e.code === 'SourceChangedDuringCopy' && e.target === PFDATA && /-StopService/.test(e.message),
    );
    assert.deepEqual(attempts, [1, 2, 3]);
    assert.deepEqual(await listNames(fx.destination), []);
  });

  it('a source that changes once is copied again and the backup holds the final bytes', async () => {
    fx = await makeFixture();
    let changed = false;
    const result = await createBackup(fx.host, {
      destination: fx.destination,
      items: fx.items,
      toolVersion: '0',
      chunkSize: CHUNK,
      onProgress: async (p) => {
        if (!changed && p.relativePath.endsWith('pfdata') && p.fileBytesDone === CHUNK) {
          changed = true;
          await fs.appendFile(fx.host.real(PFDATA), 'late write');
        }
      },
    });
    const entry = result.Manifest.files.find((f) => f.originalPath === PFDATA)!;
    assert.equal(entry.size, (await fs.stat(fx.host.real(PFDATA))).size);
    assert.equal(entry.size, CHUNK * 5 + 123 + 'late write'.length);
  });

  it('a same-size rewrite that keeps the timestamps is caught only by rehashSource', async () => {
    fx = await makeFixture();
    const file = fx.host.real(PFDATA);
    // Whole-second times, so putting them back restores the exact same stat (even in nanoseconds).
    const stamp = new Date(2024, 0, 1, 12, 0, 0);
    await fs.utimes(file, stamp, stamp);
    let attempts = 0;
    const options = (rehashSource: boolean) => ({
      destination: fx.destination,
      items: [fx.items[0]],
      toolVersion: '0',
      chunkSize: CHUNK,
      rehashSource,
      onProgress: async (p: { relativePath: string; fileBytesDone: number }) => {
        if (p.relativePath.endsWith('pfdata') && p.fileBytesDone === CHUNK * 5 + 123) {
          attempts++;
          // Flip the first byte in place and put the old times back: stat sees nothing.
          const h = await fs.open(file, 'r+');
          const b = Buffer.alloc(1);
          await h.read(b, 0, 1, 0);
          b[0] ^= 0xff;
          await h.write(b, 0, 1, 0);
          await h.close();
          await fs.utimes(file, stamp, stamp);
        }
      },
    });
    // Without the re-hash the change is invisible (the documented limit of the stat check)…
    await createBackup(fx.host, options(false));
    assert.equal(attempts, 1);
    // …with it, every attempt sees the difference.
    attempts = 0;
    await assert.rejects(createBackup(fx.host, options(true)), (e: CoreError) => e.code === 'SourceChangedDuringCopy');
    assert.equal(attempts, 3);
  });
});
