import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeWithCodePage } from '../../../core/msi/code-page';
import { readStringPool, StringPoolFormatError } from '../../../core/msi/string-pool';

function pool(header: number, entries: [number, number][]): Buffer {
  const b = Buffer.alloc(4 + entries.length * 4);
  b.writeUInt32LE(header >>> 0, 0);
  entries.forEach(([len, refs], i) => {
    b.writeUInt16LE(len, 4 + i * 4);
    b.writeUInt16LE(refs, 6 + i * 4);
  });
  return b;
}

describe('readStringPool', () => {
  it('reads code page, 2-byte references, and keeps ids of unused slots', () => {
    const p = readStringPool(pool(1252, [[3, 1], [0, 0], [2, 1]]), Buffer.from('abcde', 'latin1'));
    assert.equal(p.codePage, 1252);
    assert.equal(p.refSize, 2);
    assert.deepEqual(p.strings, ['', 'abc', '', 'de']);
  });

  it('switches to 3-byte references when the header flag is set, without changing the code page', () => {
    const p = readStringPool(pool(0x80000000 | 65001, [[3, 1]]), Buffer.from('ün', 'utf8'));
    assert.equal(p.refSize, 3);
    assert.equal(p.codePage, 65001);
    assert.deepEqual(p.strings, ['', 'ün']);
  });

  it('reads a string of 64 KiB or more from a two-entry length', () => {
    const long = 'x'.repeat(0x10005);
    const p = readStringPool(pool(1252, [[0, 1], [0x0005, 2], [1, 1]]), Buffer.from(long + 'y', 'latin1'));
    assert.equal(p.strings.length, 3);
    assert.equal(p.strings[1].length, 0x10005);
    assert.equal(p.strings[2], 'y');
  });

  it('decodes 1252 bytes as Windows would (0x80 is the euro sign, not a control character)', () => {
    const p = readStringPool(pool(1252, [[2, 1]]), Buffer.from([0x80, 0xe9]));
    assert.equal(p.strings[1], '€é');
  });

  it('decodes other code pages through their Windows mapping', () => {
    assert.equal(decodeWithCodePage(Buffer.from([0x8a, 0xe8]), 1250), 'Šč');
    assert.equal(decodeWithCodePage(Buffer.from([0xcf, 0xf0]), 1251), 'Пр');
    assert.equal(decodeWithCodePage(Buffer.from([0x80]), 28591), '\u0080');
    assert.equal(decodeWithCodePage(Buffer.from([0x93, 0x94]), 0), '“”');
  });

  it('refuses string data shorter than the pool says', () => {
    assert.throws(() => readStringPool(pool(1252, [[10, 1]]), Buffer.from('short')), StringPoolFormatError);
  });

  it('refuses non-ASCII text in a code page it cannot decode, but accepts ASCII there', () => {
    assert.equal(decodeWithCodePage(Buffer.from('plain'), 12345), 'plain');
    assert.equal(decodeWithCodePage(Buffer.from([0xe9]), 12345), undefined);
    assert.throws(() => readStringPool(pool(12345, [[1, 1]]), Buffer.from([0xe9])), /code page 12345/);
  });
});
