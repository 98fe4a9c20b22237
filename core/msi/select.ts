/**
 * Why this file: choosing the right installer for a component and a server's bitness from the MSIs in a media
 * folder.
 */
import { compareVersions } from '../util/versions';
import {
  MFA_SERVER_DISPLAY_NAME,
  MFA_SERVER_SETUP_FILE,
  WEB_COMPONENTS,
  type WebComponentName,
} from '../domain/catalog';
import { CoreError } from '../util/errors';
import type { MsiInfo, MsiPlatform } from './msi-info';

/** Components that come with an installer of their own. */
export type InstallableComponent = WebComponentName | 'MfaServer';

const LABELS: Record<InstallableComponent, string> = {
  MfaServer: 'MFA Server',
  UserPortal: 'User portal',
  MobileAppWebService: 'Mobile App Web Service',
  WebServiceSdk: 'Web Service SDK',
};

function productPattern(component: InstallableComponent): RegExp {
  return component === 'MfaServer' ? MFA_SERVER_DISPLAY_NAME : WEB_COMPONENTS[component].newDisplayName;
}

function expectedFileName(component: InstallableComponent, targetIs64Bit: boolean): string {
  return component === 'MfaServer' ? MFA_SERVER_SETUP_FILE : WEB_COMPONENTS[component].msiFileName(targetIs64Bit ? 64 : 32);
}

function describePlatform(platform: MsiPlatform): string {
  switch (platform) {
    case 'x64':
      return '64-bit Windows (x64)';
    case 'x86':
      return '32-bit Windows (x86)';
    case 'arm64':
      return 'Windows on ARM (arm64)';
    default:
      return 'an unknown platform';
  }
}

function describe(info: MsiInfo): string {
  const name = info.productName ? `'${info.productName}'` : 'a product without a name';
  const version = info.productVersion ? ` ${info.productVersion}` : '';
  return `'${info.source}' installs ${name}${version} for ${describePlatform(info.platform)}`;
}

/**
 * Picks the installer of `component` built for the target's bitness (x64 for 64-bit servers, x86 for 32-bit ones).
 * The product is recognised by its ProductName. Several matches: the highest ProductVersion wins.
 * Throws InstallerNotFound for an empty list and InstallerMismatch when no candidate is the right product and bitness.
 */
export function selectComponentInstaller(
  candidates: MsiInfo[],
  component: InstallableComponent,
  targetIs64Bit: boolean,
): MsiInfo {
  const wantedPlatform: MsiPlatform = targetIs64Bit ? 'x64' : 'x86';
  const wanted = `the ${LABELS[component]} installer for ${describePlatform(wantedPlatform)} (${expectedFileName(component, targetIs64Bit)})`;
  if (candidates.length === 0) {
    throw new CoreError('InstallerNotFound', `No installer was given; expected ${wanted}.`, undefined, { component });
  }
  const pattern = productPattern(component);
  const matches = candidates.filter((c) => pattern.test(c.productName ?? '') && c.platform === wantedPlatform);
  if (matches.length > 0) {
    return matches.reduce((best, c) => (compareVersions(c.productVersion, best.productVersion) > 0 ? c : best));
  }
  const found = candidates.map(describe).join('; ');
  throw new CoreError(
    'InstallerMismatch',
    `Wrong installer: ${found}. Expected ${wanted}.`,
    candidates[0].source,
    { component, expectedPlatform: wantedPlatform, candidates: candidates.map((c) => c.source) },
  );
}

/**
 * Only public properties (no lower-case letters) can be set on the msiexec command line; a private property that
 * happens to hold the vdir name is of no use for an unattended install.
 */
function isPublicProperty(name: string): boolean {
  return name === name.toUpperCase();
}

/**
 * Finds the installer's property that holds the IIS virtual directory: real installers do not document its name, so
 * it is recognised by its default value being the default vdir name (compared case-insensitively, as IIS does).
 */
export function findVirtualDirectoryProperty(info: MsiInfo, defaultVdir: string): string | undefined {
  const wanted = defaultVdir.trim().toLowerCase();
  return Object.entries(info.properties).find(
    ([name, value]) => isPublicProperty(name) && value.trim().toLowerCase() === wanted,
  )?.[0];
}
