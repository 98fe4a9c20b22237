/** Encodings: what comes in goes out, byte for byte, apart from the edited values. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeWebConfig, readWebConfigSettings } from '../../../core/webconfig/index';
import { input } from './helpers';

const doc = (value: string) => `<?xml version="1.0" encoding="utf-16"?>\r\n<configuration>\r\n  <appSettings>\r\n    <add key="CITY" value="${value}" />\r\n  </appSettings>\r\n</configuration>\r\n`;
const utf16 = (s: string, bigEndian = false) => {
  const body = Buffer.from(s, 'utf16le');
  if (bigEndian) body.swap16();
  return Buffer.concat([Buffer.from(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]), body]);
};

describe('encodings', () => {
  it('UTF-16 LE and BE with BOM: read, merged and written back in the same encoding', () => {
    for (const bigEndian of [false, true]) {
      const target = { path: 't', bytes: utf16(doc('Zürich'), bigEndian) };
      const reference = input(doc('日本語 &amp; Zürich'));
      const r = mergeWebConfig(target, reference);
      assert.ok(r.output.equals(utf16(doc('日本語 &amp; Zürich'), bigEndian)));
      assert.equal(readWebConfigSettings({ path: 't', bytes: r.output }).appSettings[0].value, '日本語 & Zürich');
    }
  });

  it('UTF-8 with BOM keeps the BOM; without keeps none', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const withBom = mergeWebConfig({ path: 't', bytes: Buffer.concat([bom, Buffer.from(doc('a'))]) }, input(doc('Zürich')));
    assert.ok(withBom.output.equals(Buffer.concat([bom, Buffer.from(doc('Zürich'))])));
    const without = mergeWebConfig(input(doc('a')), input(doc('Zürich')));
    assert.ok(without.output.equals(Buffer.from(doc('Zürich'))));
  });

  it('a file declaring windows-1252 stays ASCII: non-ASCII values are written as character references', () => {
    const declared = doc('a').replace('utf-16', 'windows-1252');
    const r = mergeWebConfig(input(declared), input(doc('Zürich 日本')));
    assert.equal(r.output.toString('latin1'), declared.replace('value="a"', 'value="Z&#xFC;rich &#x65E5;&#x672C;"'));
    assert.equal(mergeWebConfig({ path: 't', bytes: r.output }, input(doc('Zürich 日本'))).changed, false);
  });

  it('returns the untouched target bytes when nothing changes', () => {
    const target = input(doc('same'));
    const r = mergeWebConfig(target, input(doc('same')));
    assert.equal(r.changed, false);
    assert.ok(r.output.equals(target.bytes));
  });
});
