/**
 * Every web.config the core reads teaches the process-wide redactor its secret values (the SDK service account
 * password above all), at the moment it is parsed: from then on the value is removed from every log line, event and
 * error, wherever it shows up again (inside a customErrors redirect URL, a connection string, a review warning).
 * It once was learned only when report.html was built, after the log and stdout had carried it in clear.
 * Secret by the shared rule (util/secrets.ts), applied to attributes as changes.ts applies it (`isSecretAttribute`): an
 * <add key value>, a <setting name><value>, or any attribute whose own name or content says secret (connectionString=,
 * password=). The attributes that name an entry (key, name) hold names, which are never learned as secrets.
 */
import { isSecret, redactor } from '../util/secrets';
import { attributeOf, type XmlDocument, type XmlElement } from './xml-tree';
import { elementText } from './element-text';
import { isSecretAttribute } from './changes';

export function learnSecretValues(doc: XmlDocument): void {
  const learn = (value: string | undefined, raw?: string) => {
    redactor.register(value);
    if (raw !== undefined && raw !== value) redactor.register(raw);
  };
  const walk = (el: XmlElement) => {
    for (const a of el.attributes) if (isSecretAttribute(el, a.name)) learn(a.value, a.raw);
    const key = attributeOf(el, 'key') ?? attributeOf(el, 'name');
    if (el.name === 'setting' && key) {
      const v = el.children.find((c) => c.name === 'value');
      if (v && v.children.length === 0) {
        const text = elementText(doc.text, v);
        if (isSecret(key.value, text)) learn(text);
      }
    }
    for (const c of el.children) walk(c);
  };
  walk(doc.root);
}
