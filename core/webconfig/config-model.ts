/**
 * The two sections the merge copies, located in a parsed web.config as .NET's configuration system reads them:
 *   appSettings/add[@key]/@value
 *   applicationSettings/<group>/setting[@name]/value
 * "The section" is the one at the top level or inside a <location> that applies to the application itself
 * (no path, path="" or path="."; inheritInChildApplications does not change what the application reads). .NET
 * refuses a file where a section appears twice among those places, and so does this model.
 *
 * appSettings is read in document order as .NET reads it: <add> sets a key (a later one wins), <remove> deletes it,
 * <clear/> deletes all; keys compare ignoring case. An external file named by file= overrides the inline entries; one
 * named by configSource= holds the whole section. External files are read through a reader the caller supplies, and
 * only when they sit beside the web.config (a relative path without '..'); values read from them are never edited.
 * applicationSettings groups may also live in a configSource= file; .NET refuses a group with a setting twice.
 */
import { encryption } from './named-values';
import type { ExternalReader, MergeInput } from './types';
import { decodeWebConfig } from './encoding';
import { duplicateKey, duplicateSection, encryptedSection, externalRootMismatch, nestedLocation, notAWebConfig } from './errors';
import { elementText } from './element-text';
import { learnSecretValues } from './learn-secrets';
import { lineColumnAt } from './position';
import { attributeOf, parseXml, type XmlDocument, type XmlElement } from './xml-tree';
import type { CarriedValue } from './xml-text';

export interface AppSettingEntry {
  key: string;
  value: string;
  /** The value as written (its attribute), so it is carried byte for byte. */
  written: CarriedValue;
  element: XmlElement;
}

/** A file named by file= or configSource=, resolved beside the web.config that names it. */
export interface ExternalFile {
  attribute: 'file' | 'configSource';
  /** As written in the attribute. */
  relative: string;
  /** Resolved path (for messages). */
  path: string;
  /** Whether it could be read: false when missing, not beside the web.config, or no reader was given. */
  found: boolean;
  /** Whether it was looked for: a relative path beside the web.config, with a reader to read it. */
  lookedFor: boolean;
}

export interface AppSettingsSection {
  element: XmlElement;
  /** The inline entries that take effect: the last <add> of each key that no later <remove>/<clear/> undid. */
  entries: AppSettingEntry[];
  external?: ExternalFile & { entries: Omit<AppSettingEntry, 'element'>[] };
}

export interface SettingEntry {
  name: string;
  /** null when <value> holds markup (serializeAs="Xml"): such a value is never edited, only reported. */
  value: string | null;
  /** The value as written (the content of <value>), so it is carried byte for byte. */
  written: CarriedValue;
  element: XmlElement;
  valueElement?: XmlElement;
}

export interface SettingsGroup {
  name: string;
  element: XmlElement;
  settings: SettingEntry[];
  /** Set when the group's settings live in a configSource= file: they are read from there and never edited. */
  external?: ExternalFile;
}

export interface WebConfig {
  doc: XmlDocument;
  appSettings?: AppSettingsSection;
  applicationSettings?: { groups: SettingsGroup[]; elements: XmlElement[] };
}

/** Decode, parse, check the root; with `sections` also locate and check the two merged sections. */
export function loadWebConfig(input: MergeInput, sections = true, external?: ExternalReader): WebConfig {
  const doc = parseXml(decodeWebConfig(input));
  if (doc.root.name !== 'configuration') throw notAWebConfig(input.path, doc.root.name);
  learnSecretValues(doc);
  refuseNestedLocation(doc);
  if (!sections) return { doc };
  const appSettingsElement = singleSection(doc, 'appSettings');
  const applicationSettingsElements = sectionPlaces(doc).flatMap((place) => place.children.filter((c) => c.name === 'applicationSettings'));
  return {
    doc,
    appSettings: appSettingsElement && readAppSettings(doc, appSettingsElement, external),
    applicationSettings:
      applicationSettingsElements.length === 0
        ? undefined
        : { elements: applicationSettingsElements, groups: readGroups(doc, applicationSettingsElements, external) },
  };
}

/** <location> without a path, with path="" or path=".": its sections are the application's own. */
export function isOwnLocation(el: XmlElement): boolean {
  if (el.name !== 'location' || el.parent?.parent !== null) return false;
  const p = attributeOf(el, 'path')?.value.trim();
  return p === undefined || p === '' || p === '.';
}

/** The root and its own <location> blocks: every place a section of the application itself can stand. */
export function sectionPlaces(doc: XmlDocument): XmlElement[] {
  return [doc.root, ...doc.root.children.filter(isOwnLocation)];
}

function singleSection(doc: XmlDocument, name: string): XmlElement | undefined {
  const found = sectionPlaces(doc)
    .flatMap((place) => place.children.filter((c) => c.name === name))
    .sort((a, b) => a.start - b.start);
  if (found.length > 1) throw duplicateSection(doc.file.path, doc.text, found[1].start, name);
  return found[0];
}

/** .NET refuses a <location> anywhere but directly in <configuration>; so does the merge, in every file it reads. */
function refuseNestedLocation(doc: XmlDocument): void {
  const walk = (el: XmlElement, inLocation: boolean) => {
    if (el.name === 'location' && inLocation) throw nestedLocation(doc.file.path, doc.text, el.start);
    for (const c of el.children) walk(c, inLocation || el.name === 'location');
  };
  walk(doc.root, false);
}

function refuseEncrypted(doc: XmlDocument, el: XmlElement, section: string): void {
  const found = encryption(el);
  if (found) throw encryptedSection(doc.file.path, section, found.provider ?? undefined);
}

const lineOf = (doc: XmlDocument, el: XmlElement) => lineColumnAt(doc.text, el.start).line;

/** A relative path that stays in the web.config's folder (or below it). */
function isBeside(relative: string): boolean {
  if (/^([a-z]:|[\\/])/i.test(relative)) return false;
  return !relative.split(/[\\/]/).some((part) => part === '..');
}

function openExternal(
  doc: XmlDocument,
  el: XmlElement,
  attribute: 'file' | 'configSource',
  expectedRoot: string,
  reader: ExternalReader | undefined,
): { file: ExternalFile; doc?: XmlDocument } | undefined {
  const relative = attributeOf(el, attribute)?.value.trim();
  if (!relative) return undefined;
  const fallback = joinBeside(doc.file.path, relative);
  if (!reader || !isBeside(relative)) return { file: { attribute, relative, path: fallback, found: false, lookedFor: false } };
  const read = reader(relative);
  if (read.bytes === null) return { file: { attribute, relative, path: read.path, found: false, lookedFor: true } };
  const externalDoc = parseXml(decodeWebConfig({ path: read.path, bytes: read.bytes }));
  learnSecretValues(externalDoc);
  if (externalDoc.root.name !== expectedRoot) throw externalRootMismatch(read.path, doc.file.path, attribute, expectedRoot, externalDoc.root.name);
  return { file: { attribute, relative, path: read.path, found: true, lookedFor: true }, doc: externalDoc };
}

function joinBeside(file: string, relative: string): string {
  const cut = Math.max(file.lastIndexOf('\\'), file.lastIndexOf('/'));
  const sep = file.includes('\\') ? '\\' : '/';
  return cut >= 0 ? file.slice(0, cut + 1) + relative.replace(/[\\/]/g, sep) : relative;
}

function readAppSettings(doc: XmlDocument, section: XmlElement, reader: ExternalReader | undefined): AppSettingsSection {
  refuseEncrypted(doc, section, 'appSettings');
  const entries = effectiveEntries(section);
  const opened = openExternal(doc, section, 'configSource', 'appSettings', reader) ?? openExternal(doc, section, 'file', 'appSettings', reader);
  if (!opened) return { element: section, entries };
  let external: Omit<AppSettingEntry, 'element'>[] = [];
  if (opened.doc) {
    refuseEncrypted(opened.doc, opened.doc.root, 'appSettings');
    external = effectiveEntries(opened.doc.root).map(({ key, value, written }) => ({ key, value, written }));
  }
  return { element: section, entries, external: { ...opened.file, entries: external } };
}

/** The entries .NET keeps, in document order of the <add> that set each: later adds win, <remove>/<clear/> delete. */
function effectiveEntries(section: XmlElement): AppSettingEntry[] {
  const live = new Map<string, AppSettingEntry>();
  for (const el of section.children) {
    const key = attributeOf(el, 'key')?.value;
    if (el.name === 'clear') live.clear();
    if (key === undefined) continue;
    if (el.name === 'remove') live.delete(key.toLowerCase());
    if (el.name !== 'add') continue;
    live.delete(key.toLowerCase());
    const value = attributeOf(el, 'value');
    live.set(key.toLowerCase(), { key, value: value?.value ?? '', written: value ?? '', element: el });
  }
  return [...live.values()].sort((a, b) => a.element.start - b.element.start);
}

function readGroups(doc: XmlDocument, elements: XmlElement[], reader: ExternalReader | undefined): SettingsGroup[] {
  const groups: SettingsGroup[] = [];
  const seen = new Set<string>();
  for (const applicationSettings of elements) {
    refuseEncrypted(doc, applicationSettings, 'applicationSettings');
    for (const el of applicationSettings.children) {
      const section = `applicationSettings/${el.name}`;
      if (seen.has(el.name.toLowerCase())) throw duplicateSection(doc.file.path, doc.text, el.start, section);
      seen.add(el.name.toLowerCase());
      refuseEncrypted(doc, el, section);
      const opened = openExternal(doc, el, 'configSource', el.name, reader);
      if (!opened) {
        groups.push({ name: el.name, element: el, settings: readSettings(doc, el, section) });
        continue;
      }
      if (opened.doc) refuseEncrypted(opened.doc, opened.doc.root, section);
      const settings = opened.doc ? readSettings(opened.doc, opened.doc.root, section) : [];
      groups.push({ name: el.name, element: el, settings, external: opened.file });
    }
  }
  return groups;
}

function readSettings(doc: XmlDocument, group: XmlElement, section: string): SettingEntry[] {
  const settings: SettingEntry[] = [];
  const seen = new Map<string, XmlElement>();
  for (const el of group.children) {
    const name = el.name === 'setting' ? attributeOf(el, 'name') : undefined;
    if (!name) continue;
    // .NET refuses a settings group that names a setting twice ("Unrecognized element 'setting'"), so do we.
    const earlier = seen.get(name.value.toLowerCase());
    if (earlier) throw duplicateKey(doc.file.path, section, 'setting', name.value, [lineOf(doc, earlier), lineOf(doc, el)]);
    seen.set(name.value.toLowerCase(), el);
    const valueElement = el.children.find((c) => c.name === 'value');
    const value = !valueElement ? '' : valueElement.children.length > 0 ? null : elementText(doc.text, valueElement);
    const written = value === null || !valueElement || valueElement.selfClosing
      ? (value ?? '')
      : { value, raw: doc.text.slice(valueElement.startTagEnd, valueElement.closeStart) };
    settings.push({ name: name.value, value, written, element: el, valueElement });
  }
  return settings;
}

/**
 * The files a web.config's merged sections name with file=/configSource= that sit beside it (relative paths as
 * written), so a caller reading through an asynchronous host can fetch them before merging. Unparseable input
 * gives [] (the merge itself reports it).
 */
export function namedExternalFiles(input: MergeInput): string[] {
  let doc: XmlDocument;
  try {
    doc = parseXml(decodeWebConfig(input));
  } catch {
    return [];
  }
  const sections = sectionPlaces(doc).flatMap((place) => place.children);
  const named = [
    ...sections.filter((s) => s.name === 'appSettings').flatMap((s) => [attributeOf(s, 'configSource'), attributeOf(s, 'file')]),
    ...sections.filter((s) => s.name === 'applicationSettings').flatMap((s) => s.children.map((g) => attributeOf(g, 'configSource'))),
  ];
  return [...new Set(named.flatMap((a) => (a && a.value.trim() && isBeside(a.value.trim()) ? [a.value.trim()] : [])))];
}
