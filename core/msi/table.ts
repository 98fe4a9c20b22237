/**
 * Why this file: MSI tables are stored column by column, each cell a fixed-size number whose meaning depends on the
 * column's type (a string id, or an integer with an offset). This reads any table from its stream given its columns,
 * and reads the column catalog (`_Columns`) that gives every other table's columns.
 *
 * Cell encoding (checked against msitools' `msiinfo export` in test/unit/msi/table-vs-msiinfo.test.ts):
 * - a string column holds a string id of `pool.refSize` bytes (2, or 3 in large databases); id 0 is null;
 * - a 2-byte integer is stored as value + 0x8000, a 4-byte integer as value XOR 0x80000000 (so that stored bytes sort as
 *   the signed values do); a stored 0 is null in both;
 * - a binary (stream) column holds 2 bytes; its data lives in a stream of its own named `Table.Key`, not in the cell.
 */
import type { StringPool } from './string-pool';

export class TableFormatError extends Error {}

/** Bits of a column type as `_Columns` stores it (the MSITYPE_* values of the Windows Installer SDK). */
const TYPE_VALID = 0x0100;
const TYPE_STRING = 0x0800;
const TYPE_NULLABLE = 0x1000;
const TYPE_KEY = 0x2000;

export interface MsiColumn {
  name: string;
  /** Column type bits: low byte = size (integers: 2 or 4; strings: the declared maximum length). */
  type: number;
}

export type MsiCell = string | number | null;

type CellKind = 'string' | 'int2' | 'int4' | 'binary';

function kindOf(type: number): CellKind {
  // A binary column is "a string column that is valid and nothing else" (nullable aside), as Windows Installer reads it.
  if ((type & ~TYPE_NULLABLE) === (TYPE_STRING | TYPE_VALID)) return 'binary';
  if (type & TYPE_STRING) return 'string';
  return (type & 0xff) <= 2 ? 'int2' : 'int4';
}

function cellSize(kind: CellKind, pool: StringPool): number {
  if (kind === 'string') return pool.refSize;
  return kind === 'int4' ? 4 : 2;
}

/** The fixed layout of `_Columns` itself (it does not describe itself): Table s64 key, Number i2 key, Name s64, Type i2. */
const COLUMNS_OF_COLUMNS: MsiColumn[] = [
  { name: 'Table', type: TYPE_VALID | TYPE_STRING | TYPE_KEY | 64 },
  { name: 'Number', type: TYPE_VALID | TYPE_KEY | 2 },
  { name: 'Name', type: TYPE_VALID | TYPE_STRING | 64 },
  { name: 'Type', type: TYPE_VALID | 2 },
];

/** Reads a table stream into rows of cells, in column order. An absent stream is a table without rows: pass an empty buffer. */
export function readTable(stream: Buffer, columns: MsiColumn[], pool: StringPool, table: string): MsiCell[][] {
  const kinds = columns.map((c) => kindOf(c.type));
  const rowSize = kinds.reduce((n, k) => n + cellSize(k, pool), 0);
  if (rowSize === 0 || stream.length % rowSize !== 0) {
    throw new TableFormatError(`table ${table} has a size (${stream.length} bytes) that is not a whole number of rows`);
  }
  const rowCount = stream.length / rowSize;
  const rows: MsiCell[][] = Array.from({ length: rowCount }, () => []);
  let columnStart = 0;
  for (const [col, kind] of kinds.entries()) {
    const size = cellSize(kind, pool);
    for (let row = 0; row < rowCount; row++) {
      const raw = stream.readUIntLE(columnStart + row * size, size);
      rows[row].push(decodeCell(raw, kind, pool, table, columns[col].name));
    }
    columnStart += rowCount * size;
  }
  return rows;
}

function decodeCell(raw: number, kind: CellKind, pool: StringPool, table: string, column: string): MsiCell {
  if (raw === 0) return null;
  switch (kind) {
    case 'string': {
      const text = pool.strings[raw];
      if (text === undefined) throw new TableFormatError(`table ${table} (column ${column}) refers to string ${raw}, which does not exist`);
      return text;
    }
    case 'int2':
      return raw - 0x8000;
    case 'int4':
      return (raw ^ 0x80000000) | 0;
    case 'binary':
      return null; // the data is the stream `Table.Key`; nothing in the cell is of use
  }
}

/** Every table's columns in order, from the `_Columns` stream. */
export function readColumnCatalog(stream: Buffer, pool: StringPool): Map<string, MsiColumn[]> {
  const numbered = new Map<string, { number: number; column: MsiColumn }[]>();
  for (const [table, number, name, type] of readTable(stream, COLUMNS_OF_COLUMNS, pool, '_Columns')) {
    if (typeof table !== 'string' || typeof number !== 'number' || typeof name !== 'string' || typeof type !== 'number') {
      throw new TableFormatError('table _Columns has a row with an empty cell');
    }
    const list = numbered.get(table) ?? [];
    list.push({ number, column: { name, type: type & 0xffff } });
    numbered.set(table, list);
  }
  const catalog = new Map<string, MsiColumn[]>();
  for (const [table, list] of numbered) {
    list.sort((a, b) => a.number - b.number);
    list.forEach((c, i) => {
      if (c.number !== i + 1) throw new TableFormatError(`table ${table} has no column ${i + 1} in _Columns`);
    });
    catalog.set(table, list.map((c) => c.column));
  }
  return catalog;
}

/** Rows as objects keyed by column name (what callers that know a table's column names want). */
export function rowsByName(rows: MsiCell[][], columns: MsiColumn[]): Record<string, MsiCell>[] {
  return rows.map((cells) => Object.fromEntries(columns.map((c, i) => [c.name, cells[i]])));
}
