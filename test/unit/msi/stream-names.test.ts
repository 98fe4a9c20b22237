import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as CFB from 'cfb';
import { decodeMsiStreamName } from '../../../core/msi/stream-names';
import { FIXTURE_DIR } from './msi-files';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._';

/** The packing MSI uses, written independently here so the decoder is checked against a second implementation. */
function encode(name: string, isTable: boolean): string {
  let out = isTable ? String.fromCharCode(0x4840) : '';
  for (let i = 0; i < name.length; i += 2) {
    const a = ALPHABET.indexOf(name[i]);
    const b = i + 1 < name.length ? ALPHABET.indexOf(name[i + 1]) : -1;
    out += b >= 0 ? String.fromCharCode(0x3800 + a + (b << 6)) : String.fromCharCode(0x4800 + a);
  }
  return out;
}

describe('decodeMsiStreamName', () => {
  it('decodes pairs, a trailing single character and the table prefix', () => {
    assert.deepEqual(decodeMsiStreamName(encode('Property', true)), { name: 'Property', isTable: true });
    assert.deepEqual(decodeMsiStreamName(encode('_Tables', true)), { name: '_Tables', isTable: true });
    assert.deepEqual(decodeMsiStreamName(encode('payload.cab', false)), { name: 'payload.cab', isTable: false });
  });

  it('leaves names outside the packed ranges alone', () => {
    assert.deepEqual(decodeMsiStreamName('\u0005SummaryInformation'), { name: '\u0005SummaryInformation', isTable: false });
  });

  it('finds the string pool, string data, Property table and cabinet in a real wixl MSI', () => {
    const container = CFB.parse(readFileSync(`${FIXTURE_DIR}/ContosoWidget64.msi`), { type: 'buffer' });
    const names = container.FileIndex.filter((e) => e.type === 2).map((e) => decodeMsiStreamName(e.name));
    const tables = names.filter((n) => n.isTable).map((n) => n.name);
    for (const t of ['_StringPool', '_StringData', 'Property', '_Tables', '_Columns', 'File']) assert.ok(tables.includes(t), t);
    assert.ok(names.some((n) => !n.isTable && n.name === 'payload.cab'));
  });
});
