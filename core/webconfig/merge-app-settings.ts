/**
 * appSettings: every key the OLD application read (its effective view: inline entries after <clear/>/<remove>/later
 * duplicates, overridden by a file= file, or all from a configSource= file — read when they sit beside the old
 * web.config) is carried to where the NEW application will read it:
 *  - inline entry that takes effect: its value is edited in place (the earlier, overridden duplicates are left alone);
 *  - no such entry (never there, or removed by a <remove>/<clear/>): a new <add> after the section's last child, so it
 *    comes after any <remove> and takes effect, written like the section's last entry;
 *  - the new section takes the key from an external file (configSource=, or file= that sets the key): nothing is
 *    written for that key; it is reported Review naming the file and key (or Unchanged when the file already agrees).
 * Keys match ignoring case (as .NET looks them up); the target's spelling is kept; keys only the target has are
 * reported, never removed. Without an appSettings section one is created after <configSections> (or first).
 */
import type { AppSettingEntry, AppSettingsSection, ExternalFile } from './config-model';
import type { MergeChange } from './types';
import { makeChange } from './changes';
import type { Layout, NewMarkup, TextEditor } from './editor';
import type { MergeContext } from './merge-context';
import { attributeOf } from './xml-tree';
import type { CarriedValue } from './xml-text';

const SECTION = 'appSettings';

interface Carried {
  key: string;
  value: string;
  /** As written in the old file: carried byte for byte where it fits. */
  written: CarriedValue;
  /** The old external file the value came from. */
  from?: string;
}

export function mergeAppSettings(ctx: MergeContext): void {
  const { editor, changes } = ctx;
  const section = ctx.target.appSettings;
  const external = section?.external;
  const externalValues = new Map((external?.entries ?? []).map((e) => [e.key.toLowerCase(), e]));
  const fromConfigSource = external?.attribute === 'configSource';
  const inline = fromConfigSource ? [] : (section?.entries ?? []);
  const byKey = new Map(inline.map((e) => [e.key.toLowerCase(), e]));
  const matched = new Set<string>();
  const additions: Carried[] = [];

  for (const ref of referenceEntries(ctx)) {
    const lower = ref.key.toLowerCase();
    matched.add(lower);
    const from = ref.from ? `old value read from ${ref.from}` : null;
    const inFile = externalValues.get(lower);
    if (external && (fromConfigSource || inFile)) {
      // The new application reads this key from a file we were not asked to edit.
      const key = inFile?.key ?? ref.key;
      if (inFile && inFile.value === ref.value) {
        changes.push(makeChange(
          SECTION,
          key,
          'Unchanged',
          inFile.value,
          inFile.value,
          false,
          false,
          join(`the value is in ${external.path} (${external.attribute}=)`, from),
        ));
      } else {
        const where = fromConfigSource
          ? `the new web.config takes appSettings from ${external.path} (configSource=${external.found ? '' : ', not found'})`
          : `${external.path} (file= of the new appSettings) sets this key and overrides web.config`;
        changes.push(makeChange(
          SECTION,
          key,
          'Review',
          inFile?.value ?? null,
          ref.value,
          false,
          false,
          join(`${where}: set '${key}' there by hand; nothing was written for it`, from),
        ));
      }
      continue;
    }
    const target = byKey.get(lower);
    if (!target) {
      additions.push(ref);
      changes.push(makeChange(SECTION, ref.key, 'Added', null, ref.value, false, false, from));
    } else if (target.value === ref.value) {
      changes.push(makeChange(SECTION, target.key, 'Unchanged', target.value, target.value, false, false, from));
    } else {
      editor.setAttribute(target.element, 'value', ref.written);
      changes.push(makeChange(SECTION, target.key, 'Updated', target.value, ref.value, false, false, from));
    }
  }
  for (const target of inline) {
    if (!matched.has(target.key.toLowerCase()) && !externalValues.has(target.key.toLowerCase())) {
      changes.push(makeChange(SECTION, target.key, 'OnlyInNew', target.value, target.value));
    }
  }
  for (const e of external?.entries ?? []) {
    if (!matched.has(e.key.toLowerCase())) changes.push(makeChange(SECTION, e.key, 'OnlyInNew', e.value, e.value, false, false, `in ${external!.path}`));
  }
  if (external && !external.found) changes.push(missingNewFile(external));
  if (additions.length === 0) return;

  if (section) {
    editor.appendChildren(section.element, additions.map((a) => addElement(editor, section, a.key, a.written)));
  } else {
    const newSection = (layout: Layout) =>
      `<${SECTION}>` +
      additions.map((a) => layout.eol + layout.indent + layout.unit + canonicalAdd(editor, a.key, a.written)).join('') +
      `${layout.eol}${layout.indent}</${SECTION}>`;
    const root = ctx.target.doc.root;
    const configSections = root.children.find((c) => c.name === 'configSections');
    if (configSections) editor.insertAfter(configSections, [newSection]);
    else editor.insertFirst(root, [newSection]);
  }
}

/**
 * The new appSettings names a file that is not there. .NET ignores a missing file= without a word and reads only the
 * inline entries, and refuses to start without a configSource= file: either way the admin hears it here.
 */
function missingNewFile(external: ExternalFile): MergeChange {
  const effect = external.attribute === 'file'
    ? '.NET ignores a missing file= silently and the application reads only the inline entries'
    : '.NET refuses to start the application without it';
  const what = external.lookedFor
    ? `${external.path}, which is not there: ${effect}`
    : `${external.path}, which is not beside the web.config and was not read: check by hand which values it sets`;
  return makeChange(SECTION, `(${external.attribute}=${external.relative})`, 'Review', null, null, false, false,
    `the new web.config's appSettings names with ${external.attribute}= ${what}; create the file, or remove ${external.attribute}= if it is a leftover`);
}

const join = (...parts: (string | null)[]) => parts.filter((p) => p).join('; ') || null;

/** What the old application read; a Review row when part of it is in a file that is not beside the old web.config. */
function referenceEntries(ctx: MergeContext): Carried[] {
  const section = ctx.reference.appSettings;
  if (!section) return [];
  const external = section.external;
  const carried = new Map<string, Carried>();
  if (external?.attribute !== 'configSource') {
    for (const e of section.entries) carried.set(e.key.toLowerCase(), { key: e.key, value: e.value, written: e.written });
  }
  if (external && !external.found) {
    const how = external.attribute === 'configSource' ? 'keeps its appSettings in' : 'takes appSettings entries from';
    ctx.changes.push(
      makeChange(SECTION, `(${external.attribute}=${external.relative})`, 'Review', null, null, false, false,
        `the old web.config ${how} ${external.path}, which was not found beside it: put that file beside the old web.config and run the merge again, or ` +
          `carry its settings by hand`),
    );
  }
  for (const e of external?.entries ?? []) {
    carried.delete(e.key.toLowerCase());
    const from = `${external!.path} (${external!.attribute}=)`;
    carried.set(e.key.toLowerCase(), { key: e.key, value: e.value, written: e.written, from });
  }
  return [...carried.values()];
}

/** A copy of the section's last <add key value> with the key and value replaced; the plain form if there is none. */
function addElement(editor: TextEditor, section: AppSettingsSection, key: string, value: CarriedValue): NewMarkup {
  const template = [...section.entries].reverse().find((e: AppSettingEntry) => attributeOf(e.element, 'value'));
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

function canonicalAdd(editor: TextEditor, key: string, value: CarriedValue): string {
  return `<add key="${editor.escapeAttribute(key)}" value="${editor.escapeAttribute(value)}" />`;
}
