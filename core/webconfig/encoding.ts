/**
 * Bytes ⇄ text for web.config files. The text keeps every character of the file except the byte-order mark, so
 * offsets into it are what the XML parser sees; encoding it back gives the very same bytes.
 * Supported: UTF-8 with or without BOM, UTF-16 LE/BE with BOM. A file that declares a non-Unicode encoding
 * (windows-1252, iso-8859-1, us-ascii) is accepted only while it is pure ASCII; values written into it are then
 * escaped as character references so the file stays ASCII.
 */
import type { MergeInput } from './types';
import { emptyFile, notXml, unsupportedEncoding } from './errors';

export type WebConfigEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export interface DecodedFile {
  path: string;
  text: string;
  encoding: WebConfigEncoding;
  bom: boolean;
  /** Written values must stay ASCII (the file declares a single-byte code page). */
  asciiOnly: boolean;
}

const UNICODE_NAMES = new Set(['utf-8', 'utf8', 'utf-16', 'utf-16le', 'utf-16be', 'unicode']);
const ASCII_COMPATIBLE_NAMES = new Set(['us-ascii', 'ascii', 'iso-8859-1', 'latin1', 'windows-1252', 'cp1252']);

export function decodeWebConfig(input: MergeInput): DecodedFile {
  const file = decodeBytes(input);
  // An empty file or one that is not XML at all gets its own plain message, not a parser position.
  const first = file.text.search(/\S/);
  if (first === -1) throw emptyFile(input.path, input.parameter);
  if (file.text[first] !== '<') throw notXml(input.path, input.parameter);
  return file;
}

function decodeBytes(input: MergeInput): DecodedFile {
  const { path, bytes } = input;
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);

  if (starts(0xff, 0xfe, 0x00, 0x00) || starts(0x00, 0x00, 0xfe, 0xff)) {
    throw unsupportedEncoding(path, 'UTF-32');
  }
  if (starts(0xff, 0xfe) || starts(0xfe, 0xff)) {
    const encoding: WebConfigEncoding = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
    if (bytes.length % 2 !== 0) throw unsupportedEncoding(path, `${encoding.toUpperCase()} with an odd number of bytes (the file is cut short)`);
    const body = Buffer.from(bytes.subarray(2));
    if (encoding === 'utf-16be') body.swap16();
    return checkDeclaration({ path, text: body.toString('utf16le'), encoding, bom: true, asciiOnly: false }, false);
  }

  const bom = starts(0xef, 0xbb, 0xbf);
  const body = bom ? bytes.subarray(3) : bytes;
  // Binary files (a zip, a .pfdata) fail here before the encoding checks could blame their bytes.
  const firstByte = body.findIndex((b) => b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d);
  if (firstByte === -1) throw emptyFile(path, input.parameter);
  if (body[firstByte] !== 0x3c) throw notXml(path, input.parameter);
  if (body.includes(0)) throw unsupportedEncoding(path, 'it contains NUL bytes (UTF-16 or UTF-32 without a byte-order mark?)');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    throw unsupportedEncoding(path, 'it contains bytes that are not valid UTF-8 (saved in an ANSI code page?)');
  }
  const isAscii = !body.some((b) => b > 0x7f);
  return checkDeclaration({ path, text, encoding: 'utf-8', bom, asciiOnly: false }, isAscii);
}

export function encodeWebConfig(file: DecodedFile, text: string): Buffer {
  switch (file.encoding) {
    case 'utf-8':
      return Buffer.concat([Buffer.from(file.bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(text, 'utf8')]);
    case 'utf-16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf-16be':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
  }
}

/** The encoding named in `<?xml … encoding="…"?>` must agree with what the bytes allow. */
function checkDeclaration(file: DecodedFile, isAscii: boolean): DecodedFile {
  const declared = /^<\?xml\s[^>]*?\bencoding\s*=\s*(["'])([^"']*)\1/.exec(file.text)?.[2]?.toLowerCase();
  if (declared === undefined || UNICODE_NAMES.has(declared)) return file;
  if (ASCII_COMPATIBLE_NAMES.has(declared) && file.encoding === 'utf-8' && isAscii) return { ...file, asciiOnly: true };
  throw unsupportedEncoding(file.path, `it declares encoding="${declared}"`);
}
