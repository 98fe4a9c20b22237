/**
 * The files a web.config names, found by its structure (not by searching its text): `configSource=` on any section
 * (appSettings, connectionStrings, a settings group of applicationSettings, system.web/pages, a system.webServer
 * section …) and `file=` on appSettings. Every place counts, <location> blocks included; <configSections> holds only
 * declarations and is skipped. The values are returned as written: whether a value may be followed (it is input) is
 * the caller's judgement, not this parser's.
 *
 * What .NET does with them (System.Configuration, judged with test/dotnet-config-judge): a configSource= must be a
 * relative path that stays in the configuration file's folder (an absolute path, "..", or surrounding spaces are
 * refused: "The configSource attribute must be a relative physical path"), and a missing one stops the application
 * ("Unable to open configSource file"). appSettings file= may be relative, absolute or lead out of the folder, and
 * a missing one is ignored without a word.
 */
import { decodeWebConfig } from './encoding';
import { lineColumnAt } from './position';
import type { MergeInput } from './types';
import { attributeOf, parseXml, type XmlElement } from './xml-tree';

export interface WebConfigReference {
  /**
   * The element that carries the attribute, by its names from below <configuration>: `appSettings`,
   * `applicationSettings/Contoso.Properties.Settings`, `system.web/pages`, `location[admin]/connectionStrings`.
   */
  section: string;
  attribute: 'file' | 'configSource';
  /** The attribute's value as .NET reads it (entities decoded, nothing trimmed). */
  value: string;
  /** Where the attribute stands in the web.config (1-based). */
  line: number;
  column: number;
}

/** Every file reference of a web.config, in document order. A web.config that cannot be parsed throws its named error. */
export function referencedFiles(input: MergeInput): WebConfigReference[] {
  const doc = parseXml(decodeWebConfig(input));
  const found: WebConfigReference[] = [];
  const visit = (el: XmlElement, names: string[]) => {
    for (const child of el.children) {
      if (child.name === 'configSections') continue;
      const here = [...names, elementLabel(child)];
      for (const attribute of ['configSource', 'file'] as const) {
        if (attribute === 'file' && child.name !== 'appSettings') continue;
        const a = attributeOf(child, attribute);
        if (!a || a.value.trim() === '') continue;
        const { line, column } = lineColumnAt(doc.text, a.start);
        found.push({ section: here.join('/'), attribute, value: a.value, line, column });
      }
      visit(child, here);
    }
  };
  visit(doc.root, []);
  return found;
}

/** `location[admin]` for a <location path="admin">, the plain name otherwise. */
function elementLabel(el: XmlElement): string {
  if (el.name !== 'location') return el.name;
  return `location[${attributeOf(el, 'path')?.value ?? ''}]`;
}
