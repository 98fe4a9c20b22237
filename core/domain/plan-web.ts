/**
 * Decisions about one web component of the plan: which virtual directory it gets, where its new files land,
 * how the installer is told about the vdir, and how the SDK URL in a web.config follows a renamed SDK vdir.
 */
import { joinWindowsPath } from '../util/windows-path';
import { DEFAULT_WWWROOT, WEB_COMPONENTS, type WebComponentName } from './catalog';
import type { ComponentRecord } from './inventory-types';
import type { VirtualDirectoryNaming } from './plan-types';

export const DEFAULT_SITE = 'Default Web Site';

/** Windows names (vdirs, paths, hosts) compare case-insensitively. */
export function sameName(a: string | null | undefined, b: string | null | undefined): boolean {
  return (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
}

/** The vdir the inventory reported, without slashes (`/PhoneFactor/` → `PhoneFactor`); the catalog's old default if none. */
export function oldVirtualDirectory(record: ComponentRecord): string {
  const reported = (record.VirtualDirectory ?? '').replace(/^[\\/]+|[\\/]+$/g, '');
  return reported || WEB_COMPONENTS[record.Component as WebComponentName].legacyVirtualDirectory;
}

/** New → MFA Server's default; Legacy → exactly what the server used before (which may be a custom name). */
export function wantedVirtualDirectory(record: ComponentRecord, naming: VirtualDirectoryNaming): string {
  return naming === 'New' ? WEB_COMPONENTS[record.Component as WebComponentName].newVirtualDirectory : oldVirtualDirectory(record);
}

/**
 * Where the installer is expected to put the new application: `<wwwroot>\<vdir>` (the physical folder follows the vdir
 * name under the site root, wherever the old application lived). A prediction for the plan's text only: the steps that
 * write there read the real physical path from IIS after the install.
 */
export function newPhysicalPath(vdir: string): string {
  return joinWindowsPath(DEFAULT_WWWROOT, vdir);
}

export type VdirInstallMode =
  /** The MSI's default vdir is the wanted one: nothing to set. */
  | { mode: 'Default' }
  /** The MSI has a property for the vdir: set it on the command line. */
  | { mode: 'Property'; property: string }
  /** No known property: the admin installs interactively and picks the vdir on the installer's page. */
  | { mode: 'Interactive' };

export function vdirInstallMode(component: WebComponentName, vdir: string, property: string | null | undefined): VdirInstallMode {
  if (sameName(vdir, WEB_COMPONENTS[component].newVirtualDirectory)) return { mode: 'Default' };
  if (property) return { mode: 'Property', property };
  return { mode: 'Interactive' };
}

/** An SDK installation the plan knows about: where it was, and which vdir it had and will have. */
export interface SdkMove {
  computerName: string;
  dnsName: string;
  oldVdir: string;
  newVdir: string;
}

export type SdkUrlDecision =
  /** The SDK keeps its vdir (or the URL names none we know): the URL is carried over as it is. */
  | { kind: 'CarryOver' }
  | { kind: 'Rewrite'; url: string }
  /** The SDK vdir changes but this URL could not be matched to it: the admin must check it. */
  | { kind: 'Unmatched'; reason: string };

/**
 * The SDK URL a web.config should hold after the upgrade. The old vdir path segment becomes the new one;
 * scheme, host and port stay as they were, because the host must stay the name on the SDK's certificate.
 */
export function decideSdkUrl(oldUrl: string | null, sdks: SdkMove[]): SdkUrlDecision {
  if (!oldUrl || sdks.length === 0) return { kind: 'CarryOver' };
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]+)([^?#]*)(.*)$/i.exec(oldUrl.trim());
  if (!m) {
    return sdks.some((s) => !sameName(s.oldVdir, s.newVdir)) ? { kind: 'Unmatched', reason: `'${oldUrl}' is not an absolute URL` } : { kind: 'CarryOver' };
  }
  const [, origin, pathPart, rest] = m;
  const host = origin.replace(/^[^:]+:\/\//, '').replace(/^[^@]*@/, '').replace(/:\d+$/, '');
  const segments = pathPart.split('/');
  // Prefer the SDK whose server the URL names; a URL with another host (a load balancer's name) still matches by vdir.
  const byHost = sdks.filter((s) => sameName(host, s.dnsName) || sameName(host.split('.')[0], s.computerName));
  const candidates = byHost.length > 0 ? byHost : sdks;
  for (const sdk of candidates) {
    const i = segments.findIndex((seg) => sameName(seg, sdk.oldVdir));
    if (i < 0) continue;
    if (sameName(sdk.oldVdir, sdk.newVdir)) return { kind: 'CarryOver' };
    segments[i] = sdk.newVdir;
    return { kind: 'Rewrite', url: origin + segments.join('/') + rest };
  }
  if (candidates.every((s) => sameName(s.oldVdir, s.newVdir))) return { kind: 'CarryOver' };
  return { kind: 'Unmatched', reason: `'${oldUrl}' does not contain the old SDK virtual directory (${candidates.map((s) => s.oldVdir).join(', ')})` };
}
