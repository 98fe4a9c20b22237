/**
 * Reads one start tag of an already-validated document: the element name and each attribute with the offsets of
 * its raw value and its quote character, so an edit can replace exactly the characters between the quotes.
 */
import { decodeAttributeValue } from './xml-text';

export interface XmlAttribute {
  name: string;
  /** Offset of the attribute's name. */
  start: number;
  /** Raw value between the quotes: [valueStart, valueEnd). */
  valueStart: number;
  valueEnd: number;
  /** Just after the closing quote. */
  end: number;
  quote: '"' | "'";
  raw: string;
  /** Decoded value, as .NET reads it. */
  value: string;
}

export interface StartTag {
  name: string;
  attributes: XmlAttribute[];
  /** After the last attribute (or the name): where a new attribute goes. */
  attributesEnd: number;
  /** Just after the tag's closing '>'. */
  end: number;
  selfClosing: boolean;
}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\n';

/** `start` points at '<'. Returns undefined if the text there is not a start tag (a broken assumption, not bad input). */
export function scanStartTag(text: string, start: number): StartTag | undefined {
  if (text[start] !== '<') return undefined;
  let i = start + 1;
  while (i < text.length && !isSpace(text[i]) && text[i] !== '/' && text[i] !== '>') i++;
  const name = text.slice(start + 1, i);
  const attributes: XmlAttribute[] = [];
  let attributesEnd = i;
  for (;;) {
    while (isSpace(text[i])) i++;
    if (text[i] === '>') return { name, attributes, attributesEnd, end: i + 1, selfClosing: false };
    if (text[i] === '/' && text[i + 1] === '>') return { name, attributes, attributesEnd, end: i + 2, selfClosing: true };
    const nameStart = i;
    while (i < text.length && !isSpace(text[i]) && text[i] !== '=') i++;
    const attrName = text.slice(nameStart, i);
    while (isSpace(text[i])) i++;
    if (text[i] !== '=' || attrName === '') return undefined;
    i++;
    while (isSpace(text[i])) i++;
    const quote = text[i];
    if (quote !== '"' && quote !== "'") return undefined;
    const valueStart = i + 1;
    const valueEnd = text.indexOf(quote, valueStart);
    if (valueEnd === -1) return undefined;
    const raw = text.slice(valueStart, valueEnd);
    i = valueEnd + 1;
    attributesEnd = i;
    attributes.push({ name: attrName, start: nameStart, valueStart, valueEnd, end: i, quote, raw, value: decodeAttributeValue(raw) });
  }
}
