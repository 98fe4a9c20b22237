/** Building change records: every value passes through the secret rule (core/util/secrets.ts) here and nowhere else. */
import { isSecret, isSecretName, isSecretValue, maskValue, MASK } from '../util/secrets';
import type { MergeAction, MergeChange } from './types';
import { attributeOf, type XmlElement } from './xml-tree';

/**
 * `secret` forces the mask (a secret attribute); otherwise the rule decides on the name and on BOTH values, so a
 * row never shows one side of a secret. Masked values keep a per-run tag, so Updated vs Unchanged stays visible.
 */
export function makeChange(
  Section: string,
  Name: string,
  Action: MergeAction,
  oldValue: string | null | undefined,
  newValue: string | null | undefined,
  secret = false,
  IsSdkUrl = false,
  Detail: string | null = null,
): MergeChange {
  const hide = secret || isSecret(Name, oldValue, newValue);
  const show = (v: string | null | undefined) => (v === null || v === undefined ? null : hide ? maskValue(v) : v);
  return { Section, Name, Action, OldValue: show(oldValue), NewValue: show(newValue), IsSdkUrl, Detail };
}

/**
 * Secret attributes outside the two merged sections: secret-looking names (connectionString, password, validationKey…),
 * and the value of an <add> whose key or name is secret-looking (an appSettings entry inside <location>).
 */
export function isSecretAttribute(el: XmlElement, attribute: string): boolean {
  if (isSecretName(attribute)) return true;
  if (isSecretValue(attributeOf(el, attribute)?.value)) return true;
  const owner = attributeOf(el, 'key') ?? attributeOf(el, 'name');
  return attribute === 'value' && owner !== undefined && isSecretName(owner.value);
}

/** A start tag for reports, with secret attribute values masked: `<machineKey validationKey="********" …>`. */
export function describeElement(el: XmlElement): string {
  const attributes = el.attributes.map((a) => ` ${a.name}="${isSecretAttribute(el, a.name) ? MASK : a.value}"`);
  return `<${el.name}${attributes.join('')}>`;
}
