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

/** Attribute value normalisation: line ends become one space each, literal tabs/newlines become spaces, then entities. */
export function decodeAttributeValue(raw: string): string {
  return decodeEntities(raw.replace(/\r\n|[\r\n\t]/g, ' '));
}

/** Character data: line ends normalised to \n, then entities. */
export function decodeText(raw: string): string {
  return decodeEntities(raw.replace(/\r\n?/g, '\n'));
}

/** CDATA content is literal apart from line-end normalisation. */
export function decodeCdata(raw: string): string {
  return raw.replace(/\r\n?/g, '\n');
}

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

/** Escape element text; a line break is written with the file's own line ending (it reads back as \n). */
export function escapeText(value: string, eol: string, asciiOnly: boolean): string {
  const escaped = value.replace(/[&<>\r\n]/g, (c) => {
    switch (c) {
      case '&': return '&amp;';
      case '<': return '&lt;';
      case '>': return '&gt;';
      case '\r': return '&#xD;';
      default: return eol;
    }
  });
  return asciiOnly ? escapeNonAscii(escaped) : escaped;
}
