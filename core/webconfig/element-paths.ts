/**
 * Names every element outside the two merged sections by its path, so the same element can be found in the
 * reference, the target and the base: `system.web/customErrors`, and for list entries the attribute that identifies
 * them: `system.webServer/httpProtocol/customHeaders/add[@name='X-Frame-Options']`. Siblings that still share a name
 * get a position: `bindingRedirect[2]`. Identifying values compare ignoring case (IIS paths, header names, keys).
 * <configSections> is left out: it declares section types for the framework version the application was built
 * for, which is never an admin's setting to carry over.
 */
import { isOwnLocation, type WebConfig } from './config-model';
import { attributeOf, type XmlElement } from './xml-tree';

export interface PathedElement {
  /** Lookup key (identifying values lower-cased). */
  key: string;
  /** As shown to the admin; no 'configuration/' prefix. */
  path: string;
  el: XmlElement;
  parentKey: string | null;
  /** The attribute that identifies the element among its siblings (not compared as a setting). */
  identity?: string;
  /** Inside a nested appSettings/applicationSettings (in <location>): compared and reported, never edited. */
  reviewOnly: boolean;
  /**
   * The application's own appSettings/applicationSettings (top level or in a <location> for the application itself),
   * and such a <location> holding nothing else: their entries have their own rules, and their presence too.
   */
  mergedSection: boolean;
}

const IDENTIFYING_ATTRIBUTES = [
  'key',
  'name',
  'path',
  'statusCode',
  'fileExtension',
  'extension',
  'verb',
  'prefix',
  'assembly',
  'namespace',
  'tagPrefix',
  'users',
  'roles',
];
const MERGED_SECTIONS = new Set(['appSettings', 'applicationSettings']);

export function indexElements(config: WebConfig): Map<string, PathedElement> {
  const index = new Map<string, PathedElement>();
  const root = config.doc.root;
  const visit = (el: XmlElement, entry: PathedElement) => {
    index.set(entry.key, entry);
    // The application's merged sections are handled by their own rules: only their own attributes are compared here.
    if (isOwnSection(el)) return;
    const seen = new Map<string, number>();
    for (const child of el.children) {
      if (el === root && child.name === 'configSections') continue;
      const identity = IDENTIFYING_ATTRIBUTES.find((a) => attributeOf(child, a) !== undefined);
      const idValue = identity === undefined ? undefined : attributeOf(child, identity)!.value;
      const shown = idValue === undefined ? child.name : `${child.name}[@${identity}='${idValue}']`;
      const keyPart = idValue === undefined ? child.name : `${child.name}[@${identity}='${idValue.toLowerCase()}']`;
      const n = (seen.get(keyPart) ?? 0) + 1;
      seen.set(keyPart, n);
      const suffix = n > 1 ? `[${n}]` : '';
      visit(child, {
        key: `${entry.key}/${keyPart}${suffix}`,
        path: el === root ? `${shown}${suffix}` : `${entry.path}/${shown}${suffix}`,
        el: child,
        parentKey: entry.key,
        identity,
        reviewOnly: entry.reviewOnly || (!isOwnSection(child) && MERGED_SECTIONS.has(child.name)),
        mergedSection: isOwnSection(child) || (isOwnLocation(child) && child.children.every(isOwnSection)),
      });
    }
  };
  function isOwnSection(el: XmlElement): boolean {
    return MERGED_SECTIONS.has(el.name) && (el.parent === root || (el.parent !== null && isOwnLocation(el.parent)));
  }
  visit(root, { key: root.name, path: root.name, el: root, parentKey: null, reviewOnly: false, mergedSection: false });
  return index;
}
