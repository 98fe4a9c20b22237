import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { createBackup, type BackupResult } from '../../../core/backup/create-backup';
import { verifyBackup } from '../../../core/backup/verify-backup';
import { makeFixture, sha256, type Fixture } from './fixture';

let fx: Fixture;
afterEach(() => fx?.cleanup());

async function backup(): Promise<BackupResult> {
  fx = await makeFixture();
  return createBackup(fx.host, { destination: fx.destination, items: fx.items, toolVersion: '0' });
}
const file = (b: BackupResult, rel: string) => path.join(b.Path, ...rel.split('\\'));

describe('verifyBackup', () => {
  it('reports every file Ok for an untouched backup', async () => {
    const b = await backup();
    const v = await verifyBackup(b.Path);
    assert.equal(v.IsValid, true);
    assert.equal(v.Reason, undefined);
    assert.equal(v.Items.length, 6);
    assert.ok(v.Items.every((i) => i.Status === 'Ok' && i.Expected === i.Actual));
    assert.equal(v.ComputerName, 'PFSRV01');
  });

  it('detects a tampered file as Changed with both hashes', async () => {
    const b = await backup();
    const target = file(b, 'UserPortal\\web.config');
    const tampered = Buffer.from('<configuration><appSettings><add key="x" value="y"/></appSettings></configuration>');
    await fs.writeFile(target, tampered);
    const v = await verifyBackup(b.Path);
    assert.equal(v.IsValid, false);
    const item = v.Items.find((i) => i.RelativePath === 'UserPortal\\web.config')!;
    assert.equal(item.Status, 'Changed');
    assert.equal(item.Actual, sha256(tampered));
    assert.equal(item.Expected, b.Manifest.files.find((f) => f.relativePath === 'UserPortal\\web.config')!.sha256);
    assert.match(v.Reason!, /1 file\(s\) changed/);
  });

  it('detects a same-size change (one flipped byte)', async () => {
    const b = await backup();
    const target = file(b, 'Agent\\Data\\Phonefactor.pfdata');
    const bytes = await fs.readFile(target);
    bytes[1000] ^= 1;
    await fs.writeFile(target, bytes);
    const v = await verifyBackup(b.Path);
    assert.equal(v.IsValid, false);
    assert.equal(v.Items.find((i) => i.RelativePath.endsWith('pfdata'))!.Status, 'Changed');
  });

  it('detects a missing file', async () => {
    const b = await backup();
    await fs.rm(file(b, 'UserPortal\\App_Themes\\Contoso\\logo.png'));
    const v = await verifyBackup(b.Path);
    assert.equal(v.IsValid, false);
    const item = v.Items.find((i) => i.RelativePath === 'UserPortal\\App_Themes\\Contoso\\logo.png')!;
    assert.equal(item.Status, 'Missing');
    assert.equal(item.Actual, undefined);
  });

  it('reports an extra file without invalidating the files the manifest lists', async () => {
    const b = await backup();
    await fs.writeFile(file(b, 'UserPortal\\notes.txt'), 'admin notes');
    const v = await verifyBackup(b.Path);
    const extra = v.Items.filter((i) => i.Status === 'Extra');
    assert.deepEqual(extra.map((i) => [i.RelativePath, i.Actual]), [['UserPortal\\notes.txt', sha256(Buffer.from('admin notes'))]]);
    assert.equal(v.IsValid, true);
  });

  it('is never valid without a manifest, with a damaged manifest, or as a .partial folder', async () => {
    const b = await backup();
    const partial = b.Path + '.partial';
    await fs.cp(b.Path, partial, { recursive: true });
    const vp = await verifyBackup(partial);
    assert.equal(vp.IsValid, false);
    assert.match(vp.Reason!, /\.partial/);

    const manifest = path.join(b.Path, 'manifest.json');
    const text = await fs.readFile(manifest, 'utf8');
    await fs.writeFile(manifest, text.slice(0, text.length / 2));
    const vd = await verifyBackup(b.Path);
    assert.equal(vd.IsValid, false);
    assert.match(vd.Reason!, /not valid JSON/);

    const m = JSON.parse(text);
    m.files[0].relativePath = '..\\..\\Windows\\win.ini';
    await fs.writeFile(manifest, JSON.stringify(m));
    const ve = await verifyBackup(b.Path);
    assert.equal(ve.IsValid, false);
    assert.match(ve.Reason!, /outside the backup/);

    await fs.rm(manifest);
    const vm = await verifyBackup(b.Path);
    assert.equal(vm.IsValid, false);
    assert.match(vm.Reason!, /manifest\.json is missing/);

    const vn = await verifyBackup(path.join(fx.root, 'nowhere'));
    assert.equal(vn.IsValid, false);
  });
});
