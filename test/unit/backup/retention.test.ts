import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { createBackup, type BackupResult } from '../../../core/backup/create-backup';
import { applyRetention } from '../../../core/backup/retention';
import { CoreError } from '../../../core/util/errors';
import { LocalFolderHost } from './local-folder-host';
import { listNames, makeFixture, type Fixture } from './fixture';

let fx: Fixture;
afterEach(() => fx?.cleanup());

const day = (n: number) => new Date(Date.UTC(2024, 5, n, 2, 0, 0));

async function runBackup(host: LocalFolderHost, when: Date): Promise<BackupResult> {
  return createBackup(host, { destination: fx.destination, items: fx.items.slice(1, 3), toolVersion: '0', now: () => when });
}

describe('applyRetention', () => {
  it('over 5 scheduled runs keeps the newest N verified backups', async () => {
    fx = await makeFixture();
    const made: string[] = [];
    for (let i = 1; i <= 5; i++) {
      made.push((await runBackup(fx.host, day(i))).Name);
      const r = await applyRetention(fx.destination, 2, { now: () => day(i) });
      assert.deepEqual((await listNames(fx.destination)).sort(), made.slice(-2).sort(), `after run ${i}`);
      assert.equal(r.Removed.length, i > 2 ? 1 : 0);
      if (i > 2) assert.equal(path.basename(r.Removed[0].Path), made[i - 3]);
    }
  });

  it('orders by the manifest time, not the folder time or name', async () => {
    fx = await makeFixture();
    const older = await runBackup(fx.host, day(1));
    const newer = await runBackup(fx.host, day(2));
    // Make the older one look newest on disk.
    await fs.utimes(older.Path, new Date(), new Date(Date.now() + 3600_000));
    // And swap the names' order by renaming the newer one with an earlier stamp.
    const renamed = path.join(fx.destination, 'PhoneFactorBackup-PFSRV01-20000101-000000');
    await fs.rename(newer.Path, renamed);
    const r = await applyRetention(fx.destination, 1);
    assert.deepEqual(r.Removed.map((e) => e.Path), [older.Path]);
    assert.deepEqual(await listNames(fx.destination), [path.basename(renamed)]);
  });

  it('never deletes the newest verified backup, and never deletes one that fails verification', async () => {
    fx = await makeFixture();
    const a = await runBackup(fx.host, day(1));
    const b = await runBackup(fx.host, day(2));
    const c = await runBackup(fx.host, day(3));
    // The newest one is damaged: b is now the newest verified one.
    await fs.appendFile(path.join(c.Path, 'UserPortal', 'web.config'), 'x');
    const r = await applyRetention(fx.destination, 1);
    assert.deepEqual(r.Removed.map((e) => e.Path), [a.Path]);
    assert.deepEqual((await listNames(fx.destination)).sort(), [b.Name, c.Name].sort());
    assert.equal(r.Kept.find((k) => k.Path === c.Path)!.Reason, 'NotVerified');
    await assert.rejects(applyRetention(fx.destination, 0), (e: CoreError) => e.code === 'InvalidParameter');
  });

  it('ignores folders that are not ours, and removes only stale .partial folders', async () => {
    fx = await makeFixture();
    await runBackup(fx.host, day(1));
    await fs.mkdir(path.join(fx.destination, 'Other-Tool-Backup'));
    await fs.writeFile(path.join(fx.destination, 'PhoneFactorBackup-PFSRV01-20240101-000000.txt'), 'a file, not a folder');
    const stale = path.join(fx.destination, 'PhoneFactorBackup-PFSRV01-20240101-000000.partial');
    const fresh = path.join(fx.destination, 'PhoneFactorBackup-PFSRV01-20240607-000000.partial');
    await fs.mkdir(stale);
    await fs.mkdir(fresh);
    const twoDaysAgo = new Date(Date.now() - 2 * 86400_000);
    await fs.utimes(stale, twoDaysAgo, twoDaysAgo);
    const r = await applyRetention(fx.destination, 1);
    assert.deepEqual(r.Removed.map((e) => [e.Path, e.Reason]), [[stale, 'StalePartial']]);
    const names = await listNames(fx.destination);
    assert.ok(names.includes('Other-Tool-Backup'));
    assert.ok(names.includes('PhoneFactorBackup-PFSRV01-20240101-000000.txt'));
    assert.ok(names.includes(path.basename(fresh)));
  });

  it('keeps N per source computer on a shared destination', async () => {
    fx = await makeFixture();
    const other = new LocalFolderHost(fx.host.root, 'PFSRV02');
    const a1 = await runBackup(fx.host, day(1));
    const b1 = await runBackup(other, day(2));
    const a2 = await runBackup(fx.host, day(3));
    const b2 = await runBackup(other, day(4));
    const r = await applyRetention(fx.destination, 1);
    assert.deepEqual(r.Removed.map((e) => e.Path).sort(), [a1.Path, b1.Path].sort());
    assert.deepEqual((await listNames(fx.destination)).sort(), [a2.Name, b2.Name].sort());
  });

  it('a manifest dated in the future does not outrank the backups made after it (issue 12 item 2)', async () => {
    fx = await makeFixture();
    const skewed = await runBackup(fx.host, new Date(Date.UTC(2099, 0, 1)));
    const older = await runBackup(fx.host, day(1));
    const newest = await runBackup(fx.host, day(2));
    const r = await applyRetention(fx.destination, 1);
    assert.deepEqual(r.Removed.map((e) => e.Path).sort(), [skewed.Path, older.Path].sort());
    assert.deepEqual(await listNames(fx.destination), [newest.Name]);
    assert.equal(r.Kept[0].Sequence, 3);
  });

  it('the backups made by the same call are kept whatever their rank, and take their places first', async () => {
    fx = await makeFixture();
    const a = await runBackup(fx.host, day(1));
    const b = await runBackup(fx.host, day(2));
    // A copied-in manifest claiming a higher sequence than the backup made now.
    const manifestFile = path.join(b.Path, 'manifest.json');
    await fs.writeFile(manifestFile, JSON.stringify({ ...JSON.parse(await fs.readFile(manifestFile, 'utf8')), sequence: 99 }));
    const now = await runBackup(fx.host, day(3));
    const before = JSON.parse(await fs.readFile(path.join(now.Path, 'manifest.json'), 'utf8')) as { sequence: number };
    assert.equal(before.sequence, 100, 'a new backup ranks after every backup already there');
    await fs.writeFile(path.join(now.Path, 'manifest.json'), JSON.stringify({ ...before, sequence: 1 }));
    const r = await applyRetention(fx.destination, 1, { madeNow: [now.Path] });
    assert.deepEqual(r.Kept.map((k) => [k.Path, k.Reason]), [[now.Path, 'MadeNow']]);
    assert.deepEqual(r.Removed.map((e) => e.Path).sort(), [a.Path, b.Path].sort());
  });

  it('never deletes a backup an unfinished upgrade journal names; a completed journal pins nothing', async () => {
    fx = await makeFixture();
    const pinned = await runBackup(fx.host, day(1));
    const free = await runBackup(fx.host, day(2));
    const newest = await runBackup(fx.host, day(3));
    const run = path.join(fx.destination, 'MfaServerUpgrade-PFSRV01');
    await fs.mkdir(run);
    const journal = (status: string, backup: string) => JSON.stringify({ Status: status, Steps: [{ Id: 'PFSRV01:backup', Data: { BackupPath: backup } }] });
    await fs.writeFile(path.join(run, 'journal.json'), journal('Failed', pinned.Path));
    await fs.writeFile(path.join(run, 'journal-20240101-000000.json'), journal('Completed', free.Path));
    const r = await applyRetention(fx.destination, 1);
    assert.deepEqual(r.Removed.map((e) => e.Path), [free.Path]);
    const kept = r.Kept.find((k) => k.Path === pinned.Path)!;
    assert.equal(kept.Reason, 'UsedByUnfinishedUpgrade');
    assert.equal(kept.Detail, path.join(run, 'journal.json'));
    assert.equal(r.Kept.find((k) => k.Path === newest.Path)!.Reason, 'WithinRetention');
  });

  it('deletes nothing beyond retention while an upgrade journal in the destination cannot be read', async () => {
    fx = await makeFixture();
    const a = await runBackup(fx.host, day(1));
    await runBackup(fx.host, day(2));
    const run = path.join(fx.destination, 'MfaServerUpgrade-PFSRV01');
    await fs.mkdir(run);
    await fs.writeFile(path.join(run, 'journal.json'), '{"Status": "Fail');
    const r = await applyRetention(fx.destination, 1);
    assert.deepEqual(r.Removed, []);
    const kept = r.Kept.find((k) => k.Path === a.Path)!;
    assert.equal(kept.Reason, 'UpgradeJournalUnreadable');
    assert.match(kept.Detail ?? '', /journal\.json/);
  });
});
