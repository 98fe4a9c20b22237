/**
 * Collects edits to the target's text and applies them in one pass. Edits only ever replace the characters of a
 * value (between an attribute's quotes, or an element's content) or insert new text; everything else is copied
 * through untouched, which is what keeps the output byte-identical outside the edits.
 */
import { internalError } from './errors';
import { documentEol, eolAfter, indentUnit, lineBreakAfter, lineIndent } from './layout';
import { attributeMarkup, textMarkup, type CarriedValue } from './xml-text';
import { attributeOf, type XmlDocument, type XmlElement } from './xml-tree';

interface Edit {
  start: number;
  end: number;
  text: string;
  seq: number;
}

/** Layout handed to a builder of new markup; `eol` and `unit` are '' when it goes inline. */
export interface Layout {
  indent: string;
  eol: string;
  unit: string;
}

export type NewMarkup = string | ((layout: Layout) => string);

export class TextEditor {
  private readonly edits: Edit[] = [];
  readonly eol: string;
  readonly unit: string;

  constructor(readonly doc: XmlDocument) {
    this.eol = documentEol(doc.text);
    this.unit = indentUnit(doc.text, doc.root);
  }

  get hasEdits(): boolean {
    return this.edits.length > 0;
  }

  replace(start: number, end: number, text: string): void {
    this.edits.push({ start, end, text, seq: this.edits.length });
  }

  insert(at: number, text: string): void {
    this.replace(at, at, text);
  }

  /** Markup for an attribute value (a value read from a file goes as written there when it fits; xml-text.ts). */
  escapeAttribute(value: CarriedValue, quote: '"' | "'" = '"'): string {
    return attributeMarkup(value, quote, this.doc.file.asciiOnly);
  }

  /** Markup for element text, the same way. */
  escapeText(value: CarriedValue): string {
    return textMarkup(value, this.doc.file.asciiOnly);
  }

  /** Set an attribute's value keeping its quote character, or add the attribute after the last one. */
  setAttribute(el: XmlElement, name: string, value: CarriedValue): void {
    const existing = attributeOf(el, name);
    if (existing) {
      this.replace(existing.valueStart, existing.valueEnd, this.escapeAttribute(value, existing.quote));
    } else {
      const quote = el.attributes[0]?.quote ?? '"';
      this.insert(el.attributesEnd, ` ${name}=${quote}${this.escapeAttribute(value, quote)}${quote}`);
    }
  }

  /** Replace an element's content with raw markup; a self-closing element gets an end tag. */
  setContent(el: XmlElement, inner: string): void {
    if (el.selfClosing) this.replace(el.attributesEnd, el.end, `>${inner}</${el.name}>`);
    else this.replace(el.startTagEnd, el.closeStart, inner);
  }

  setText(el: XmlElement, value: CarriedValue): void {
    this.setContent(el, this.escapeText(value));
  }

  /** Add new children after the parent's last child element, each on its own line like that child. */
  appendChildren(parent: XmlElement, children: NewMarkup[]): void {
    const last = parent.children[parent.children.length - 1];
    if (last) this.insertAfter(last, children);
    else this.insertFirst(parent, children);
  }

  /** New siblings right after `anchor`, with its indentation and line ending. */
  insertAfter(anchor: XmlElement, children: NewMarkup[]): void {
    const text = this.doc.text;
    const indent = lineIndent(text, anchor.start);
    if (indent === undefined) {
      this.insert(anchor.end, this.render(children, inline));
      return;
    }
    const lineStart = anchor.start - indent.length;
    const lineBreak = lineBreakAfter(text, anchor.end);
    const eol = lineBreak?.eol ?? (text[lineStart - 2] === '\r' ? '\r\n' : lineStart > 0 ? '\n' : this.eol);
    const layout = { indent, eol, unit: this.unit };
    this.insert(lineBreak?.at ?? anchor.end, this.render(children, layout, true));
  }

  /** New children at the start of `parent`'s content, one step deeper than the parent. */
  insertFirst(parent: XmlElement, children: NewMarkup[]): void {
    const text = this.doc.text;
    const own = lineIndent(text, parent.start);
    if (own === undefined) {
      const markup = this.render(children, inline);
      if (parent.selfClosing) this.setContent(parent, markup);
      else this.insert(parent.startTagEnd, markup);
      return;
    }
    const afterStartTag = parent.selfClosing ? undefined : lineBreakAfter(text, parent.startTagEnd);
    const eol = afterStartTag?.eol ?? eolAfter(text, parent.end) ?? this.eol;
    const layout = { indent: own + this.unit, eol, unit: this.unit };
    const block = this.render(children, layout, true);
    if (parent.selfClosing) {
      this.setContent(parent, block + eol + own);
    } else if (afterStartTag) {
      this.insert(afterStartTag.at, block);
    } else {
      const hasLineBreak = /[\r\n]/.test(text.slice(parent.startTagEnd, parent.closeStart));
      this.insert(parent.startTagEnd, hasLineBreak ? block : block + eol + own);
    }
  }

  private render(children: NewMarkup[], layout: Layout, eachOnNewLine = false): string {
    const prefix = eachOnNewLine ? layout.eol + layout.indent : '';
    return children.map((c) => prefix + (typeof c === 'string' ? c : c(layout))).join('');
  }

  /** The edited text. Edits must not overlap; insertions at one offset keep the order they were made in. */
  apply(): string {
    const sorted = [...this.edits].sort((a, b) => a.start - b.start || (a.end - a.start) - (b.end - b.start) || a.seq - b.seq);
    const text = this.doc.text;
    const parts: string[] = [];
    let at = 0;
    for (const e of sorted) {
      if (e.start < at) throw internalError(this.doc.file.path, 'two edits overlap');
      parts.push(text.slice(at, e.start), e.text);
      at = e.end;
    }
    parts.push(text.slice(at));
    return parts.join('');
  }
}

const inline: Layout = { indent: '', eol: '', unit: '' };
