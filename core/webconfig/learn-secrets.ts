/**
 * Every web.config the core reads teaches the process-wide redactor its secret values (the SDK service account
 * password above all), at the moment it is parsed: from then on the value is removed from every log line, event and
 * error, wherever it shows up again (inside a customErrors redirect URL, a connection string, a review warning).
 * It once was learned only when report.html was built, after the log and stdout had carried it in clear.
 * Secret by the shared rule (util/secrets.ts): an <add key value>, a <setting name><value>, or any attribute whose
 * own name says secret (connectionString=, password=).
 */
import { isSecret, redactor } from '../util/secrets';
import { attributeOf, type XmlDocument, type XmlElement } from './xml-tree';
import { elementText } from './element-text';

export function learnSecretValues(doc: XmlDocument): void {
  const learn = (value: string | undefined, raw?: string) => {
    redactor.register(value);
    if (raw !== undefined && raw !== value) redactor.register(raw);
  };
  const walk = (el: XmlElement) => {
    const key = attributeOf(el, 'key') ?? attributeOf(el, 'name');
    const value = attributeOf(el, 'value');
    if (key && value && isSecret(key.value, value.value)) learn(value.value, value.raw);
    for (const a of el.attributes) if (a !== value && isSecret(a.name, a.value)) learn(a.value, a.raw);
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
