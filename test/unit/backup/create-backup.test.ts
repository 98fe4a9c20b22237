import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { createBackup } from '../../../core/backup/create-backup';
import { readManifest } from '../../../core/backup/manifest';
import { verifyBackup } from '../../../core/backup/verify-backup';
import { CoreError } from '../../../core/util/errors';
import { CHUNK, DATA, PFDATA, THEMES, WEB_CONFIG, listNames, makeFixture, sha256, snapshot, type Fixture } from './fixture';

let fx: Fixture;
afterEach(() => fx?.cleanup());
const at = new Date(2024, 4, 17, 9, 5, 7);

describe('createBackup', () => {
  it('copies every item into a timestamped folder with a manifest of sizes and hashes', async () => {
    fx = await makeFixture();
    const before = await snapshot(fx.host.root);
    const result = await createBackup(fx.host, {
      destination: fx.destination,
      items: fx.items,
      toolVersion: '0.1.0',
      productVersions: { 'PhoneFactor Agent': '5.6.1' },
      now: () => at,
      chunkSize: CHUNK,
    });

    assert.equal(result.Name, 'PhoneFactorBackup-PFSRV01-20240517-090507');
    assert.deepEqual(await listNames(fx.destination), [result.Name]);
    const read = await readManifest(result.Path);
    assert.ok(read.ok);
    const m = read.manifest;
    assert.equal(m.formatVersion, 1);
    assert.deepEqual(m.tool, { name: 'MfaServerUpgrade', version: '0.1.0' });
    assert.equal(m.createdUtc, at.toISOString());
    assert.deepEqual(m.source, { computerName: 'PFSRV01', hostKind: 'lab' });
    assert.deepEqual(m.productVersions, { 'PhoneFactor Agent': '5.6.1' });

    const rels = m.files.map((f) => f.relativePath).sort();
    assert.deepEqual(rels, [
      'Agent\\Data\\Logs\\pfsvc.log',
      'Agent\\Data\\Phonefactor.pfdata',
      'Registry\\PhoneFactor.reg',
      'UserPortal\\App_Themes\\Contoso\\logo.png',
      'UserPortal\\App_Themes\\Contoso\\style.css',
      'UserPortal\\web.config',
    ]);
    // Every manifest entry describes the source bytes, and the copy holds exactly those bytes.
    for (const f of m.files) {
      const copy = await fs.readFile(path.join(result.Path, ...f.relativePath.split('\\')));
      assert.equal(f.sha256, sha256(copy), f.relativePath);
      assert.equal(f.size, copy.length);
      assert.equal(f.status, 'Verified');
      if (f.kind !== 'Registry') {
        const source = await fs.readFile(fx.host.real(f.originalPath));
        assert.equal(f.sha256, sha256(source), f.originalPath);
        const st = await fs.stat(fx.host.real(f.originalPath));
        assert.equal(f.mtime, new Date(st.mtimeMs).toISOString());
      }
    }
    const pf = m.files.find((f) => f.relativePath === 'Agent\\Data\\Phonefactor.pfdata')!;
    assert.equal(pf.originalPath, PFDATA);
    assert.equal(pf.component, 'Agent');
    assert.equal(pf.kind, 'DataFolder');
    assert.equal(pf.size, CHUNK * 5 + 123);
    const reg = m.files.find((f) => f.kind === 'Registry')!;
    assert.equal(reg.originalPath, 'HKLM\\SOFTWARE\\Wow6432Node\\Positive Networks\\PhoneFactor');

    assert.equal(result.FileCount, 6);
    assert.equal((await verifyBackup(result.Path)).IsValid, true);
    assert.deepEqual(await snapshot(fx.host.root), before, 'sources are never modified');
  });

  it('adds -2 when a backup of the same second exists, and records optional missing sources as skipped', async () => {
    fx = await makeFixture();
    const opts = { destination: fx.destination, toolVersion: '0.1.0', now: () => at };
    const first = await createBackup(fx.host, { ...opts, items: fx.items.slice(1, 2) });
    const second = await createBackup(fx.host, {
      ...opts,
      items: [...fx.items.slice(1, 2), { component: 'MobileAppWebService', kind: 'WebConfig', sourcePath: 'C:\\inetpub\\wwwroot\\Nope\\web.config', relativePath: 'Mobile\\web.config', optional: true }],
    });
    assert.equal(second.Name, `${first.Name}-2`);
    assert.deepEqual(second.Manifest.skippedItems, [
      { component: 'MobileAppWebService', kind: 'WebConfig', originalPath: 'C:\\inetpub\\wwwroot\\Nope\\web.config', relativePath: 'Mobile\\web.config', reason: 'SourceMissing' },
    ]);
    assert.equal(second.FileCount, 1);
  });

  it('backs up from a host without local paths (remote) through host.readFile', async () => {
    fx = await makeFixture({ remote: true });
    const result = await createBackup(fx.host, { destination: fx.destination, items: fx.items, toolVersion: '0.1.0', chunkSize: CHUNK });
    assert.equal(result.Manifest.source.hostKind, 'remote');
    const copy = await fs.readFile(path.join(result.Path, 'Agent', 'Data', 'Phonefactor.pfdata'));
    assert.equal(sha256(copy), sha256(await fs.readFile(fx.host.real(PFDATA))));
    assert.equal((await verifyBackup(result.Path)).IsValid, true);
  });

  it('refuses a destination inside a source folder before writing anything', async () => {
    fx = await makeFixture();
    const before = await snapshot(fx.host.root);
    const inside = path.join(fx.host.real(DATA), 'Backups');
    await assert.rejects(
      createBackup(fx.host, { destination: inside, items: fx.items, toolVersion: '0.1.0' }),
      (e: CoreError) => e.code === 'DestinationInsideSource' && e.details.sourcePath === DATA,
    );
    // Case differences do not dodge the check (Windows paths are case-insensitive).
    await assert.rejects(
      createBackup(fx.host, { destination: fx.host.real(DATA).toUpperCase(), items: fx.items, toolVersion: '0.1.0' }),
      (e: CoreError) => e.code === 'DestinationInsideSource',
    );
    assert.deepEqual(await snapshot(fx.host.root), before);
    await assert.rejects(fs.stat(inside), { code: 'ENOENT' });
  });

  it('fails with SourceNotFound before creating any folder when a required source is missing', async () => {
    fx = await makeFixture();
    await assert.rejects(
      createBackup(fx.host, {
        destination: fx.destination,
        items: [...fx.items, { component: 'WebServiceSdk', kind: 'WebConfig', sourcePath: 'C:\\inetpub\\wwwroot\\Sdk\\web.config', relativePath: 'Sdk\\web.config' }],
        toolVersion: '0.1.0',
      }),
      (e: CoreError) => e.code === 'SourceNotFound' && e.target === 'C:\\inetpub\\wwwroot\\Sdk\\web.config',
    );
    assert.deepEqual(await listNames(fx.destination), []);
  });

  it('rejects relative paths that escape the backup or collide', async () => {
    fx = await makeFixture();
    await assert.rejects(
      createBackup(fx.host, { destination: fx.destination, toolVersion: '0', items: [{ component: 'Agent', kind: 'WebConfig', sourcePath: WEB_CONFIG, relativePath: '..\\evil' }] }),
      (e: CoreError) => e.code === 'InvalidRelativePath',
    );
    await assert.rejects(
      createBackup(fx.host, {
        destination: fx.destination,
        toolVersion: '0',
        items: [
          { component: 'UserPortal', kind: 'WebConfig', sourcePath: WEB_CONFIG, relativePath: 'Portal\\web.config' },
          { component: 'UserPortal', kind: 'Theme', sourcePath: `${THEMES}\\Contoso\\style.css`, relativePath: 'PORTAL\\WEB.CONFIG' },
        ],
      }),
      (e: CoreError) => e.code === 'InvalidBackupItem',
    );
    assert.deepEqual(await listNames(fx.destination), []);
  });

  it('backs up an empty file', async () => {
    fx = await makeFixture();
    const r = await createBackup(fx.host, {
      destination: fx.destination,
      toolVersion: '0',
      items: [{ component: 'Agent', kind: 'Inventory', relativePath: 'inventory.json', content: Buffer.alloc(0) }],
    });
    assert.deepEqual([r.Manifest.files[0].size, r.Manifest.files[0].sha256], [0, sha256(Buffer.alloc(0))]);
    assert.equal((await fs.stat(path.join(r.Path, 'inventory.json'))).size, 0);
    assert.equal((await verifyBackup(r.Path)).IsValid, true);
  });

  it('reports progress per chunk', async () => {
    fx = await makeFixture();
    const seen: number[] = [];
    await createBackup(fx.host, {
      destination: fx.destination,
      items: [fx.items[0]],
      toolVersion: '0',
      chunkSize: CHUNK,
      onProgress: (p) => {
        if (p.relativePath.endsWith('pfdata')) seen.push(p.fileBytesDone);
      },
    });
    assert.deepEqual(seen, [1, 2, 3, 4, 5].map((i) => i * CHUNK).concat(CHUNK * 5 + 123));
  });
});
