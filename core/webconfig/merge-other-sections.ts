/**
 * Everything outside appSettings and applicationSettings, compared attribute by attribute on elements matched by
 * path (element-paths.ts). Text content and element order are not compared.
 *
 * Without a base (two-way) nothing is applied: each reference attribute whose value the target lacks or differs in
 * is reported as Review, and so is each element only the reference has.
 *
 * With the base (the old version's untouched default) the admin's own changes can be told from new defaults:
 *   reference = base                      → nothing (an old default; the target's new default stays)
 *   reference ≠ base, target = reference  → Unchanged
 *   reference ≠ base, target = base       → the admin's value is applied (Updated, or Added for a new attribute)
 *   reference ≠ base, target ≠ both       → Conflict, not applied
 * Removals (an attribute or element the admin deleted) and whole elements the admin added are reported as Review:
 * they are rare, and deleting or placing markup is left to a person.
 */
import { attributeOf, type XmlElement } from './xml-tree';
import { elementChange, isSecretAttribute, makeChange } from './changes';
import { indexElements, type PathedElement } from './element-paths';
import type { MergeContext } from './merge-context';
import type { MergeAction } from './types';

export function mergeOtherSections(ctx: MergeContext): void {
  const refIndex = indexElements(ctx.reference);
  const targetIndex = indexElements(ctx.target);
  const baseIndex = ctx.base && indexElements(ctx.base);

  const reportElement = (entry: PathedElement, action: MergeAction, oldEl: XmlElement | undefined, newEl: XmlElement | undefined) =>
    ctx.changes.push(elementChange(entry.path, action, oldEl, newEl));

  for (const ref of refIndex.values()) {
    const target = targetIndex.get(ref.key);
    const base = baseIndex?.get(ref.key);
    if (!target) {
      // Only the outermost missing element is reported; its descendants go with it.
      if (ref.mergedSection || (ref.parentKey !== null && !targetIndex.has(ref.parentKey))) continue;
      const action = baseIndex && base ? (sameAttributes(ref.el, base.el) ? undefined : 'Conflict') : 'Review';
      if (action) reportElement(ref, action, undefined, ref.el);
      continue;
    }
    for (const attribute of ref.el.attributes) {
      // Where the application's own sections read from (file=, configSource=) is modelled by their own rules.
      if (ref.mergedSection && (attribute.name === 'file' || attribute.name === 'configSource')) continue;
      if (attribute.name !== ref.identity) compareAttribute(ctx, ref, target, base, attribute.name, baseIndex !== undefined);
    }
    if (base) {
      for (const removed of base.el.attributes) {
        if (removed.name === ref.identity || attributeOf(ref.el, removed.name)) continue;
        const current = attributeOf(target.el, removed.name);
        if (!current) continue;
        const action = current.value === removed.value ? 'Review' : 'Conflict';
        ctx.changes.push(makeChange(target.path, removed.name, action, current.value, null, isSecretAttribute(target.el, removed.name)));
      }
    }
  }

  if (baseIndex) {
    for (const base of baseIndex.values()) {
      const target = targetIndex.get(base.key);
      const parentKept = base.parentKey === null || refIndex.has(base.parentKey);
      if (!refIndex.has(base.key) && target && parentKept && !target.mergedSection) reportElement(target, 'Review', target.el, undefined);
    }
  }
}

function compareAttribute(
  ctx: MergeContext,
  ref: PathedElement,
  target: PathedElement,
  base: PathedElement | undefined,
  name: string,
  threeWay: boolean,
): void {
  const refValue = attributeOf(ref.el, name)!.value;
  const targetValue = attributeOf(target.el, name)?.value;
  const report = (action: MergeAction, newValue: string) =>
    ctx.changes.push(makeChange(
      target.path,
      name,
      action,
      targetValue ?? null,
      newValue,
      isSecretAttribute(target.el, name) || isSecretAttribute(ref.el, name),
    ));

  if (!threeWay) {
    if (targetValue !== refValue) report('Review', refValue);
    return;
  }
  const baseValue = base && attributeOf(base.el, name)?.value;
  if (refValue === baseValue) return;
  if (targetValue === refValue) {
    ctx.changes.push(makeChange(target.path, name, 'Unchanged', targetValue, targetValue, isSecretAttribute(target.el, name)));
  } else if (targetValue !== baseValue) {
    report('Conflict', refValue);
  } else if (target.reviewOnly) {
    report('Review', refValue);
  } else {
    ctx.editor.setAttribute(target.el, name, attributeOf(ref.el, name)!);
    report(targetValue === undefined ? 'Added' : 'Updated', refValue);
  }
}

function sameAttributes(a: XmlElement, b: XmlElement): boolean {
  return a.attributes.length === b.attributes.length && a.attributes.every((x) => attributeOf(b, x.name)?.value === x.value);
}
