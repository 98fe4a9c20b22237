/**
 * MSI strings and Summary Information strings are stored in a Windows code page, not in UTF-8/UTF-16.
 * Maps the code page numbers an MSI can carry to WHATWG decoder labels that node's TextDecoder knows.
 */
const DECODER_LABELS: Record<number, string> = {
  866: 'ibm866',
  874: 'windows-874',
  932: 'shift_jis',
  936: 'gbk',
  949: 'euc-kr',
  950: 'big5',
  1250: 'windows-1250',
  1251: 'windows-1251',
  1252: 'windows-1252',
  1253: 'windows-1253',
  1254: 'windows-1254',
  1255: 'windows-1255',
  1256: 'windows-1256',
  1257: 'windows-1257',
  1258: 'windows-1258',
  10000: 'macintosh',
  20127: 'windows-1252', // ASCII is a subset
  65001: 'utf-8',
};

const ISO_8859_1 = 28591;

/** Code page 0 means "neutral" (the database holds ASCII only); Windows would use the system ANSI code page. */
const NEUTRAL_FALLBACK = 'windows-1252';

export function decoderLabelFor(codePage: number): string | undefined {
  if (codePage === 0) return NEUTRAL_FALLBACK;
  return DECODER_LABELS[codePage];
}

/**
 * Node 20's TextDecoder decodes 'windows-1252' as ISO-8859-1, so 0x80-0x9F (euro sign, curly quotes, dashes, ...)
 * come out as control characters. This is the real 1252 mapping of that range; the five unassigned bytes map to
 * the control character of the same number, as Windows does.
 */
const CP1252_80_TO_9F =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function decodeWindows1252(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += b >= 0x80 && b <= 0x9f ? CP1252_80_TO_9F[b - 0x80] : String.fromCharCode(b);
  return text;
}

function isAscii(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b > 0x7f) return false;
  return true;
}

/**
 * Decodes bytes in the given code page. An unknown code page is accepted while the text is plain ASCII (every
 * Windows ANSI code page agrees there); otherwise `undefined` is returned so the caller can report it.
 */
export function decodeWithCodePage(bytes: Uint8Array, codePage: number): string | undefined {
  const label = decoderLabelFor(codePage);
  if (codePage === ISO_8859_1) return Buffer.from(bytes).toString('latin1'); // WHATWG would treat it as 1252
  if (label === 'windows-1252') return decodeWindows1252(bytes);
  if (label) return new TextDecoder(label).decode(bytes);
  return isAscii(bytes) ? decodeWindows1252(bytes) : undefined;
}
