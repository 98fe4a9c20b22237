/** Why this file: the one table layout the reader needs (all-string columns, e.g. Property) decoded from its stream. */
import type { StringPool } from './string-pool';

/**
 * Reads a table stream whose columns are all strings (such as Property). MSI stores tables column by column: every
 * row's first cell, then every row's second cell, each cell a little-endian string id of `pool.refSize` bytes.
 */
export class TableFormatError extends Error {}

export function readStringColumnsTable(stream: Buffer, columnCount: number, pool: StringPool, table: string): string[][] {
  const rowSize = columnCount * pool.refSize;
  if (stream.length % rowSize !== 0) {
    throw new TableFormatError(`table ${table} has a size (${stream.length} bytes) that is not a whole number of rows`);
  }
  const rowCount = stream.length / rowSize;
  const rows: string[][] = Array.from({ length: rowCount }, () => []);
  for (let col = 0; col < columnCount; col++) {
    const columnStart = col * rowCount * pool.refSize;
    for (let row = 0; row < rowCount; row++) {
      const at = columnStart + row * pool.refSize;
      const id = pool.refSize === 3 ? stream.readUIntLE(at, 3) : stream.readUInt16LE(at);
      const text = pool.strings[id];
      if (text === undefined) throw new TableFormatError(`table ${table} refers to string ${id}, which does not exist`);
      rows[row].push(text);
    }
  }
  return rows;
}
