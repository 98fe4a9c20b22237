/**
 * Every name → value a configuration file holds, with where its markup lies: `<add key value>` (named by its key),
 * `<setting name><value>` (named by the setting), any other attribute (`element@attribute`) and the text of a leaf
 * element (named by the element). One walk for both readers of SDK URLs (webtier/sdk-references.ts: who calls the
 * SDK) and the rewrite of a consumer's URL (sdk-url-rewrite.ts), so what is found is what is changed.
 */
import { elementText } from './element-text';
import { attributeOf, type XmlDocument, type XmlElement } from './xml-tree';

export interface NamedValue {
  name: string;
  /** Decoded, as .NET or a text reader sees it. */
  value: string;
  /** The markup of the value in the document's text: [rawStart, rawEnd). */
  rawStart: number;
  rawEnd: number;
  /** An attribute's quote character; undefined for element text. */
  quote?: '"' | "'";
}

export function namedValues(doc: XmlDocument): NamedValue[] {
  const out: NamedValue[] = [];
  const walk = (el: XmlElement) => {
    const key = attributeOf(el, 'key') ?? attributeOf(el, 'name');
    const value = attributeOf(el, 'value');
    for (const a of el.attributes) {
      if (a === key) continue;
      const name = a === value && key ? key.value : `${el.name}@${a.name}`;
      out.push({ name, value: a.value, rawStart: a.valueStart, rawEnd: a.valueEnd, quote: a.quote });
    }
    if (el.children.length === 0 && !el.selfClosing) {
      const setting = el.name === 'value' && el.parent?.name === 'setting' ? el.parent : null;
      const name = setting ? attributeOf(setting, 'name')?.value ?? el.name : el.name;
      out.push({ name, value: elementText(doc.text, el), rawStart: el.startTagEnd, rawEnd: el.closeStart });
    }
    for (const c of el.children) walk(c);
  };
  walk(doc.root);
  return out;
}

/** A section encrypted with protected configuration (configProtectionProvider=, or an <EncryptedData> child): its provider. */
export function encryption(el: XmlElement): { provider: string | null } | undefined {
  const provider = attributeOf(el, 'configProtectionProvider');
  return provider || el.children.some((c) => c.name === 'EncryptedData') ? { provider: provider?.value ?? null } : undefined;
}

/** The elements of a file that are encrypted (protected configuration). */
export function encryptedElements(doc: XmlDocument): { name: string; provider: string | null }[] {
  const out: { name: string; provider: string | null }[] = [];
  const walk = (el: XmlElement) => {
    const found = encryption(el);
    if (found) {
      out.push({ name: el.name, provider: found.provider });
      return;
    }
    for (const c of el.children) walk(c);
  };
  walk(doc.root);
  return out;
}
