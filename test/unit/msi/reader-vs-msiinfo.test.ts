import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { msiinfoMissing, msiinfoProperties, msiinfoSummary, readFile, wellFormedMsiFiles } from './msi-files';

const skip = msiinfoMissing();

describe('readMsi agrees with msiinfo on every real MSI in the repository', { skip }, () => {
  const files = wellFormedMsiFiles();

  it('has the expected number of MSI files to compare', () => {
    // 1 server setup + 3 web components x 2 bitnesses + 2 well-formed fixtures
    assert.equal(files.length, 9);
  });

  for (const file of files) {
    it(`${file}: Summary Information`, () => {
      const info = readFile(file);
      const summary = msiinfoSummary(file);
      assert.equal(info.template, summary.get('Template'));
      assert.equal(info.subject, summary.get('Subject'));
      assert.equal(info.author, summary.get('Author'));
      assert.equal(info.revisionNumber, summary.get('Revision number (UUID)'));
    });

    it(`${file}: the whole Property table`, () => {
      const info = readFile(file);
      assert.deepEqual(info.properties, msiinfoProperties(file));
      assert.equal(info.productCode, info.properties.ProductCode);
      assert.equal(info.upgradeCode, info.properties.UpgradeCode);
      assert.equal(info.productVersion, info.properties.ProductVersion);
      assert.equal(info.productName, info.properties.ProductName);
      assert.equal(info.manufacturer, info.properties.Manufacturer);
    });
  }
});
