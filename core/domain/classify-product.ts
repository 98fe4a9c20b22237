/**
 * Which PhoneFactor / MFA Server component an installed product is, from its display name alone (PhoneFactor-era
 * names are not documented, so they are matched by pattern). Pure: the inventory and the lab rebuilt from a backup
 * both classify products they read elsewhere.
 */
import { AGENT_DISPLAY_NAME, MFA_SERVER_DISPLAY_NAME, WEB_COMPONENTS, type ComponentName } from './catalog';

export interface ProductMatch {
  component: ComponentName;
  isLegacy: boolean;
}

export function classifyProduct(displayName: string): ProductMatch | undefined {
  if (MFA_SERVER_DISPLAY_NAME.test(displayName)) return { component: 'MfaServer', isLegacy: false };
  for (const info of Object.values(WEB_COMPONENTS)) {
    if (info.legacyDisplayName.test(displayName)) return { component: info.component, isLegacy: true };
    if (info.newDisplayName.test(displayName)) return { component: info.component, isLegacy: false };
  }
  if (AGENT_DISPLAY_NAME.test(displayName)) return { component: 'Agent', isLegacy: true };
  return undefined;
}
