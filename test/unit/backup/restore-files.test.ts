import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { createBackup } from '../../../core/backup/create-backup';
import { restoreFiles } from '../../../core/backup/restore-files';
import { verifyBackup } from '../../../core/backup/verify-backup';
import { nodeWriteFs, type BackupWriteFs } from '../../../core/backup/write-fs';
import { CoreError } from '../../../core/util/errors';
import { CHUNK, DATA, PFDATA, WEB_CONFIG, makeFixture, snapshot, type Fixture } from './fixture';

let fx: Fixture;
afterEach(() => fx?.cleanup());

async function backupThenUninstall(remote = false) {
  fx = await makeFixture({ remote });
  const original = await snapshot(fx.host.root);
  const fileItems = fx.items.filter((i) => i.content === undefined);
  const b = await createBackup(fx.host, { destination: fx.destination, items: fileItems, toolVersion: '0', chunkSize: CHUNK });
  // The upgrade changes and deletes things.
  await fs.writeFile(fx.host.real(WEB_CONFIG), '<configuration>new</configuration>');
  await fs.rm(fx.host.real(DATA), { recursive: true });
  return { b, original };
}

describe('restoreFiles', () => {
  it('round trip: every byte comes back, and what it overwrote is kept in an undo backup', async () => {
    const { b, original } = await backupThenUninstall();
    const r = await restoreFiles(fx.host, b.Path, { toolVersion: '0', chunkSize: CHUNK, now: () => new Date(2024, 6, 1, 8, 0, 0) });
    assert.equal(r.Succeeded, true);
    assert.deepEqual(await snapshot(fx.host.root), original, 'the server tree is byte-identical to the backup time');
    const byRel = new Map(r.Files.map((f) => [f.RelativePath, f]));
    assert.equal(byRel.get('UserPortal\\web.config')!.Status, 'Restored');
    assert.equal(byRel.get('Agent\\Data\\Phonefactor.pfdata')!.TargetPath, PFDATA);
    assert.equal(byRel.get('UserPortal\\App_Themes\\Contoso\\style.css')!.Status, 'Unchanged');

    assert.equal(r.UndoFolder, path.join(b.Path, 'restore-undo-20240701-080000'));
    const undoWeb = await fs.readFile(byRel.get('UserPortal\\web.config')!.UndoPath!, 'utf8');
    assert.equal(undoWeb, '<configuration>new</configuration>');
    const undo = await verifyBackup(r.UndoFolder);
    assert.equal(undo.IsValid, true);
    assert.equal(undo.Manifest!.purpose, 'RestoreUndo');
    assert.deepEqual(undo.Manifest!.files.map((f) => f.originalPath), [WEB_CONFIG]);
    assert.deepEqual(
      undo.Manifest!.skippedItems.map((s) => [s.originalPath, s.reason]).sort(),
      [[PFDATA, 'NotPresentBeforeRestore'], [`${DATA}\\Logs\\pfsvc.log`, 'NotPresentBeforeRestore']].sort(),
    );
    // The backup itself is still valid with the undo folder inside it.
    const again = await verifyBackup(b.Path);
    assert.equal(again.IsValid, true);
    assert.ok(again.Items.every((i) => i.Status === 'Ok'));
    // Restored files get their original modification time back (node's utimes passes seconds as a double: ±1 ms).
    const entry = b.Manifest.files.find((f) => f.originalPath === PFDATA)!;
    assert.ok(Math.abs((await fs.stat(fx.host.real(PFDATA))).mtimeMs - Date.parse(entry.mtime)) <= 1);
  });

  it('the undo backup reverses the restore', async () => {
    const { b } = await backupThenUninstall();
    const r = await restoreFiles(fx.host, b.Path, { toolVersion: '0', relativePaths: ['userportal/WEB.CONFIG'] });
    assert.equal(r.Files.length, 1);
    assert.notEqual(await fs.readFile(fx.host.real(WEB_CONFIG), 'utf8'), '<configuration>new</configuration>');
    await restoreFiles(fx.host, r.UndoFolder!, { toolVersion: '0' });
    assert.equal(await fs.readFile(fx.host.real(WEB_CONFIG), 'utf8'), '<configuration>new</configuration>');
  });

  it('restores through host.writeFileAtomic when the host has no local paths', async () => {
    const { b, original } = await backupThenUninstall(true);
    const r = await restoreFiles(fx.host, b.Path, { toolVersion: '0' });
    assert.equal(r.Succeeded, true);
    assert.deepEqual(await snapshot(fx.host.root), original);
  });

  it('refuses a tampered or unfinished backup before touching anything', async () => {
    const { b } = await backupThenUninstall();
    const before = await snapshot(fx.host.root);
    await fs.appendFile(path.join(b.Path, 'UserPortal', 'web.config'), ' ');
    await assert.rejects(restoreFiles(fx.host, b.Path, { toolVersion: '0' }), (e: CoreError) => e.code === 'BackupVerificationFailed' && /web\.config \(Changed\)/.test(e.message));
    await fs.rm(path.join(b.Path, 'manifest.json'));
    await assert.rejects(restoreFiles(fx.host, b.Path, { toolVersion: '0' }), (e: CoreError) => e.code === 'BackupIncomplete');
    assert.deepEqual(await snapshot(fx.host.root), before);
    assert.deepEqual((await fs.readdir(b.Path)).filter((n) => n.startsWith('restore-undo')), []);
  });

  it('a failed write leaves the target as it was and reports the file as Failed', async () => {
    const { b } = await backupThenUninstall();
    const failing: BackupWriteFs = {
      openWrite: async (p) => {
        if (p.includes('.web.config.restore-')) throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
        return nodeWriteFs.openWrite(p);
      },
    };
    const r = await restoreFiles(fx.host, b.Path, { toolVersion: '0', writeFs: failing });
    assert.equal(r.Succeeded, false);
    const web = r.Files.find((f) => f.RelativePath === 'UserPortal\\web.config')!;
    assert.deepEqual([web.Status, web.ErrorCode], ['Failed', 'DiskFull']);
    assert.equal(await fs.readFile(fx.host.real(WEB_CONFIG), 'utf8'), '<configuration>new</configuration>');
    assert.deepEqual((await fs.readdir(path.dirname(fx.host.real(WEB_CONFIG)))).filter((n) => n.endsWith('.tmp')), []);
    assert.equal(r.Files.find((f) => f.TargetPath === PFDATA)!.Status, 'Restored');
  });
});
