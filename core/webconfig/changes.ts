/**
 * Building change records: every value passes through the one secret rule (core/util/secrets.ts, `showValue`) here
 * and nowhere else. Only OldValue and NewValue carry values; Section, Name and Detail carry names and paths, which are
 * shown as they are.
 */
import { isSecret, isSecretName, isSecretValue, showValue } from '../util/secrets';
import type { MergeAction, MergeChange } from './types';
import { attributeOf, type XmlElement } from './xml-tree';

/**
 * `secret` forces the mask (a secret attribute); otherwise the rule decides on the name and on BOTH values, so a
 * row never shows one side of a secret. Masked values keep a per-run tag, so Updated vs Unchanged stays visible; a
 * value that is not secret itself still has every known secret inside it masked (a redirect URL holding the password).
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
  const show = (v: string | null | undefined) => (v === null || v === undefined ? null : showValue(v, hide));
  return { Section, Name, Action, OldValue: show(oldValue), NewValue: show(newValue), IsSdkUrl, Detail };
}

const ELEMENT = '(element)';

/** A row about a whole element: its start tags are shown with each attribute value passed through the rule. */
export function elementChange(Section: string, Action: MergeAction, oldEl: XmlElement | undefined, newEl: XmlElement | undefined): MergeChange {
  const show = (el: XmlElement | undefined) => (el ? describeElement(el) : null);
  return { Section, Name: ELEMENT, Action, OldValue: show(oldEl), NewValue: show(newEl), IsSdkUrl: false, Detail: null };
}

/**
 * The attributes that name an entry (`<add key>`, `<add name>`, `<setting name>`, `<section name>`): what they hold is
 * a name, shown as it is whatever it says. The word "key" alone once read as a secret name (a name ending in key), so
 * every appSettings key was learned as a secret value and masked in logs, errors and report.html.
 */
const NAME_ATTRIBUTES = new Set(['key', 'name']);

/**
 * Secret attributes, in the merged sections and outside them: secret-looking names (connectionString, password,
 * validationKey…), a value whose content holds a credential, and the value of an <add> whose key or name is
 * secret-looking (an appSettings entry inside <location>). The naming attributes (key, name) never are.
 */
export function isSecretAttribute(el: XmlElement, attribute: string): boolean {
  if (NAME_ATTRIBUTES.has(attribute)) return false;
  if (isSecretName(attribute)) return true;
  if (isSecretValue(attributeOf(el, attribute)?.value)) return true;
  const owner = attributeOf(el, 'key') ?? attributeOf(el, 'name');
  return attribute === 'value' && owner !== undefined && isSecretName(owner.value);
}

/** A start tag for reports, each value through the rule: `<machineKey validationKey="******** (3f9a1c)" …>`. */
function describeElement(el: XmlElement): string {
  const attributes = el.attributes.map((a) => ` ${a.name}="${showValue(a.value, isSecretAttribute(el, a.name))}"`);
  return `<${el.name}${attributes.join('')}>`;
}
