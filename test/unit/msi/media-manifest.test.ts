import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MFA_SERVER_SETUP_FILE, WEB_COMPONENTS } from '../../../core/domain/catalog';
import { MEDIA_DIR, readMedia } from './msi-files';

interface MediaEntry {
  file: string;
  component: string;
  bits: number;
  platform: string;
  productName: string;
  productVersion: string;
  productCode: string;
  upgradeCode: string;
  manufacturer: string;
}

const manifest = JSON.parse(readFileSync(join(MEDIA_DIR, 'media.json'), 'utf8')) as { files: MediaEntry[] };

describe('assets/lab-media/media.json', () => {
  it('lists the server setup and both bitnesses of every web component, under the catalog file names', () => {
    const expected = [MFA_SERVER_SETUP_FILE];
    for (const web of Object.values(WEB_COMPONENTS)) expected.push(web.msiFileName(32), web.msiFileName(64));
    assert.deepEqual(manifest.files.map((f) => f.file).sort(), expected.sort());
  });

  it('agrees with what the reader finds in each file', () => {
    for (const entry of manifest.files) {
      const info = readMedia(entry.file);
      assert.equal(entry.productName, info.productName, entry.file);
      assert.equal(entry.productVersion, info.productVersion, entry.file);
      assert.equal(entry.productCode, info.productCode, entry.file);
      assert.equal(entry.upgradeCode, info.upgradeCode, entry.file);
      assert.equal(entry.manufacturer, info.manufacturer, entry.file);
      assert.equal(entry.platform, info.platform, entry.file);
      assert.equal(entry.bits, info.platform === 'x64' ? 64 : 32, entry.file);
    }
  });

  it('names the component each file installs, and 64-bit files are x64', () => {
    for (const web of Object.values(WEB_COMPONENTS)) {
      for (const bits of [32, 64] as const) {
        const entry = manifest.files.find((f) => f.file === web.msiFileName(bits));
        assert.equal(entry?.component, web.component);
        assert.equal(entry?.platform, bits === 64 ? 'x64' : 'x86');
      }
    }
    assert.equal(manifest.files.find((f) => f.file === MFA_SERVER_SETUP_FILE)?.component, 'MfaServer');
  });
});
