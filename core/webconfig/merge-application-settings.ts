/**
 * applicationSettings: every reference <setting name>/<value> is carried into the target.
 *
 * Groups (e.g. pfup.Properties.Settings) pair as settings-groups.ts decides: by name ignoring case, or as a known
 * rename of the real products (pfpaws -> MultiFactorAuthMobileAppWebService); when exactly one reference group and
 * exactly one target group are still left, they pair only as a guess: nothing is written into the new group on that
 * guess, each setting is Review (Unchanged when the value already agrees) with Detail naming both groups — except the
 * SDK URL, recognised by its role. A reference group that still has no partner cannot be placed (its <configSections>
 * declaration would be missing): its settings are reported as Review, not applied. Settings pair by name (ignoring
 * case) inside paired groups.
 *
 * The Web Service SDK URL (sdk-url.ts) may be named differently in the two files. When the reference has exactly
 * one SDK URL setting without a same-named partner, and the target has exactly one SDK URL setting that no
 * reference setting claims by name, the two pair by role. Every rule is decided on what the target will hold after
 * this merge, so a second run makes the same decisions and changes nothing. With an explicit SDK URL, every SDK URL
 * setting the target ends up with gets that value; otherwise the old URL is carried over.
 *
 * A <value> holding markup (serializeAs="Xml") is never edited, only reported as Review.
 *
 * Groups kept in a configSource= file: the old one's settings are read from that file when it sits beside the old
 * web.config (the output says so), else one Review row names it; in the new file nothing is written into such a group
 * (its settings live in the external file): each setting that would change is a Review naming the file and setting.
 */
import type { SettingEntry, SettingsGroup } from './config-model';
import { makeChange } from './changes';
import type { NewMarkup, TextEditor } from './editor';
import type { MergeContext } from './merge-context';
import type { MergeAction } from './types';
import { isSdkUrlSetting } from './sdk-url';
import { pairGroups } from './settings-groups';
import { attributeOf } from './xml-tree';
import type { CarriedValue } from './xml-text';

const sectionOf = (groupName: string) => `applicationSettings/${groupName}`;
const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

interface Located {
  group: SettingsGroup;
  setting: SettingEntry;
}

export function mergeApplicationSettings(ctx: MergeContext): void {
  const { editor, changes } = ctx;
  const explicitUrl = ctx.options.webServiceSdkUrl;
  const isSdk = (s: { name: string }, value: string | null) => isSdkUrlSetting(s.name, value, explicitUrl);
  const refGroups = ctx.reference.applicationSettings?.groups ?? [];
  const targetGroups = ctx.target.applicationSettings?.groups ?? [];
  const { partners, guessed } = pairGroups(refGroups, targetGroups);

  // Pair by name, and work out the value each matched target setting will hold.
  const byName = new Map<SettingEntry, Located | undefined>();
  const claimed = new Set<SettingEntry>();
  for (const refGroup of refGroups) {
    const partner = partners.get(refGroup);
    for (const ref of refGroup.settings) {
      const setting = partner?.settings.find((s) => sameName(s.name, ref.name));
      byName.set(ref, setting && partner ? { group: partner, setting } : undefined);
      if (setting) claimed.add(setting);
    }
  }
  const wantedFor = (ref: SettingEntry, current: SettingEntry | undefined): string | null => {
    const sdk = isSdk(ref, ref.value) || (current !== undefined && isSdk(current, current.value));
    return sdk && explicitUrl !== undefined ? explicitUrl : ref.value;
  };
  const valueAfter = (t: SettingEntry): string | null => {
    for (const [ref, match] of byName) if (match?.setting === t) return t.value === null ? null : wantedFor(ref, t);
    return t.value;
  };

  // Pair the SDK URL settings by role when each file has exactly one and names cannot pair them.
  const refSdk = [...byName.keys()].filter((s) => isSdk(s, s.value));
  const targetSdk = targetGroups.flatMap((group) => group.settings.filter((s) => isSdk(s, valueAfter(s))).map((setting) => ({ group, setting })));
  let rolePair: { ref: SettingEntry; target: Located } | undefined;
  if (refSdk.length === 1 && targetSdk.length === 1 && !byName.get(refSdk[0]) && !claimed.has(targetSdk[0].setting)) {
    const wanted = explicitUrl ?? refSdk[0].value;
    // Only if the target setting stays recognisable once it holds the new value.
    if (isSdk(targetSdk[0].setting, wanted)) rolePair = { ref: refSdk[0], target: targetSdk[0] };
  }

  const visited = new Set<SettingEntry>();
  const additions = new Map<SettingsGroup, NewMarkup[]>();
  const report = (
    group: string,
    name: string,
    action: MergeAction,
    oldValue: string | null,
    newValue: string | null,
    sdk: boolean,
    detail: string | null = null,
  ) =>
    changes.push(makeChange(sectionOf(group), name, action, oldValue, newValue, false, sdk, detail));
  // A change the new file cannot take inline: the group's settings live in an external file.
  const elsewhere = (group: SettingsGroup, name: string, oldValue: string | null, newValue: string | null, sdk: boolean, from: string | null) =>
    report(group.name, name, 'Review', oldValue, newValue, sdk,
      joinDetail(
        `the new web.config keeps ${sectionOf(group.name)} in ${group.external!.path} (configSource=${group.external!.found ? '' : ', not found'}): set ` +
          `'${name}' there by hand; nothing was written for it`,
        from,
      ));

  for (const refGroup of refGroups) {
    if (refGroup.external && !refGroup.external.found) {
      report(refGroup.name, `(configSource=${refGroup.external.relative})`, 'Review', null, null, false,
        `the old web.config keeps ${sectionOf(refGroup.name)} in ${refGroup.external.path}, which was not found beside it: put that file beside the old ` +
          `web.config and run the merge again, or carry its settings by hand`);
    }
    const from = refGroup.external?.found ? `old value read from ${refGroup.external.path} (configSource=)` : null;
    for (const ref of refGroup.settings) {
      const match = rolePair?.ref === ref ? rolePair.target : byName.get(ref);
      const target = match?.setting;
      const group = match?.group ?? partners.get(refGroup);
      const sdk = isSdk(ref, ref.value) || (target !== undefined && isSdk(target, target.value));
      const wanted = rolePair?.ref === ref ? (explicitUrl ?? ref.value) : wantedFor(ref, target);
      // The old value goes as it was written (line breaks, CDATA, references), so .NET reads the very same text.
      const asWritten = (w: string): CarriedValue => (w === ref.value ? ref.written : w);
      if (target) visited.add(target);
      // Paired with a differently named group only because one was left on each side (settings-groups.ts): a guess.
      const guess = group !== undefined && guessed.has(refGroup) && group === partners.get(refGroup)
        ? `the old group ${refGroup.name} and the new group ${group.name} are different settings classes, paired only because each file has ` +
          'one group left'
        : null;
      const detail = joinDetail(guess && sdk ? `${guess}; the Web Service SDK URL is recognised by its role` : guess, from);

      if (!group || wanted === null || target?.value === null) {
        report(group?.name ?? refGroup.name, target?.name ?? ref.name, 'Review', target?.value ?? null, wanted, sdk, detail);
      } else if (target?.value === wanted) {
        report(group.name, target.name, 'Unchanged', target.value, target.value, sdk, detail);
      } else if (guess && !sdk) {
        const name = target?.name ?? ref.name;
        report(group.name, name, 'Review', target?.value ?? null, wanted, sdk,
          joinDetail(`${guess}: nothing was written on that guess; if they are one class, set '${name}' in ${group.name} by hand`, from));
      } else if (group.external) {
        elsewhere(group, target?.name ?? ref.name, target?.value ?? null, wanted, sdk, detail);
      } else if (!target) {
        additions.set(group, [...(additions.get(group) ?? []), newSetting(editor, group, ref, asWritten(wanted))]);
        report(group.name, ref.name, 'Added', null, wanted, sdk, detail);
      } else {
        setSettingValue(editor, target, asWritten(wanted));
        report(group.name, target.name, 'Updated', target.value, wanted, sdk, detail);
      }
    }
  }

  for (const group of targetGroups) {
    for (const target of group.settings) {
      if (visited.has(target)) continue;
      const sdk = isSdk(target, target.value);
      if (!sdk || explicitUrl === undefined || target.value === null) {
        report(group.name, target.name, 'OnlyInNew', target.value, target.value, sdk);
      } else if (target.value === explicitUrl) {
        report(group.name, target.name, 'Unchanged', target.value, target.value, sdk);
      } else if (group.external) {
        elsewhere(group, target.name, target.value, explicitUrl, sdk, null);
      } else {
        setSettingValue(editor, target, explicitUrl);
        report(group.name, target.name, 'Updated', target.value, explicitUrl, sdk);
      }
    }
  }

  for (const [group, markup] of additions) editor.appendChildren(group.element, markup);
}

const joinDetail = (...parts: (string | null)[]) => parts.filter((p) => p).join('; ') || null;

function setSettingValue(editor: TextEditor, setting: SettingEntry, value: CarriedValue): void {
  if (setting.valueElement) editor.setText(setting.valueElement, value);
  else editor.setContent(setting.element, `<value>${editor.escapeText(value)}</value>`);
}

/**
 * A copy of the group's last setting with name and value replaced, so the new one is laid out like its neighbours;
 * the usual .NET form when the group has none to copy.
 */
function newSetting(editor: TextEditor, group: SettingsGroup, ref: SettingEntry, value: CarriedValue): NewMarkup {
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
