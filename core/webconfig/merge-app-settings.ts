/**
 * appSettings: every reference key's value is carried into the target. Keys match ignoring case (as .NET looks them
 * up); the target's spelling of a key is kept. Missing keys are added after the target's last entry, written like
 * that entry (its quotes, spacing, self-closing style); keys only the target has are reported, never removed.
 * If the target has no appSettings section at all, one is created after <configSections> (or first in <configuration>).
 */
import { isSecretName } from '../util/secrets';
import type { AppSettingEntry, AppSettingsSection } from './config-model';
import { makeChange } from './changes';
import type { Layout, NewMarkup, TextEditor } from './editor';
import type { MergeContext } from './merge-context';
import { attributeOf } from './xml-tree';

const SECTION = 'appSettings';

export function mergeAppSettings(ctx: MergeContext): void {
  const { editor, changes } = ctx;
  const section = ctx.target.appSettings;
  const targetEntries = section?.entries ?? [];
  const byKey = new Map(targetEntries.map((e) => [e.key.toLowerCase(), e]));
  const matched = new Set<AppSettingEntry>();
  const additions: AppSettingEntry[] = [];

  for (const ref of ctx.reference.appSettings?.entries ?? []) {
    const secret = isSecretName(ref.key);
    const target = byKey.get(ref.key.toLowerCase());
    if (!target) {
      additions.push(ref);
      changes.push(makeChange(SECTION, ref.key, 'Added', null, ref.value, secret));
      continue;
    }
    matched.add(target);
    if (target.value === ref.value) {
      changes.push(makeChange(SECTION, target.key, 'Unchanged', target.value, target.value, secret));
    } else {
      editor.setAttribute(target.element, 'value', ref.value);
      changes.push(makeChange(SECTION, target.key, 'Updated', target.value, ref.value, secret));
    }
  }
  for (const target of targetEntries) {
    if (!matched.has(target)) changes.push(makeChange(SECTION, target.key, 'OnlyInNew', target.value, target.value, isSecretName(target.key)));
  }
  if (additions.length === 0) return;

  if (section) {
    editor.appendChildren(section.element, additions.map((a) => addElement(editor, section, a.key, a.value)));
  } else {
    const newSection = (layout: Layout) =>
      `<${SECTION}>` +
      additions.map((a) => layout.eol + layout.indent + layout.unit + canonicalAdd(editor, a.key, a.value)).join('') +
      `${layout.eol}${layout.indent}</${SECTION}>`;
    const root = ctx.target.doc.root;
    const configSections = root.children.find((c) => c.name === 'configSections');
    if (configSections) editor.insertAfter(configSections, [newSection]);
    else editor.insertFirst(root, [newSection]);
  }
}

/** A copy of the section's last <add key value> with the key and value replaced; the plain form if there is none. */
function addElement(editor: TextEditor, section: AppSettingsSection, key: string, value: string): NewMarkup {
  const template = [...section.entries].reverse().find((e) => attributeOf(e.element, 'value'));
  if (!template) return canonicalAdd(editor, key, value);
  const el = template.element;
  const keyAttr = attributeOf(el, 'key')!;
  const valueAttr = attributeOf(el, 'value')!;
  const text = editor.doc.text;
  const [first, second] = keyAttr.valueStart < valueAttr.valueStart
    ? [{ a: keyAttr, v: key }, { a: valueAttr, v: value }]
    : [{ a: valueAttr, v: value }, { a: keyAttr, v: key }];
  return (
    text.slice(el.start, first.a.valueStart) +
    editor.escapeAttribute(first.v, first.a.quote) +
    text.slice(first.a.valueEnd, second.a.valueStart) +
    editor.escapeAttribute(second.v, second.a.quote) +
    text.slice(second.a.valueEnd, el.end)
  );
}

function canonicalAdd(editor: TextEditor, key: string, value: string): string {
  return `<add key="${editor.escapeAttribute(key)}" value="${editor.escapeAttribute(value)}" />`;
}
