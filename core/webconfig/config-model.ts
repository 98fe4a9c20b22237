/**
 * The two sections the merge copies, located in a parsed web.config:
 *   configuration/appSettings/add[@key]/@value
 *   configuration/applicationSettings/<group>/setting[@name]/value
 * Only the top-level sections count; <location> blocks are left to the generic element comparison.
 * Refuses what cannot be merged safely: encrypted sections and duplicate keys (compared ignoring case, as .NET
 * looks appSettings keys up).
 */
import type { MergeInput } from './types';
import { decodeWebConfig } from './encoding';
import { duplicateKey, duplicateSection, encryptedSection, notAWebConfig } from './errors';
import { elementText } from './element-text';
import { lineColumnAt } from './position';
import { attributeOf, parseXml, type XmlDocument, type XmlElement } from './xml-tree';

export interface AppSettingEntry {
  key: string;
  value: string;
  element: XmlElement;
}

export interface AppSettingsSection {
  element: XmlElement;
  entries: AppSettingEntry[];
}

export interface SettingEntry {
  name: string;
  /** null when <value> holds markup (serializeAs="Xml"): such a value is never edited, only reported. */
  value: string | null;
  element: XmlElement;
  valueElement?: XmlElement;
}

export interface SettingsGroup {
  name: string;
  element: XmlElement;
  settings: SettingEntry[];
}

export interface WebConfig {
  doc: XmlDocument;
  appSettings?: AppSettingsSection;
  applicationSettings?: { element: XmlElement; groups: SettingsGroup[] };
}

/** Decode, parse, check the root; with `sections` also locate and check the two merged sections. */
export function loadWebConfig(input: MergeInput, sections = true): WebConfig {
  const doc = parseXml(decodeWebConfig(input));
  if (doc.root.name !== 'configuration') throw notAWebConfig(input.path, doc.root.name);
  if (!sections) return { doc };
  const appSettingsElement = singleChild(doc, doc.root, 'appSettings');
  const applicationSettingsElement = singleChild(doc, doc.root, 'applicationSettings');
  return {
    doc,
    appSettings: appSettingsElement && readAppSettings(doc, appSettingsElement),
    applicationSettings: applicationSettingsElement && {
      element: applicationSettingsElement,
      groups: readGroups(doc, applicationSettingsElement),
    },
  };
}

function singleChild(doc: XmlDocument, parent: XmlElement, name: string): XmlElement | undefined {
  const found = parent.children.filter((c) => c.name === name);
  if (found.length > 1) throw duplicateSection(doc.file.path, doc.text, found[1].start, name);
  return found[0];
}

function refuseEncrypted(doc: XmlDocument, el: XmlElement, section: string): void {
  const provider = attributeOf(el, 'configProtectionProvider');
  if (provider || el.children.some((c) => c.name === 'EncryptedData')) {
    throw encryptedSection(doc.file.path, section, provider?.value);
  }
}

const lineOf = (doc: XmlDocument, el: XmlElement) => lineColumnAt(doc.text, el.start).line;

function readAppSettings(doc: XmlDocument, section: XmlElement): AppSettingsSection {
  refuseEncrypted(doc, section, 'appSettings');
  const entries: AppSettingEntry[] = [];
  const seen = new Map<string, XmlElement>();
  for (const el of section.children) {
    const key = el.name === 'add' ? attributeOf(el, 'key') : undefined;
    if (!key) continue; // <clear/>, <remove/>, comments: not settings
    const earlier = seen.get(key.value.toLowerCase());
    if (earlier) throw duplicateKey(doc.file.path, 'appSettings', 'key', key.value, [lineOf(doc, earlier), lineOf(doc, el)]);
    seen.set(key.value.toLowerCase(), el);
    entries.push({ key: key.value, value: attributeOf(el, 'value')?.value ?? '', element: el });
  }
  return { element: section, entries };
}

function readGroups(doc: XmlDocument, applicationSettings: XmlElement): SettingsGroup[] {
  refuseEncrypted(doc, applicationSettings, 'applicationSettings');
  const groups: SettingsGroup[] = [];
  const seen = new Set<string>();
  for (const el of applicationSettings.children) {
    const section = `applicationSettings/${el.name}`;
    if (seen.has(el.name.toLowerCase())) throw duplicateSection(doc.file.path, doc.text, el.start, section);
    seen.add(el.name.toLowerCase());
    refuseEncrypted(doc, el, section);
    groups.push({ name: el.name, element: el, settings: readSettings(doc, el, section) });
  }
  return groups;
}

function readSettings(doc: XmlDocument, group: XmlElement, section: string): SettingEntry[] {
  const settings: SettingEntry[] = [];
  const seen = new Map<string, XmlElement>();
  for (const el of group.children) {
    const name = el.name === 'setting' ? attributeOf(el, 'name') : undefined;
    if (!name) continue;
    const earlier = seen.get(name.value.toLowerCase());
    if (earlier) throw duplicateKey(doc.file.path, section, 'setting', name.value, [lineOf(doc, earlier), lineOf(doc, el)]);
    seen.set(name.value.toLowerCase(), el);
    const valueElement = el.children.find((c) => c.name === 'value');
    const value = !valueElement ? '' : valueElement.children.length > 0 ? null : elementText(doc.text, valueElement);
    settings.push({ name: name.value, value, element: el, valueElement });
  }
  return settings;
}
