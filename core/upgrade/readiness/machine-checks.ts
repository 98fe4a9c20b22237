/**
 * Checks of the server itself: elevation, a pending restart, another installation running, the service that must stop
 * for a consistent backup.
 */
import type { Host } from '../../host/host';
import { findMfaServices } from '../../survey/mfa-services';
import type { ServerInventory } from '../../domain/inventory-types';
import { row, type ReadinessRow } from '../../domain/readiness-types';
import { isLinkFailure } from '../../util/errors';
import { LEARN, basis, inference } from '../../domain/learn-sources';

const ELEVATED_BASIS = basis('The component installers are run from an elevated command prompt', LEARN.upgradePhoneFactor);

export async function checkElevated(host: Host): Promise<ReadinessRow> {
  let elevated: boolean;
  try {
    elevated = await host.isElevated();
  } catch (e) {
    if (isLinkFailure(e)) throw e;
    return row(
      host.computerName,
      'Elevated',
      'Warning',
      `Whether the tool runs elevated could not be read: ${(e as Error).message}`,
      'Make sure PowerShell was started with "Run as administrator" (or the run is SYSTEM).',
      ELEVATED_BASIS,
    );
  }
  return row(
    host.computerName,
    'Elevated',
    elevated ? 'Passed' : 'Failed',
    elevated ? 'The tool runs with an administrator\'s full token (or as SYSTEM).' : 'The tool does not run elevated: installers, services and the registry ' +
      'key need an administrator\'s full token.',
    'Start PowerShell with "Run as administrator" (or run as SYSTEM from ConfigMgr / Intune), then run the command again.',
    ELEVATED_BASIS,
  );
}

/** Windows' restart indicators: each a key or value Windows servicing, Windows Update and MoveFileEx leave behind. */
const RESTART_INDICATORS = [
  { name: 'Component Based Servicing RebootPending', key: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending' },
  { name: 'Windows Update RebootRequired', key: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired' },
  { name: 'PendingFileRenameOperations', key: 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager', value: 'PendingFileRenameOperations' },
] as const;

export async function checkPendingRestart(host: Host): Promise<ReadinessRow> {
  const found: string[] = [];
  // Read together: on a remote server, one round trip for all of them.
  const keys = await Promise.all(RESTART_INDICATORS.map((i) => host.getRegistryKey(i.key, '64')));
  for (const [n, i] of RESTART_INDICATORS.entries()) {
    const key = keys[n];
    if (!key) continue;
    if (!('value' in i)) {
      found.push(i.name);
      continue;
    }
    const v = key.values.find((x) => x.name.toLowerCase() === i.value.toLowerCase());
    const data = v?.data;
    if (Array.isArray(data) ? data.some((d) => d !== '') : data !== undefined && data !== '') found.push(i.name);
  }
  return row(
    host.computerName,
    'PendingRestart',
    found.length ? 'Failed' : 'Passed',
    found.length ? `A restart is pending (${found.join(', ')}).` : 'No restart is pending (Component Based Servicing, Windows Update, ' +
      'PendingFileRenameOperations).',
    'Restart the server, then run the upgrade: files replaced at the pending restart can make an installer fail (1603) or undo what it wrote.',
    inference('Windows servicing\'s restart indicators; Windows Installer replaces files in use at the next restart'),
  );
}

export async function checkInstallationInProgress(host: Host): Promise<ReadinessRow> {
  const key = await host.getRegistryKey('HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Installer\\InProgress', '64');
  return row(
    host.computerName,
    'InstallationInProgress',
    key ? 'Failed' : 'Passed',
    key ? 'Windows Installer is running another installation (HKLM\\...\\Installer\\InProgress exists).' : 'No other Windows Installer ' +
      'installation is running.',
    'Wait for the other installation to finish (or restart the server if it never does), then run the upgrade; an installer started now ends with 1618.',
    basis('Windows Installer runs one installation at a time (exit code 1618); the InProgress key as its sign is an inference [?]', LEARN.msiexecExitCodes),
  );
}

export async function checkServiceStoppable(host: Host, inventory: ServerInventory): Promise<ReadinessRow | undefined> {
  if (!inventory.Components.some((c) => c.Component === 'Agent' || c.Component === 'MfaServer')) return undefined;
  const services = await findMfaServices(host);
  const why = basis('The data file is backed up and restored with the MultiFactorAuth service stopped', LEARN.deploy, LEARN.upgradePhoneFactor);
  if (services.length === 0) {
    return row(
      host.computerName,
      'ServiceStoppable',
      'Warning',
      'No PhoneFactor / MFA Server service was found (the PhoneFactor-era service name is not documented [?]).',
      'Check services.msc for the PhoneFactor service and stop it yourself before the backup, or the data file is copied while it may change.',
      why,
    );
  }
  const busy = services.filter((s) => s.state === 'StartPending' || s.state === 'StopPending' || s.state === 'Paused');
  const list = services.map((s) => `${s.name} (${s.state}, ${s.startType})`).join(', ');
  if (busy.length > 0) {
    return row(
      host.computerName,
      'ServiceStoppable',
      'Failed',
      `The service is between states: ${list}.`,
      `Wait until ${busy.map((s) => s.name).join(', ')} is Running or Stopped (or restart the server), then run again.`,
      why,
    );
  }
  return row(host.computerName, 'ServiceStoppable', 'Passed', `The data file's service can be stopped for a consistent backup: ${list}.`, null, why);
}
