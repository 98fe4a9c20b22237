/**
 * Reading and writing XML character data the way .NET's XmlReader sees it. Values are compared decoded
 * (`a&amp;b` is `a&b`) and written escaped for the place they go (attribute with its own quote, or element text).
 */

const ENTITY = /&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Offset of the first `&` that does not start one of the five XML entities or a valid character reference. */
export function findBadReference(raw: string): number {
  const reference = /&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));/y;
  for (let i = raw.indexOf('&'); i !== -1; i = raw.indexOf('&', i + 1)) {
    reference.lastIndex = i;
    const m = reference.exec(raw);
    if (!m) return i;
    const code = m[2] !== undefined ? Number(m[2]) : m[3] !== undefined ? parseInt(m[3], 16) : 0x20;
    if (!isXmlChar(code)) return i;
  }
  return -1;
}

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

function decodeEntities(raw: string): string {
  return raw.replace(ENTITY, (_, name: string) => {
    if (name[0] !== '#') return NAMED[name];
    return String.fromCodePoint(name[1] === 'x' ? parseInt(name.slice(2), 16) : Number(name.slice(1)));
  });
}

/**
 * An attribute value as .NET's configuration system reads it: entities and character references decoded, and nothing
 * else. Its XmlTextReader does not normalise (Normalization = false): a literal tab, line feed or CR LF inside the
 * quotes is part of the value (test/dotnet-config-judge reads value="a⏎⇥b" as "a\n\tb"), unlike XML 1.0 §3.3.3.
 */
export function decodeAttributeValue(raw: string): string {
  return decodeEntities(raw);
}

/** XML 1.0 attribute-value normalisation (line ends and tabs become spaces): how IIS's own reader is modelled (host/iis.ts). */
export function decodeNormalizedAttributeValue(raw: string): string {
  return decodeEntities(raw.replace(/\r\n|[\r\n\t]/g, ' '));
}

/** Character data as .NET's configuration system reads it: entities decoded, line ends kept as written (CR LF stays CR LF). */
export function decodeText(raw: string): string {
  return decodeEntities(raw);
}

/** CDATA content is literal. */
export function decodeCdata(raw: string): string {
  return raw;
}

/**
 * A value as it was read from a file: decoded (`value`) and as written there (`raw`), in an attribute with its quote or
 * as element text (no quote). Writing it where it can stand as written carries it byte for byte.
 */
export interface WrittenValue {
  value: string;
  raw: string;
  quote?: '"' | "'";
}

/** A value to write: plain text, or a value read from a file that is carried as written where it fits. */
export type CarriedValue = string | WrittenValue;

export const valueOf = (v: CarriedValue): string => (typeof v === 'string' ? v : v.value);

function escapeNonAscii(s: string): string {
  return s.replace(/[\u{80}-\u{10FFFF}]/gu, (c) => `&#x${c.codePointAt(0)!.toString(16).toUpperCase()};`);
}

/** Escape a value for an attribute delimited by `quote`; tabs and line breaks as references so they survive normalisation. */
export function escapeAttributeValue(value: string, quote: '"' | "'", asciiOnly: boolean): string {
  const escaped = value.replace(/[&<"'\t\n\r]/g, (c) => {
    switch (c) {
      case '&': return '&amp;';
      case '<': return '&lt;';
      case '\t': return '&#x9;';
      case '\n': return '&#xA;';
      case '\r': return '&#xD;';
      default: return c === quote ? (c === '"' ? '&quot;' : '&apos;') : c;
    }
  });
  return asciiOnly ? escapeNonAscii(escaped) : escaped;
}

/** Escape element text; line breaks are written as they are (.NET reads them back as written). */
export function escapeText(value: string, asciiOnly: boolean): string {
  const escaped = value.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
  return asciiOnly ? escapeNonAscii(escaped) : escaped;
}

const isAscii = (s: string) => !/[\u{80}-\u{10FFFF}]/u.test(s);

/** `carried` as markup for an attribute delimited by `quote`: as written in its own file when it can stand there. */
export function attributeMarkup(carried: CarriedValue, quote: '"' | "'", asciiOnly: boolean): string {
  if (typeof carried !== 'string' && carried.quote !== undefined && !carried.raw.includes(quote) && (!asciiOnly || isAscii(carried.raw))) return carried.raw;
  return escapeAttributeValue(valueOf(carried), quote, asciiOnly);
}

/** `carried` as markup for element text: as written in its own file (comments and CDATA included) when it can stand there. */
export function textMarkup(carried: CarriedValue, asciiOnly: boolean): string {
  if (typeof carried !== 'string' && carried.quote === undefined && (!asciiOnly || isAscii(carried.raw))) return carried.raw;
  return escapeText(valueOf(carried), asciiOnly);
}
