/**
 * Which applicationSettings group of the new web.config is the old one's: a group is the settings class of the
 * application (`<namespace>.Properties.Settings`), and a class renamed between the two files may hold the same
 * settings — or another application's. The rule:
 *  - same name, ignoring case                                                   -> the same class;
 *  - the same name once the PhoneFactor-era names of the real products are read as their MFA Server names: the Mobile
 *    App Web Service's `pfpaws` is `MultiFactorAuthMobileAppWebService` (test/fixtures/webconfig/mobileapp), and a
 *    namespace part starting PhoneFactor starts MultiFactorAuth (as the virtual directories were renamed)
 *                                                                               -> the same class, renamed;
 *  - otherwise, when exactly one group of each file is left unpaired, they pair as a GUESS: the merge writes nothing
 *    into it on that guess and reports each setting as Review naming both groups (Contoso.Billing.Properties.Settings'
 *    ReportServerUrl is not Contoso.Reporting.Properties.Settings' just because each file has one group left).
 */
import { SETTINGS_NAMESPACE_RENAMES } from '../domain/catalog';
import type { SettingsGroup } from './config-model';

export interface GroupPairs {
  partners: Map<SettingsGroup, SettingsGroup>;
  /** Reference groups whose partner is only a guess (different classes, one left on each side). */
  guessed: Set<SettingsGroup>;
}

const renames = new Map(Object.entries(SETTINGS_NAMESPACE_RENAMES).map(([from, to]) => [from.toLowerCase(), to.toLowerCase()]));

/** The class name with the products' PhoneFactor-era namespace parts read as their MFA Server names, lower-cased. */
function settingsClass(groupName: string): string {
  return groupName
    .toLowerCase()
    .split('.')
    .map((part) => renames.get(part) ?? part.replace(/^phonefactor/, 'multifactorauth'))
    .join('.');
}

export function pairGroups(refGroups: SettingsGroup[], targetGroups: SettingsGroup[]): GroupPairs {
  const partners = new Map<SettingsGroup, SettingsGroup>();
  const paired = new Set<SettingsGroup>();
  const pairBy = (same: (a: string, b: string) => boolean) => {
    for (const ref of refGroups) {
      if (partners.has(ref)) continue;
      const partner = targetGroups.find((t) => !paired.has(t) && same(t.name, ref.name));
      if (partner) {
        partners.set(ref, partner);
        paired.add(partner);
      }
    }
  };
  pairBy((a, b) => a.toLowerCase() === b.toLowerCase());
  pairBy((a, b) => settingsClass(a) === settingsClass(b));
  const guessed = new Set<SettingsGroup>();
  const refLeft = refGroups.filter((r) => !partners.has(r));
  const targetLeft = targetGroups.filter((t) => !paired.has(t));
  if (refLeft.length === 1 && targetLeft.length === 1) {
    partners.set(refLeft[0], targetLeft[0]);
    guessed.add(refLeft[0]);
  }
  return { partners, guessed };
}
