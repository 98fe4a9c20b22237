/**
 * Why this file: the MSI reader's front door: an MSI database (an OLE compound file) → its summary information,
 * Property table and Media table (with the state of its embedded cabinets), no Windows needed.
 */
import type * as CFB from 'cfb';
import type { MsiInfo, MsiPlatform } from './msi-info';
import { compoundFileProblem } from './compound-file-check';
import { msiCorrupt } from './msi-corrupt';
import { decodeMsiStreamName } from './stream-names';
import { readStringPool, StringPoolFormatError } from './string-pool';
import { readColumnCatalog, readTable, rowsByName, TableFormatError, type MsiCell, type MsiColumn } from './table';
import { cabinetsOf, mediaRowsOf } from './media';
import { readSummaryInformation, SummaryFormatError, SUMMARY_PID, type SummaryValue } from './summary-information';

export type { MsiInfo, MsiPlatform } from './msi-info';
export type { MsiCabinet, MsiMediaRow } from './media';
export type { MsiCell, MsiColumn } from './table';

const SUMMARY_STREAM = '\u0005SummaryInformation';
/** The standard layout of Property (two strings), used when _Columns does not describe it. */
const PROPERTY_COLUMNS: MsiColumn[] = [
  { name: 'Property', type: 0x2d48 },
  { name: 'Value', type: 0x0d00 },
];

interface Streams {
  tables: Map<string, Buffer>;
  others: Map<string, Buffer>;
}

function openStreams(bytes: Buffer, source: string): Streams {
  const problem = compoundFileProblem(bytes);
  if (problem) throw msiCorrupt(source, problem);
  let container: CFB.CFB$Container;
  try {
    // Loaded here, not at the top: only MSI reading needs it, and its tables cost every cmdlet call ~1.5 ms of start-up.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load must be synchronous here: openStreams() is not async
    const cfb = require('cfb') as typeof CFB;
    container = cfb.parse(bytes, { type: 'buffer' });
  } catch (e) {
    throw msiCorrupt(source, `its compound-file structure is damaged or truncated (${(e as Error).message})`);
  }
  const streams: Streams = { tables: new Map(), others: new Map() };
  for (const entry of container.FileIndex) {
    if (entry.type !== 2) continue; // streams only; MSI keeps everything in the root storage
    const content = Buffer.from(entry.content ?? []);
    // cfb does not always notice a cut-off file: the stream then comes back shorter than its directory entry says.
    if (content.length !== entry.size) {
      throw msiCorrupt(source, `the file is truncated (stream needs ${entry.size} bytes, ${content.length} present)`);
    }
    const { name, isTable } = decodeMsiStreamName(entry.name);
    (isTable ? streams.tables : streams.others).set(name, content);
  }
  return streams;
}

function platformOf(template: string): MsiPlatform {
  const platform = template.split(';')[0].trim().toLowerCase();
  // An empty platform means Intel (x86) in the Template property's documented syntax.
  if (platform === 'intel' || platform === '') return 'x86';
  if (platform === 'x64' || platform === 'amd64') return 'x64';
  if (platform === 'arm64') return 'arm64';
  return 'unknown';
}

function languagesOf(template: string): number[] {
  const list = template.split(';')[1] ?? '';
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => /^\d+$/.test(s))
    .map(Number);
}

function text(values: Map<number, SummaryValue>, pid: number): string | undefined {
  const v = values.get(pid);
  return typeof v === 'string' ? v : undefined;
}

function required(map: Map<string, Buffer>, name: string, source: string): Buffer {
  const stream = map.get(name);
  if (!stream) throw msiCorrupt(source, `the ${name} stream is missing`);
  return stream;
}

/**
 * Any table of an MSI database as rows keyed by column name, with the columns `_Columns` gives it; an unknown table is
 * undefined. Integers come back as numbers, strings as text, null cells (and binary columns) as null.
 */
export function readMsiTable(bytes: Buffer, source: string, table: string): { columns: MsiColumn[]; rows: Record<string, MsiCell>[] } | undefined {
  const streams = openStreams(bytes, source);
  try {
    const pool = readStringPool(required(streams.tables, '_StringPool', source), required(streams.tables, '_StringData', source));
    const columns = readColumnCatalog(required(streams.tables, '_Columns', source), pool).get(table);
    if (!columns) return undefined;
    return { columns, rows: rowsByName(readTable(streams.tables.get(table) ?? Buffer.alloc(0), columns, pool, table), columns) };
  } catch (e) {
    if (e instanceof StringPoolFormatError || e instanceof TableFormatError) throw msiCorrupt(source, e.message);
    throw e;
  }
}

/** Reads the Summary Information, the Property table and the Media table of an MSI database held in memory. */
export function readMsi(bytes: Buffer, source: string): MsiInfo {
  const streams = openStreams(bytes, source);
  try {
    const summary = readSummaryInformation(required(streams.others, SUMMARY_STREAM, source));
    const pool = readStringPool(
      required(streams.tables, '_StringPool', source),
      required(streams.tables, '_StringData', source),
    );
    const catalog = readColumnCatalog(required(streams.tables, '_Columns', source), pool);
    // A table without rows has no stream at all: that is valid, not corrupt.
    const rowsOf = (table: string, columns: MsiColumn[]) => readTable(streams.tables.get(table) ?? Buffer.alloc(0), columns, pool, table);
    const properties: Record<string, string> = {};
    for (const [name, value] of rowsOf('Property', catalog.get('Property') ?? PROPERTY_COLUMNS)) {
      if (typeof name === 'string') properties[name] = value === null ? '' : String(value);
    }
    // Read by column name: the Media table's LastSequence is i2 in old schemas and i4 in newer ones.
    const mediaColumns = catalog.get('Media');
    const media = mediaColumns ? mediaRowsOf(rowsByName(rowsOf('Media', mediaColumns), mediaColumns)) : [];

    const template = text(summary, SUMMARY_PID.template) ?? '';
    return {
      source,
      template,
      platform: platformOf(template),
      languages: languagesOf(template),
      subject: text(summary, SUMMARY_PID.subject),
      author: text(summary, SUMMARY_PID.author),
      revisionNumber: text(summary, SUMMARY_PID.revisionNumber),
      properties,
      productCode: properties.ProductCode,
      upgradeCode: properties.UpgradeCode,
      productVersion: properties.ProductVersion,
      productName: properties.ProductName,
      manufacturer: properties.Manufacturer,
      media,
      cabinets: cabinetsOf(media, streams.others),
    };
  } catch (e) {
    if (e instanceof SummaryFormatError || e instanceof StringPoolFormatError || e instanceof TableFormatError) {
      throw msiCorrupt(source, e.message);
    }
    throw e;
  }
}
