/**
 * What the MFA server itself says about the Migration Utility: the MFA Server build (8.1 and later ship the Utility,
 * M1), the Utility's files in the install folder, and the server's place in its replication group.
 */
import type { Host } from '../host/host';
import type { ServerInventory } from '../domain/inventory-types';
import { row, type MigrationCheckName, type ReadinessRow } from '../domain/readiness-types';
import {
  MIGRATION_UTILITY_MIN_VERSION,
  MIGRATION_UTILITY_SCRIPT,
  MIGRATION_UTILITY_UI,
  PRODUCT_KEY,
  PRODUCT_KEY_VIEW,
  REPLICATION_PORT_VALUE,
} from '../domain/catalog';
import { LEARN, basis, inference } from '../domain/learn-sources';
import { compareVersions } from '../util/versions';
import { joinWindowsPath } from '../util/windows-path';

export type MigrationRow = ReadinessRow<MigrationCheckName>;

export function buildCheck(host: Host, inventory: ServerInventory): MigrationRow {
  const server = inventory.Components.find((c) => c.Component === 'MfaServer');
  const agent = inventory.Components.find((c) => c.Component === 'Agent');
  const why = basis(`The Migration Utility ships with MFA Server ${MIGRATION_UTILITY_MIN_VERSION} and later`, LEARN.migration);
  if (!server) {
    return row(host.computerName, 'MfaServerBuild', 'Failed',
      agent ? `The PhoneFactor Agent ${agent.Version ?? ''} is installed, not MFA Server.` : 'MFA Server is not installed on this server.',
      agent ? 'Upgrade it first: Invoke-MfaServerUpgrade -Goal Migrate.' : 'Run this on the MFA server (the primary of its replication group).', why);
  }
  const version = server.Version ?? '';
  if (version && compareVersions(version, MIGRATION_UTILITY_MIN_VERSION) >= 0) {
    return row(host.computerName, 'MfaServerBuild', 'Passed', `${server.DisplayName} ${version}.`, null, why);
  }
  return row(host.computerName, 'MfaServerBuild', 'Failed', `${server.DisplayName} ${version || '(version unknown)'}: older than ` +
    `${MIGRATION_UTILITY_MIN_VERSION}.`, `Install MFA Server ${MIGRATION_UTILITY_MIN_VERSION} or later (in place) first.`, why);
}

export async function utilityCheck(host: Host, inventory: ServerInventory): Promise<MigrationRow> {
  const why = basis('Configure-MultiFactorAuthMigrationUtility.ps1 is run from the install folder and opens MultiFactorAuthMigrationUtilityUI',
    LEARN.migration) + '; ' + inference(`the UI is the file ${MIGRATION_UTILITY_UI} beside it`);
  const folder = inventory.Components.find((c) => c.Component === 'MfaServer')?.InstallPath?.replace(/[\\/]+$/, '');
  if (!folder) return row(host.computerName, 'MigrationUtility', 'Failed', 'MFA Server is not installed, so there is no install folder to look in.',
    'Install MFA Server 8.1 or later first.', why);
  const missing: string[] = [];
  for (const file of [MIGRATION_UTILITY_SCRIPT, MIGRATION_UTILITY_UI]) {
    const stat = await host.stat(joinWindowsPath(folder, file));
    if (!stat || stat.isDirectory) missing.push(file);
  }
  if (missing.length === 0) {
    return row(host.computerName, 'MigrationUtility', 'Passed', `${MIGRATION_UTILITY_SCRIPT} and ${MIGRATION_UTILITY_UI} are in ${folder}.`, null, why);
  }
  return row(host.computerName, 'MigrationUtility', 'Failed', `Not in ${folder}: ${missing.join(', ')}.`,
    'Install the MFA Server 8.1 (or later) build again over this one; the Utility comes with it.', why);
}

/**
 * No documented place records whether a server is the primary of its replication group (it is chosen at activation;
 * S5, S12). What can be read: the static replication port value, which S6 says to "set on all MFA Servers" of a group
 * (a group may also run on dynamic RPC ports without it), and whether the Web Service SDK is installed here (S12: it is
 * needed only on the primary). Both are hints, said as such: a server without any sign of a group is taken as the
 * only one (its own primary); with a sign the admin has to confirm the role.
 */
export async function roleCheck(host: Host, inventory: ServerInventory): Promise<MigrationRow> {
  const why = inference(
    'no public page says where the role is recorded; the Utility runs on the primary, or on a secondary that handles no other MFA traffic after ' +
      'Configure-MultiFactorAuthMigrationUtility.ps1 ran there; a static replication port is set on every server of a group',
    LEARN.migration,
  );
  const key = await host.getRegistryKey(PRODUCT_KEY, PRODUCT_KEY_VIEW);
  const port = key?.values.find((v) => v.name.toLowerCase() === REPLICATION_PORT_VALUE.toLowerCase());
  const sdk = inventory.Components.some((c) => c.Component === 'WebServiceSdk' && !c.IsLegacy);
  const sdkHint = sdk ? ' The Web Service SDK is installed here, which Microsoft says only the primary needs (a hint that this is the primary).' : '';
  if (!port) {
    return row(host.computerName, 'ReplicationRole', 'Passed', `No replication setting (${REPLICATION_PORT_VALUE}) under ${PRODUCT_KEY}: no sign of a ` +
      `replication group, so this server is taken as the only one, its own primary.${sdkHint}`, null, why);
  }
  return row(host.computerName, 'ReplicationRole', 'Warning', `${REPLICATION_PORT_VALUE} = ${String(port.data)}: this server belongs to a ` +
    `replication group, and whether it is the primary is recorded nowhere documented.${sdkHint}`,
  'Confirm in the MFA Server console which server is the primary and run the Utility there, or on a dedicated secondary that handles no other MFA ' +
    'traffic after running Configure-MultiFactorAuthMigrationUtility.ps1 on it.', why);
}
