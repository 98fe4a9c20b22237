/** Building change records: every value passes through the secret mask here and nowhere else. */
import { MASK, isSecretName } from '../util/secrets';
import type { MergeAction, MergeChange } from './types';
import { attributeOf, type XmlElement } from './xml-tree';

export function makeChange(
  Section: string,
  Name: string,
  Action: MergeAction,
  oldValue: string | null | undefined,
  newValue: string | null | undefined,
  secret: boolean,
  IsSdkUrl = false,
): MergeChange {
  const show = (v: string | null | undefined) => (v === null || v === undefined ? null : secret ? MASK : v);
  return { Section, Name, Action, OldValue: show(oldValue), NewValue: show(newValue), IsSdkUrl };
}

/**
 * Secret attributes outside the two merged sections: secret-looking names (connectionString, password…), the keys
 * of <machineKey>, and the value of an <add> whose key or name is secret-looking (an appSettings entry inside <location>).
 */
export function isSecretAttribute(el: XmlElement, attribute: string): boolean {
  if (isSecretName(attribute)) return true;
  if (el.name === 'machineKey' && /key$/i.test(attribute)) return true;
  const owner = attributeOf(el, 'key') ?? attributeOf(el, 'name');
  return attribute === 'value' && owner !== undefined && isSecretName(owner.value);
}

/** A start tag for reports, with secret attribute values masked: `<machineKey validationKey="********" …>`. */
export function describeElement(el: XmlElement): string {
  const attributes = el.attributes.map((a) => ` ${a.name}="${isSecretAttribute(el, a.name) ? MASK : a.value}"`);
  return `<${el.name}${attributes.join('')}>`;
}
