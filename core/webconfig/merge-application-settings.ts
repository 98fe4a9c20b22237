/**
 * applicationSettings: every reference <setting name>/<value> is carried into the target.
 * Groups (e.g. pfup.Properties.Settings) pair by name ignoring case; when exactly one reference group and exactly
 * one target group are left unpaired, they pair with each other (a renamed settings class). A reference group that
 * still has no partner cannot be placed (its <configSections> declaration would be missing): its settings are
 * reported as Review, not applied.
 * The Web Service SDK URL pairs by role (sdk-url.ts), whatever its name in either file. With an explicit SDK URL
 * that value is written; otherwise the old URL is carried over.
 * A <value> holding markup (serializeAs="Xml") is never edited, only reported as Review.
 */
import { isSecretName } from '../util/secrets';
import type { SettingEntry, SettingsGroup } from './config-model';
import { makeChange } from './changes';
import type { NewMarkup, TextEditor } from './editor';
import type { MergeContext } from './merge-context';
import type { MergeAction } from './types';
import { findSdkUrlSetting } from './sdk-url';
import { attributeOf } from './xml-tree';

const sectionOf = (groupName: string) => `applicationSettings/${groupName}`;
const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function mergeApplicationSettings(ctx: MergeContext): void {
  const { editor, changes, options } = ctx;
  const refGroups = ctx.reference.applicationSettings?.groups ?? [];
  const targetGroups = ctx.target.applicationSettings?.groups ?? [];
  const partners = pairGroups(refGroups, targetGroups);
  const refSdk = findSdkUrlSetting(ctx.reference);
  const targetSdk = findSdkUrlSetting(ctx.target);
  const visited = new Set<SettingEntry>();
  const additions = new Map<SettingsGroup, NewMarkup[]>();

  const report = (group: string, name: string, action: MergeAction, oldValue: string | null, newValue: string | null, isSdk: boolean) =>
    changes.push(makeChange(sectionOf(group), name, action, oldValue, newValue, isSecretName(name), isSdk));

  for (const refGroup of refGroups) {
    const partner = partners.get(refGroup);
    for (const ref of refGroup.settings) {
      let isSdk = refSdk?.setting === ref;
      const claimedByRefSdk = (s: SettingEntry) => refSdk !== undefined && s === targetSdk?.setting;
      const target = isSdk ? targetSdk?.setting : partner?.settings.find((s) => sameName(s.name, ref.name) && !claimedByRefSdk(s));
      if (!isSdk && target !== undefined && target === targetSdk?.setting) isSdk = true;
      const group = isSdk && targetSdk ? targetSdk.group : partner;
      const wanted = isSdk && options.webServiceSdkUrl !== undefined ? options.webServiceSdkUrl : ref.value;
      if (target) visited.add(target);

      if (!group || wanted === null || target?.value === null) {
        report(group?.name ?? refGroup.name, target?.name ?? ref.name, 'Review', target?.value ?? null, wanted, isSdk);
      } else if (!target) {
        additions.set(group, [...(additions.get(group) ?? []), newSetting(editor, group, ref, wanted)]);
        report(group.name, ref.name, 'Added', null, wanted, isSdk);
      } else if (target.value === wanted) {
        report(group.name, target.name, 'Unchanged', target.value, target.value, isSdk);
      } else {
        setSettingValue(editor, target, wanted);
        report(group.name, target.name, 'Updated', target.value, wanted, isSdk);
      }
    }
  }

  for (const group of targetGroups) {
    for (const target of group.settings) {
      if (visited.has(target)) continue;
      const isSdk = target === targetSdk?.setting;
      const wanted = isSdk ? options.webServiceSdkUrl : undefined;
      if (wanted === undefined || target.value === null) {
        report(group.name, target.name, 'OnlyInNew', target.value, target.value, isSdk);
      } else if (target.value === wanted) {
        report(group.name, target.name, 'Unchanged', target.value, target.value, isSdk);
      } else {
        setSettingValue(editor, target, wanted);
        report(group.name, target.name, 'Updated', target.value, wanted, isSdk);
      }
    }
  }

  for (const [group, markup] of additions) editor.appendChildren(group.element, markup);
}

function pairGroups(refGroups: SettingsGroup[], targetGroups: SettingsGroup[]): Map<SettingsGroup, SettingsGroup> {
  const pairs = new Map<SettingsGroup, SettingsGroup>();
  for (const ref of refGroups) {
    const partner = targetGroups.find((t) => sameName(t.name, ref.name));
    if (partner) pairs.set(ref, partner);
  }
  const refLeft = refGroups.filter((r) => !pairs.has(r));
  const paired = new Set(pairs.values());
  const targetLeft = targetGroups.filter((t) => !paired.has(t));
  if (refLeft.length === 1 && targetLeft.length === 1) pairs.set(refLeft[0], targetLeft[0]);
  return pairs;
}

function setSettingValue(editor: TextEditor, setting: SettingEntry, value: string): void {
  if (setting.valueElement) editor.setText(setting.valueElement, value);
  else editor.setContent(setting.element, `<value>${editor.escapeText(value)}</value>`);
}

/**
 * A copy of the group's last setting with name and value replaced, so the new one is laid out like its neighbours;
 * the usual .NET form when the group has none to copy.
 */
function newSetting(editor: TextEditor, group: SettingsGroup, ref: SettingEntry, value: string): NewMarkup {
  const text = editor.doc.text;
  const template = [...group.settings].reverse().find((s) => s.valueElement && s.value !== null);
  if (template) {
    const nameAttr = attributeOf(template.element, 'name')!;
    const valueEl = template.valueElement!;
    const escaped = editor.escapeText(value);
    const [valueFrom, valueTo, valueMarkup] = valueEl.selfClosing
      ? [valueEl.start, valueEl.end, `<value>${escaped}</value>`]
      : [valueEl.startTagEnd, valueEl.closeStart, escaped];
    return (
      text.slice(template.element.start, nameAttr.valueStart) +
      editor.escapeAttribute(ref.name, nameAttr.quote) +
      text.slice(nameAttr.valueEnd, valueFrom) +
      valueMarkup +
      text.slice(valueTo, template.element.end)
    );
  }
  const serializeAs = attributeOf(ref.element, 'serializeAs');
  const serializeText = serializeAs ? ` serializeAs="${editor.escapeAttribute(serializeAs.value)}"` : '';
  return ({ indent, eol, unit }) =>
    `<setting name="${editor.escapeAttribute(ref.name)}"${serializeText}>` +
    `${eol}${indent}${unit}<value>${editor.escapeText(value)}</value>${eol}${indent}</setting>`;
}
