/**
 * Structure of a web.config with offsets into its text. fast-xml-parser finds the elements (its metadata gives each
 * element's [startIndex, endIndex) — measured: from '<' of the start tag to just past the '>' of the end tag); our own
 * start-tag scan then locates every attribute value. Nothing is ever re-serialised: edits splice the original text.
 * The validator misses a few errors (bare '&' or '<' in attributes, unknown entities, a second root, text after the
 * root); they are checked here so the merge never works on something .NET itself would refuse.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { DecodedFile } from './encoding';
import { malformed, malformedAt } from './errors';
import { scanStartTag, type XmlAttribute } from './start-tag';
import { findBadReference } from './xml-text';

export type { XmlAttribute } from './start-tag';

export interface XmlElement {
  name: string;
  /** The whole element: [start, end). */
  start: number;
  end: number;
  attributesEnd: number;
  startTagEnd: number;
  selfClosing: boolean;
  /** Offset of '</' of the end tag; equals `end` for a self-closing element. */
  closeStart: number;
  attributes: XmlAttribute[];
  children: XmlElement[];
  parent: XmlElement | null;
}

export interface XmlDocument {
  file: DecodedFile;
  text: string;
  root: XmlElement;
}

export function attributeOf(el: XmlElement, name: string): XmlAttribute | undefined {
  return el.attributes.find((a) => a.name === name);
}

/** fast-xml-parser settings that keep the text untouched and give offsets (stack-notes.md); shared with host/iis.ts. */
export const PARSER_OPTIONS = {
  preserveOrder: true,
  ignoreAttributes: false,
  captureMetaData: true,
  processEntities: false,
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  commentPropName: '#comment',
  cdataPropName: '#cdata',
} as const;

const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

const VALIDATOR_REASONS: Record<string, string> = {
  InvalidTag: 'a tag is broken, misspelt or not closed where expected',
  InvalidAttr: 'an attribute is broken (quotes, spacing, or a repeated or invalid name)',
  InvalidChar: 'an unexpected character (a literal & must be written &amp;)',
  InvalidXml: 'the document structure is broken',
};

type ParsedNode = Record<string | symbol, unknown>;

export function parseXml(file: DecodedFile): XmlDocument {
  const { text, path } = file;
  checkCharacters(file);
  // The validator's own messages can quote fragments of a broken value (which may be a password): only its
  // position and error kind are passed on.
  const verdict = XMLValidator.validate(text);
  if (verdict !== true) {
    const { code, line, col } = verdict.err;
    throw malformedAt(path, line, col, VALIDATOR_REASONS[code] ?? 'the XML is broken');
  }
  let nodes: ParsedNode[];
  try {
    nodes = new XMLParser(PARSER_OPTIONS).parse(text) as ParsedNode[];
  } catch {
    throw malformedAt(path, 1, 1, 'the XML could not be read');
  }

  const roots = nodes.flatMap((n) => (elementName(n) ? [buildElement(file, n, null)] : []));
  if (roots.length === 0) throw malformedAt(path, 1, 1, 'there is no root element');
  if (roots.length > 1) throw malformed(path, text, roots[1].start, 'a second root element');
  const root = roots[0];
  checkOutsideRoot(file, 0, root.start);
  checkOutsideRoot(file, root.end, text.length);
  return { file, text, root };
}

function elementName(node: ParsedNode): string | undefined {
  const key = Object.keys(node).find((k) => k !== ':@');
  return key !== undefined && key[0] !== '#' && key[0] !== '?' && key[0] !== '!' ? key : undefined;
}

function buildElement(file: DecodedFile, node: ParsedNode, parent: XmlElement | null): XmlElement {
  const { text, path } = file;
  const name = elementName(node)!;
  const meta = node[META] as { startIndex?: number; endIndex?: number } | undefined;
  const start = meta?.startIndex ?? -1;
  const end = meta?.endIndex ?? -1;
  // The parser is lenient: where the validator let something odd through, its offsets stop making sense. Checking
  // them here turns such input into a clear refusal instead of a wrong edit.
  const tangled = () => malformed(path, text, Math.max(start, 0), 'tags that do not nest properly');
  if (start < 0 || end <= start || !text.startsWith(`<${name}`, start) || text[end - 1] !== '>') throw tangled();
  const tag = scanStartTag(text, start);
  if (!tag || tag.name !== name || tag.end > end) throw tangled();
  const closeStart = tag.selfClosing ? end : text.lastIndexOf('</', end - 1);
  const endTag = text.slice(closeStart, end);
  const closesProperly = () =>
    tag.selfClosing ? tag.end === end : closeStart >= tag.end && endTag.startsWith(`</${name}`) && /^\s*>$/.test(endTag.slice(name.length + 2));
  for (const a of tag.attributes) {
    const lt = a.raw.indexOf('<');
    if (lt !== -1) throw malformed(path, text, a.valueStart + lt, `a literal '<' in the value of attribute '${a.name}' (write &lt;)`);
    const amp = findBadReference(a.raw);
    if (amp !== -1) throw malformed(
      path,
      text,
      a.valueStart + amp,
      `an '&' that starts no valid reference in the value of attribute '${a.name}' (write &amp;)`,
    );
  }
  const el: XmlElement = {
    name,
    start,
    end,
    attributesEnd: tag.attributesEnd,
    startTagEnd: tag.end,
    selfClosing: tag.selfClosing,
    closeStart,
    attributes: tag.attributes,
    children: [],
    parent,
  };
  const childNodes = (node[name] as ParsedNode[] | undefined) ?? [];
  let previousEnd = el.startTagEnd;
  for (const child of childNodes) {
    if (!elementName(child)) continue;
    const built = buildElement(file, child, el);
    if (built.start < previousEnd || built.end > el.closeStart) throw tangled();
    previousEnd = built.end;
    el.children.push(built);
  }
  // Checked after the children, so the innermost tangle is the one reported.
  if (!closesProperly()) throw tangled();
  checkContent(file, el);
  return el;
}

/** Character data between an element's children: every '&' must start a known reference, and no ']]>'. */
function checkContent(file: DecodedFile, el: XmlElement): void {
  if (el.selfClosing) return;
  let from = el.startTagEnd;
  for (const child of [...el.children, undefined]) {
    const to = child ? child.start : el.closeStart;
    const stray = forEachTextRun(file.text, from, to, (runStart, runEnd) => {
      const run = file.text.slice(runStart, runEnd);
      const bad = findBadReference(run);
      if (bad !== -1) throw malformed(file.path, file.text, runStart + bad, "an '&' that starts no valid reference in element text (write &amp;)");
      const cdataEnd = run.indexOf(']]>');
      if (cdataEnd !== -1) throw malformed(file.path, file.text, runStart + cdataEnd, "']]>' in element text (write ]]&gt;)");
    });
    if (stray) throw malformed(file.path, file.text, stray.at, stray.reason);
    if (child) from = child.end;
  }
}

/**
 * Calls `onText` for each run of character data in [from, to), skipping comments, CDATA sections and processing
 * instructions. Returns the first markup that is not allowed there (or a broken comment), if any.
 */
export function forEachTextRun(
  text: string,
  from: number,
  to: number,
  onText: (start: number, end: number) => void,
): { at: number; reason: string } | undefined {
  let i = from;
  while (i < to) {
    const lt = text.indexOf('<', i);
    const runEnd = lt === -1 || lt > to ? to : lt;
    if (runEnd > i) onText(i, runEnd);
    if (runEnd === to) return undefined;
    const skipped = skipMarkup(text, runEnd);
    if (typeof skipped !== 'number') return { at: runEnd, reason: skipped };
    i = skipped;
  }
  return undefined;
}

/** The end of the comment, CDATA section or processing instruction at `at`, or why there is none. */
function skipMarkup(text: string, at: number): number | string {
  const find = (open: string, close: string) => {
    const k = text.indexOf(close, at + open.length);
    return k === -1 ? 'an unterminated ' + open : k + close.length;
  };
  if (text.startsWith('<!--', at)) {
    const end = find('<!--', '-->');
    if (typeof end === 'number') {
      const body = text.slice(at + 4, end - 3);
      if (body.includes('--') || body.endsWith('-')) return "'--' inside a comment";
    }
    return end;
  }
  if (text.startsWith('<![CDATA[', at)) return find('<![CDATA[', ']]>');
  if (text.startsWith('<?', at)) return find('<?', '?>');
  return text.startsWith('<!DOCTYPE', at) ? 'a DOCTYPE declaration (not allowed in a web.config)' : 'unexpected markup';
}

/** Before and after the root only the XML declaration, comments, processing instructions and whitespace may stand. */
function checkOutsideRoot(file: DecodedFile, from: number, to: number): void {
  const { text, path } = file;
  const stray = forEachTextRun(text, from, to, (s, e) => {
    const k = text.slice(s, e).search(/\S/);
    if (k !== -1) throw malformed(path, text, s + k, 'text outside the root element');
  });
  if (stray) throw malformed(path, text, stray.at, stray.reason === 'unexpected markup' ? 'unexpected markup outside the root element' : stray.reason);
}

/** Characters XML 1.0 does not allow anywhere (control characters, U+FFFE/U+FFFF, unpaired surrogates). */
// eslint-disable-next-line no-control-regex -- the control characters XML forbids are what this pattern is for
const NOT_ALLOWED_IN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkCharacters(file: DecodedFile): void {
  const bad = NOT_ALLOWED_IN_XML.exec(file.text);
  if (bad) throw malformed(file.path, file.text, bad.index, 'a character that XML does not allow (a control character?)');
}
