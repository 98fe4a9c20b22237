/** Why this file: MSI tables hold string ids; the pool turns them back into strings, in the database's code page. */
import { decodeWithCodePage } from './code-page';

/**
 * The database's shared string table. `_StringPool` starts with a 4-byte header (code page in the low 31 bits;
 * the top bit says table cells hold 3-byte string references instead of 2-byte ones), then one (length, refcount)
 * pair of 16-bit words per string id from 1 on. `_StringData` holds the strings back to back, in that code page.
 */
export class StringPoolFormatError extends Error {}

export interface StringPool {
  codePage: number;
  /** Bytes per string reference in table streams: 2, or 3 for large databases. */
  refSize: 2 | 3;
  /** Index = string id; id 0 is the empty/null string. */
  strings: string[];
}

const LONG_REFS_FLAG = 0x80000000;

export function readStringPool(pool: Buffer, data: Buffer): StringPool {
  if (pool.length < 4 || pool.length % 4 !== 0) {
    throw new StringPoolFormatError(`the string pool has an invalid size (${pool.length} bytes)`);
  }
  const header = pool.readUInt32LE(0);
  const codePage = header & 0x7fffffff;
  const refSize: 2 | 3 = header & LONG_REFS_FLAG ? 3 : 2;

  const strings: string[] = [''];
  const entries = pool.length / 4;
  let offset = 0;
  for (let i = 1; i < entries; ) {
    let length = pool.readUInt16LE(i * 4);
    const refs = pool.readUInt16LE(i * 4 + 2);
    i++;
    if (length === 0 && refs === 0) {
      strings.push(''); // an unused id still takes its slot
      continue;
    }
    if (length === 0) {
      // A string of 64 KiB or more: this entry carries the high word of the length, the next one the low word.
      if (i >= entries) throw new StringPoolFormatError('the string pool ends inside a long-string entry');
      length = refs * 0x10000 + pool.readUInt16LE(i * 4);
      i++;
    }
    if (offset + length > data.length) {
      throw new StringPoolFormatError('the string data is shorter than the string pool says');
    }
    const text = decodeWithCodePage(data.subarray(offset, offset + length), codePage);
    if (text === undefined) {
      throw new StringPoolFormatError(`the database uses code page ${codePage}, which this tool cannot decode`);
    }
    strings.push(text);
    offset += length;
  }
  return { codePage, refSize, strings };
}
