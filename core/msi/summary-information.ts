/**
 * Why this file: the summary stream holds the platform (x86/x64) and package code that choosing an installer relies
 * on.
 */
import { decodeWithCodePage } from './code-page';

/**
 * Reads the "\u0005SummaryInformation" stream: an OLE property set (MS-OLEPS). Only the first section is used;
 * its string properties are in the code page given by property 1 of that same section.
 */
export const SUMMARY_PID = {
  codePage: 1,
  title: 2,
  subject: 3,
  author: 4,
  keywords: 5,
  comments: 6,
  template: 7,
  lastAuthor: 8,
  revisionNumber: 9,
} as const;

const VT_I2 = 2;
const VT_I4 = 3;
const VT_LPSTR = 30;
const VT_FILETIME = 64;

/** Code page a property set uses when it does not say (Windows' ANSI default for Western installers). */
const DEFAULT_CODE_PAGE = 1252;

export type SummaryValue = string | number | bigint;

export class SummaryFormatError extends Error {}

function need(buf: Buffer, offset: number, length: number, what: string): void {
  if (offset < 0 || offset + length > buf.length) {
    throw new SummaryFormatError(`summary information is truncated (${what})`);
  }
}

interface RawValue {
  type: number;
  offset: number; // of the value's data, after the 4-byte type
}

export function readSummaryInformation(buf: Buffer): Map<number, SummaryValue> {
  need(buf, 0, 48, 'header');
  if (buf.readUInt16LE(0) !== 0xfffe) throw new SummaryFormatError('summary information has a wrong byte-order mark');
  if (buf.readUInt32LE(24) < 1) throw new SummaryFormatError('summary information has no property section');
  const section = buf.readUInt32LE(44);
  need(buf, section, 8, 'section header');
  const count = buf.readUInt32LE(section + 4);
  need(buf, section + 8, count * 8, 'property list');

  const raw = new Map<number, RawValue>();
  for (let i = 0; i < count; i++) {
    const pid = buf.readUInt32LE(section + 8 + i * 8);
    const at = section + buf.readUInt32LE(section + 12 + i * 8);
    need(buf, at, 4, `property ${pid}`);
    raw.set(pid, { type: buf.readUInt32LE(at) & 0xffff, offset: at + 4 });
  }

  // The code page must be known before any string is decoded. It is a VT_I2 but code pages such as 65001 exceed
  // a signed 16-bit range, so it is read unsigned.
  const cp = raw.get(SUMMARY_PID.codePage);
  let codePage = DEFAULT_CODE_PAGE;
  if (cp && cp.type === VT_I2) {
    need(buf, cp.offset, 2, 'code page');
    codePage = buf.readUInt16LE(cp.offset);
  }

  const values = new Map<number, SummaryValue>();
  for (const [pid, { type, offset }] of raw) {
    switch (type) {
      case VT_I2:
        need(buf, offset, 2, `property ${pid}`);
        values.set(pid, pid === SUMMARY_PID.codePage ? buf.readUInt16LE(offset) : buf.readInt16LE(offset));
        break;
      case VT_I4:
        need(buf, offset, 4, `property ${pid}`);
        values.set(pid, buf.readInt32LE(offset));
        break;
      case VT_FILETIME:
        need(buf, offset, 8, `property ${pid}`);
        values.set(pid, buf.readBigUInt64LE(offset));
        break;
      case VT_LPSTR: {
        need(buf, offset, 4, `property ${pid}`);
        const length = buf.readUInt32LE(offset);
        need(buf, offset + 4, length, `property ${pid}`);
        let bytes = buf.subarray(offset + 4, offset + 4 + length);
        const nul = bytes.indexOf(0);
        if (nul >= 0) bytes = bytes.subarray(0, nul);
        const text = decodeWithCodePage(bytes, codePage);
        if (text === undefined) {
          throw new SummaryFormatError(`summary information uses code page ${codePage}, which this tool cannot decode`);
        }
        values.set(pid, text);
        break;
      }
      default:
        // Other types do not occur in MSI summary information; ignoring them keeps the reader tolerant.
        break;
    }
  }
  return values;
}
