import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as CFB from 'cfb';
import { WEB_COMPONENTS } from '../../../core/domain/catalog';
import { readMsi } from '../../../core/msi/reader';
import { CoreError } from '../../../core/util/errors';
import { FIXTURE_DIR, readFile, readMedia } from './msi-files';

function assertMsiCorrupt(run: () => unknown, source: string, mentions: RegExp): void {
  assert.throws(run, (e: unknown) => {
    assert.ok(e instanceof CoreError, 'a CoreError');
    assert.equal(e.code, 'MsiCorrupt');
    assert.equal(e.target, source);
    assert.match(e.message, new RegExp(source.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.match(e.message, mentions);
    return true;
  });
}

describe('readMsi: platform and identity', () => {
  it('reads a 64-bit web component installer as x64 with its catalog vdir as TARGETVDIR', () => {
    const info = readMedia(WEB_COMPONENTS.UserPortal.msiFileName(64));
    assert.equal(info.platform, 'x64');
    assert.equal(info.template, 'x64;1033');
    assert.deepEqual(info.languages, [1033]);
    assert.equal(info.productName, 'Multi-Factor Authentication User Portal');
    assert.equal(info.productVersion, '8.1.1.1');
    assert.equal(info.manufacturer, 'Microsoft Corporation');
    assert.equal(info.properties.TARGETVDIR, 'MultiFactorAuth');
    assert.equal(info.properties.TARGETSITE, 'Default Web Site');
    assert.equal(info.properties.TARGETAPPPOOL, 'DefaultAppPool');
  });

  it('reads a 32-bit installer as x86 (Template "Intel;1033")', () => {
    const info = readMedia(WEB_COMPONENTS.WebServiceSdk.msiFileName(32));
    assert.equal(info.template, 'Intel;1033');
    assert.equal(info.platform, 'x86');
  });

  it('gives 32- and 64-bit builds of one product different ProductCodes and the same UpgradeCode', () => {
    for (const web of Object.values(WEB_COMPONENTS)) {
      const x86 = readMedia(web.msiFileName(32));
      const x64 = readMedia(web.msiFileName(64));
      assert.notEqual(x86.productCode, x64.productCode, web.component);
      assert.equal(x86.upgradeCode, x64.upgradeCode, web.component);
      assert.match(x64.productCode ?? '', /^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/);
    }
  });

  it('reads the server setup stand-in (an MSI database with an .exe name)', () => {
    const info = readMedia('MultiFactorAuthenticationServerSetup.exe');
    assert.equal(info.productName, 'Multi-Factor Authentication Server');
    assert.equal(info.platform, 'x64');
  });

  it('decodes strings in the database code page (1252: é is one byte)', () => {
    const info = readFile(`${FIXTURE_DIR}/ContosoWidget64.msi`);
    assert.equal(info.manufacturer, 'Contoso Ltée');
    assert.equal(info.productName, 'Contoso Widget');
  });

  it('uses the source label it was given', () => {
    const bytes = readFileSync(`${FIXTURE_DIR}/ContosoWidget64.msi`);
    assert.equal(readMsi(bytes, 'D:\\media\\x.msi').source, 'D:\\media\\x.msi');
  });
});

describe('readMsi: damaged and foreign files are MsiCorrupt, naming the file', () => {
  it('rejects a text file with an .msi name', () => {
    const path = `${FIXTURE_DIR}/NotAnMsi.msi`;
    assertMsiCorrupt(() => readMsi(readFileSync(path), path), path, /not an OLE compound file/);
  });

  it('rejects the truncated fixture', () => {
    const path = `${FIXTURE_DIR}/Truncated.msi`;
    assertMsiCorrupt(() => readMsi(readFileSync(path), path), path, /truncated/);
  });

  it('rejects a real MSI cut at any 32-byte boundary, and an empty file', () => {
    const whole = readFileSync(`${FIXTURE_DIR}/ContosoWidget64.msi`);
    for (let length = 0; length < whole.length; length += 32) {
      assertMsiCorrupt(() => readMsi(whole.subarray(0, length), 'cut.msi'), 'cut.msi', /./);
    }
  });

  it('rejects a compound file that is not an MSI database (no string pool)', () => {
    const container = CFB.utils.cfb_new();
    CFB.utils.cfb_add(container, 'Hello', Buffer.from('not a database'));
    const bytes = Buffer.from(CFB.write(container, { type: 'buffer' }) as Uint8Array);
    assertMsiCorrupt(() => readMsi(bytes, 'doc.msi'), 'doc.msi', /SummaryInformation stream is missing/);
  });
});
