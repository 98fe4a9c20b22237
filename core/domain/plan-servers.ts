/**
 * The plan's view of the servers it was given: which hold the PhoneFactor Agent (the "MFA servers"), which legacy
 * components each one has, and where the Agent was installed.
 */
import { CoreError } from '../util/errors';
import { DATA_FOLDER, DEFAULT_LEGACY_INSTALL_PATH, type ComponentName, type WebComponentName } from './catalog';
import type { ComponentRecord, ServerInventory } from './inventory-types';
import { joinWindowsPath } from '../util/windows-path';

/** The documented uninstall order (S1): portal, mobile app web service, SDK, then the Agent itself. */
export const UNINSTALL_ORDER: ComponentName[] = ['UserPortal', 'MobileAppWebService', 'WebServiceSdk', 'Agent'];
/** The documented install order after MFA Server itself: the SDK first (the others call it). */
export const INSTALL_ORDER: WebComponentName[] = ['WebServiceSdk', 'UserPortal', 'MobileAppWebService'];

export interface PlannedServer {
  inventory: ServerInventory;
  name: string;
  /** Legacy components by name (the first record wins if the inventory listed one twice). */
  legacy: Map<ComponentName, ComponentRecord>;
  /** True when the PhoneFactor Agent is installed here: MFA Server replaces it on this server. */
  isMfaServer: boolean;
  /** Agent install folder without the trailing backslash the registry keeps; null on web servers. */
  installPath: string | null;
  bits: 32 | 64;
}

export function planServers(servers: ServerInventory[], inferences: string[]): PlannedServer[] {
  if (servers.length === 0) {
    throw new CoreError(
      'NothingToUpgrade',
      'No server inventory was given, so there is nothing to plan. Pass the output of Get-PhoneFactorComponent.',
      'servers',
    );
  }
  const seen = new Set<string>();
  const planned: PlannedServer[] = [];
  for (const inventory of servers) {
    const key = inventory.ComputerName.toLowerCase();
    if (seen.has(key)) {
      throw new CoreError('DuplicateServer', `${inventory.ComputerName} appears twice in the inventory; give each server once.`, inventory.ComputerName);
    }
    seen.add(key);
    const legacy = new Map<ComponentName, ComponentRecord>();
    for (const record of inventory.Components) {
      if (!record.IsLegacy || record.Component === 'MfaServer') continue;
      if (legacy.has(record.Component)) {
        inferences.push(`${inventory.ComputerName} lists ${record.Component} more than once; the plan uses the first entry ` +
          `(${legacy.get(record.Component)!.DisplayName}).`);
        continue;
      }
      legacy.set(record.Component, record);
    }
    if (legacy.size === 0) {
      inferences.push(`${inventory.ComputerName} has no PhoneFactor component, so the plan leaves it alone.`);
      continue;
    }
    const agent = legacy.get('Agent');
    let installPath: string | null = null;
    if (agent) {
      installPath = trimTrailingSeparator(agent.InstallPath ?? '');
      if (!installPath) {
        installPath = DEFAULT_LEGACY_INSTALL_PATH;
        inferences.push(`The inventory of ${inventory.ComputerName} gives no Agent install path; the plan assumes ${DEFAULT_LEGACY_INSTALL_PATH}.`);
      }
    }
    planned.push({ inventory, name: inventory.ComputerName, legacy, isMfaServer: !!agent, installPath, bits: inventory.Is64Bit ? 64 : 32 });
  }
  if (!planned.some((s) => s.isMfaServer)) throw nothingToUpgrade(servers);
  return planned;
}

function nothingToUpgrade(servers: ServerInventory[]): CoreError {
  const upgraded = servers.filter((s) => s.Components.some((c) => c.Component === 'MfaServer'));
  if (upgraded.length > 0) {
    return new CoreError(
      'AlreadyUpgraded',
      `MFA Server is already installed on ${upgraded.map((s) => s.ComputerName).join(', ')} and no PhoneFactor Agent is left: there is nothing to upgrade ` +
        `from PhoneFactor. For later MFA Server versions, run the new installer in place.`,
      upgraded[0].ComputerName,
    );
  }
  return new CoreError(
    'NothingToUpgrade',
    `No PhoneFactor Agent was found on ${servers.map((s) => s.ComputerName).join(', ')}; the upgrade starts from the server that runs the Agent. Include it ` +
      `in the inventory.`,
    servers[0]?.ComputerName,
  );
}

/** `C:\Program Files\PhoneFactor\` → `C:\Program Files\PhoneFactor` (a drive root keeps its backslash). */
export function trimTrailingSeparator(path: string): string {
  const trimmed = path.trim().replace(/[\\/]+$/, '');
  return /^[A-Za-z]:$/.test(trimmed) ? `${trimmed}\\` : trimmed;
}

export function dataPathOf(server: PlannedServer): string | null {
  if (!server.installPath) return null;
  const agent = server.legacy.get('Agent');
  return agent?.DataPath ? trimTrailingSeparator(agent.DataPath) : joinWindowsPath(server.installPath, DATA_FOLDER);
}

/** A major version number, or null when the text has none. */
export function majorVersion(version: string | null | undefined): number | null {
  const m = /^\s*v?(\d+)/i.exec(version ?? '');
  return m ? Number(m[1]) : null;
}
