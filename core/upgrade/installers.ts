/**
 * Running the installers of the upgrade on a host: uninstall by ProductCode, the MFA Server setup, and a web component
 * MSI of the host's bitness. Shared by Uninstall-PhoneFactor, Install-MfaServer and the upgrade engine.
 * Exit codes follow Windows Installer (host/msiexec-exit-codes.ts): 1605 on uninstall means already gone,
 * 3010/1641 mean done with a restart pending, 1618 means another installation is running.
 */
import type { Host, MsiexecResult } from '../host/host';
import { describeMsiexecExitCode, type MsiexecOutcome } from '../host/msiexec-exit-codes';
import { readMsi } from '../msi/reader';
import type { MsiInfo } from '../msi/msi-info';
import { findVirtualDirectoryProperty, selectComponentInstaller } from '../msi/select';
import { MFA_SERVER_DISPLAY_NAME, MFA_SERVER_SETUP_FILE, SERVER_LOG_FOLDER, WEB_COMPONENTS, type WebComponentName } from '../domain/catalog';
import { CoreError } from '../util/errors';
import { joinWindowsPath, pathSegmentFromName } from '../util/windows-path';

/** Where the engine's own and the installers' logs go on a server (the ConfigMgr convention). */
export const LOG_FOLDER = SERVER_LOG_FOLDER;

export interface InstallerRun {
  ExitCode: number;
  Outcome: MsiexecOutcome;
  Message: string;
  RebootRequired: boolean;
  LogPath: string;
  CommandLine: string;
}

/** An installer's log beside the engine's; the computer name comes from the server, so it must be a plain name. */
export function msiLogPath(computerName: string, what: string): string {
  return joinWindowsPath(LOG_FOLDER, pathSegmentFromName(`MfaServerUpgrade-${computerName}-${what}.log`, 'The installer log name (from the computer name)'));
}

function interpret(result: MsiexecResult, logPath: string, what: string, notInstalledIsOk: boolean): InstallerRun {
  const meaning = describeMsiexecExitCode(result.exitCode);
  const run: InstallerRun = {
    ExitCode: result.exitCode,
    Outcome: meaning.outcome,
    Message: meaning.message,
    RebootRequired: meaning.outcome === 'RebootRequired' || meaning.outcome === 'RebootInitiated',
    LogPath: logPath,
    CommandLine: result.commandLine,
  };
  if (meaning.outcome === 'Success' || run.RebootRequired || (notInstalledIsOk && meaning.outcome === 'NotInstalled')) return run;
  const code = meaning.outcome === 'Busy' ? 'InstallerBusy' : 'InstallerFailed';
  throw new CoreError(
    code,
    `${what} failed with exit code ${result.exitCode}: ${meaning.message} See the log ${logPath}.`,
    logPath,
    { exitCode: result.exitCode, commandLine: result.commandLine },
  );
}

export async function uninstallProduct(host: Host, productCode: string, displayName: string): Promise<InstallerRun> {
  const logPath = msiLogPath(host.computerName, `uninstall-${displayName.replace(/[^A-Za-z0-9]+/g, '')}`);
  const result = await host.runMsiexec({ operation: 'uninstall', productCode, logPath });
  return interpret(result, logPath, `Uninstalling ${displayName} (${productCode}) on ${host.computerName}`, true);
}

async function readInstaller(host: Host, path: string): Promise<MsiInfo> {
  if (!(await host.stat(path))) throw new CoreError('InstallerNotFound', `The installer ${path} does not exist on ${host.computerName}.`, path);
  return readMsi(await host.readFile(path), path);
}

/** The MFA Server setup in a media folder, checked to be MFA Server before it runs. */
export async function inspectServerSetup(host: Host, mediaFolder: string): Promise<{ path: string; info: MsiInfo | null; version: string | null }> {
  const path = `${mediaFolder.replace(/[\\/]+$/, '')}\\${MFA_SERVER_SETUP_FILE}`;
  if (!(await host.stat(path))) throw new CoreError('InstallerNotFound', `${MFA_SERVER_SETUP_FILE} is not in ${mediaFolder} on ${host.computerName}.`, path);
  let info: MsiInfo;
  try {
    info = readMsi(await host.readFile(path), path);
  } catch (e) {
    // The real setup program is a bootstrapper, not an MSI database: its identity cannot be read the same way. [?]
    if (!(e instanceof CoreError && e.code === 'MsiCorrupt')) throw e;
    return { path, info: null, version: null };
  }
  if (!MFA_SERVER_DISPLAY_NAME.test(info.productName ?? '')) {
    throw new CoreError('InstallerMismatch', `${path} installs '${info.productName ?? 'an unknown product'}', not Multi-Factor Authentication Server.`, path);
  }
  return { path, info, version: info.productVersion ?? null };
}

export async function installServer(host: Host, mediaFolder: string): Promise<InstallerRun & { Version: string | null }> {
  const setup = await inspectServerSetup(host, mediaFolder);
  const logPath = msiLogPath(host.computerName, 'install-MfaServer');
  // The bootstrapper's silent switches are not publicly documented [?]; these are the conventional ones.
  const result = await host.runSetup({ path: setup.path, arguments: ['/quiet', '/norestart', '/log', logPath], logPath });
  return { ...interpret(result, logPath, `Installing MFA Server on ${host.computerName}`, false), Version: setup.version };
}

/** The component's MSI for this host's bitness among the files in `folder` (both bitnesses ship side by side). */
export async function selectComponentMsi(host: Host, folder: string, component: WebComponentName): Promise<MsiInfo> {
  const dir = folder.replace(/[\\/]+$/, '');
  const candidates: MsiInfo[] = [];
  for (const bits of [64, 32] as const) {
    const path = `${dir}\\${WEB_COMPONENTS[component].msiFileName(bits)}`;
    if (await host.stat(path)) candidates.push(await readInstaller(host, path));
  }
  return selectComponentInstaller(candidates, component, host.is64Bit);
}

/** The MSI property that sets the vdir, if the installer has one (looked up by its default value). */
export async function vdirPropertyOf(host: Host, msiPath: string, component: WebComponentName): Promise<string | null> {
  const info = await readInstaller(host, msiPath);
  return findVirtualDirectoryProperty(info, WEB_COMPONENTS[component].newVirtualDirectory) ?? null;
}

export async function installComponentMsi(host: Host, msiPath: string, component: WebComponentName, properties: Record<string, string>): Promise<InstallerRun> {
  const info = await readInstaller(host, msiPath);
  selectComponentInstaller([info], component, host.is64Bit); // refuses a wrong product or bitness before running it
  const logPath = msiLogPath(host.computerName, `install-${component}`);
  const result = await host.runMsiexec({ operation: 'install', packagePath: msiPath, properties, logPath });
  return interpret(result, logPath, `Installing ${info.productName} ${info.productVersion ?? ''} on ${host.computerName}`, false);
}

/**
 * A PhoneFactor-era product reinstalled from the package a backup kept (Undo-MfaServerUpgrade), with the properties
 * recorded for it. The package is read first: it must be the product and version the rollback record names.
 */
export async function reinstallFromPackage(
  host: Host,
  msiPath: string,
  expected: { productCode: string; version: string; displayName: string; component: string },
  properties: Record<string, string>,
): Promise<InstallerRun> {
  const info = await readInstaller(host, msiPath);
  if ((info.productCode ?? '').toUpperCase() !== expected.productCode.toUpperCase() || (info.productVersion ?? '') !== expected.version) {
    throw new CoreError(
      'InstallerMismatch',
      `${msiPath} installs ${info.productCode ?? '?'} ${info.productVersion ?? '?'}, not ${expected.displayName} ${expected.productCode} ${expected.version}.`,
      msiPath,
    );
  }
  const logPath = msiLogPath(host.computerName, `reinstall-${expected.component}`);
  const result = await host.runMsiexec({ operation: 'install', packagePath: msiPath, properties, logPath });
  return interpret(result, logPath, `Reinstalling ${expected.displayName} ${expected.version} on ${host.computerName}`, false);
}
