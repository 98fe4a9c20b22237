/**
 * MultiFactorAuthenticationServerSetup.exe as the lab simulates it (the documented behaviour):
 * - install path: InstallPath of the product key (32-bit view) when present, else the fresh-install default;
 * - the data file <install>\Data\PhoneFactor.pfdata (any spelling) is upgraded in place, or created when absent;
 * - InstallPath is written back with its trailing backslash; services MultiFactorAuth and MultiFactorAuthAdSync
 *   are created; the web component installers (both bitnesses) are copied from the setup's folder into the
 *   install folder, as on a real server; the product is registered.
 * A PhoneFactor Agent still registered makes it refuse with 1638 (the old product must be uninstalled first).
 */
import { compareVersions } from '../../../util/versions';
import { MIGRATION_UTILITY_MIN_VERSION, MIGRATION_UTILITY_SCRIPT, MIGRATION_UTILITY_UI } from '../../../domain/catalog';
import {
  DATA_FILE,
  DATA_FOLDER,
  DEFAULT_NEW_INSTALL_PATH,
  INSTALL_PATH_VALUE,
  MFA_ADSYNC_SERVICE,
  MFA_SERVICE,
  PRODUCT_KEY,
  PRODUCT_KEY_VIEW,
} from '../../../domain/catalog';
import type { MsiInfo } from '../../../msi/msi-info';
import type { MsiexecResult, SetupRequest } from '../../host';
import type { LabMachine } from './lab-machine';
import { joinWindowsPath, windowsBasename, windowsParent } from '../../../util/windows-path';
import { formatDataFile, MFA_SERVER_SCHEMA, upgradeDataFile } from '../data-file';
import type { InstalledProductRecord } from '../server-file';
import { setupCommandLine } from './command-line';
import { isSuccessCode, takeFault } from './faults';
import { identifyPackage } from './identify-package';
import { missingCabinet, MSIEXEC_FATAL_ERROR } from './package-source';
import { InstallerLog } from './installer-log';
import { findProductCode, registerProduct, viewForPlatform } from './product-registration';
import { formatServiceLogLine, LOGS_FOLDER, SERVICE_LOG_NAME } from '../../../domain/service-log';

export async function runLabSetup(lab: LabMachine, request: SetupRequest): Promise<MsiexecResult> {
  const commandLine = setupCommandLine(request);
  const log = new InstallerLog(request.path);
  log.line(`Command line: ${commandLine}`);
  const found = await identifyPackage(lab, request.path);
  const fault = await takeFault(lab, 'setup', found.ok ? `${request.path} ${found.info.productName} ${found.component}` : request.path);
  let exitCode: number;
  if (fault !== undefined && !isSuccessCode(fault)) {
    log.line(`Lab fault injected: exit code ${fault}.`);
    exitCode = fault;
  } else if (!found.ok) {
    log.line(found.reason);
    exitCode = found.exitCode;
  } else if (found.component !== 'MfaServer') {
    log.line(`${request.path} is the ${found.component} package, not the MFA Server setup.`);
    exitCode = 1620;
  } else {
    const info = found.info;
    // The setup's own MSI cannot install without its cabinets either (package-source.ts).
    const noCabinet = await missingCabinet(lab, request.path, info);
    if (noCabinet) log.line(noCabinet);
    const code = noCabinet ? MSIEXEC_FATAL_ERROR : await lab.asTransaction(() => installMfaServer(lab, info, request.path, log));
    exitCode = code === 0 && fault !== undefined ? fault : code;
  }
  log.finish(
    found.ok ? found.info.productName ?? '' : request.path,
    found.ok ? found.info.productVersion ?? '' : '',
    found.ok ? found.info.manufacturer ?? '' : '',
    'installed',
    exitCode,
  );
  await log.appendTo(lab, request.logPath);
  return { exitCode, commandLine };
}

/** Where MFA Server goes: the previous install path from the registry, else the default. */
export async function mfaServerInstallPath(lab: LabMachine): Promise<string> {
  const key = await lab.getRegistryKey(PRODUCT_KEY, PRODUCT_KEY_VIEW);
  const value = key?.values.find((v) => v.name.toLowerCase() === INSTALL_PATH_VALUE.toLowerCase());
  const previous = typeof value?.data === 'string' ? value.data.replace(/\\+$/, '') : '';
  return previous !== '' ? previous : DEFAULT_NEW_INSTALL_PATH;
}

export async function installMfaServer(lab: LabMachine, info: MsiInfo, setupPath: string, log: InstallerLog): Promise<number> {
  const platform = info.platform === 'x64' ? 'x64' : 'x86';
  if (platform === 'x64' && !lab.is64Bit) {
    log.line('This installation package is not supported by this processor type (x64 setup on 32-bit Windows).');
    return 1633;
  }
  const config = await lab.readConfig();
  const agent = Object.entries(config.installerDatabase).find(([, r]) => r.component === 'Agent');
  if (agent) {
    log.line(`Another version of this product is already installed: ${agent[1].productName} ${agent[1].version} (${agent[0]}). Uninstall it first.`);
    return 1638;
  }
  const productCode = info.productCode ?? '';
  if (findProductCode(config.installerDatabase, productCode)) {
    log.line(`Another version of this product is already installed: ${productCode}.`);
    return 1638;
  }

  const installPath = await mfaServerInstallPath(lab);
  log.line(`PROPERTY CHANGE: INSTALLDIR = '${installPath}\\'.`);
  const installed: string[] = [];
  const put = async (path: string, data: Buffer) => {
    await lab.placeFile(path, data);
    installed.push(path);
    log.line(`Installed file ${path}.`);
  };
  // 8.1 and later ship the Migration Utility in the install folder (M1).
  const shipsUtility = compareVersions(info.productVersion ?? '', MIGRATION_UTILITY_MIN_VERSION) >= 0;
  const migrationUtility = shipsUtility ? [MIGRATION_UTILITY_UI, MIGRATION_UTILITY_SCRIPT] : [];
  for (const exe of ['MultiFactorAuthSvc.exe', 'MultiFactorAuthUI.exe', 'MultiFactorAuthAdSyncSvc.exe', ...migrationUtility]) {
    await put(joinWindowsPath(installPath, exe), Buffer.from(`Lab placeholder for ${exe} (MfaServerUpgrade lab).\r\n`, 'utf8'));
  }
  // The component installers ship in the install folder (both bitnesses), ready to copy to a web server.
  const mediaFolder = windowsParent(setupPath);
  for (const entry of await lab.listDirectory(mediaFolder)) {
    if (!entry.isDirectory && /\.msi$/i.test(entry.name)) {
      await put(joinWindowsPath(installPath, entry.name), await lab.readFile(joinWindowsPath(mediaFolder, entry.name)));
    }
  }

  // The data file: upgraded in place under whatever spelling it has; created when there is none.
  const dataPath = joinWindowsPath(installPath, DATA_FOLDER, DATA_FILE);
  if (await lab.stat(dataPath)) {
    const upgraded = upgradeDataFile(await lab.readFile(dataPath));
    if (upgraded) {
      await lab.placeFile(dataPath, upgraded);
      log.line(`Upgraded data file ${windowsBasename(lab.localPath(dataPath))} to schema ${MFA_SERVER_SCHEMA}.`);
    } else {
      log.line(`Data file ${dataPath} is not in the lab format; left unchanged.`);
    }
  } else {
    await lab.placeFile(dataPath, formatDataFile(MFA_SERVER_SCHEMA, []));
    log.line(`Created a new data file ${dataPath}.`);
  }

  // Straight to the registry file: the caller's runSetup/runMsiexec already holds the lab's lock.
  const tree = await lab.loadRegistry();
  tree.setValue(lab.regPath(PRODUCT_KEY, PRODUCT_KEY_VIEW), { name: INSTALL_PATH_VALUE, type: 'REG_SZ', data: `${installPath}\\` });
  await lab.saveRegistry(tree);
  // The service log in its own grammar (domain/service-log.ts [?]), appended to what the server logged before.
  const serviceLog = joinWindowsPath(installPath, LOGS_FOLDER, SERVICE_LOG_NAME);
  const previousLog = (await lab.stat(serviceLog)) ? await lab.readFile(serviceLog) : Buffer.alloc(0);
  const now = new Date().toISOString();
  // faults.activationRequired: the server asks for activation and its service does not run until it is activated; the
  // lab cannot be activated (no credentials exist for it), so it stays that way, as on a tenant that can no longer get them.
  const activationRequired = (await lab.readConfig()).faults?.activationRequired === true;
  const lines = [
    `Multi-Factor Authentication Server service installed (version ${info.productVersion ?? ''}).`,
    activationRequired ? 'The server is not activated: the service waits for activation credentials.' : 'Service started.',
  ].map((message) => `${formatServiceLogLine({ timestamp: now, level: 'i', pid: process.pid, tid: 1, component: 'pfsvc', message })}\r\n`);
  await lab.placeFile(serviceLog, Buffer.concat([previousLog, Buffer.from(lines.join(''), 'utf8')]));

  const withServices = await lab.readConfig();
  withServices.services[MFA_SERVICE] = {
    displayName: 'Multi-Factor Authentication Server',
    state: activationRequired ? 'Stopped' : 'Running',
    startType: 'Automatic',
  };
  withServices.services[MFA_ADSYNC_SERVICE] = { displayName: 'Multi-Factor Authentication AD Sync', state: 'Stopped', startType: 'Manual' };
  await lab.writeConfig(withServices);
  log.line(`Created services ${MFA_SERVICE} (${activationRequired ? 'Stopped: activation required' : 'Running'}) and ${MFA_ADSYNC_SERVICE} (Stopped).`);

  const record: InstalledProductRecord = {
    component: 'MfaServer',
    productName: info.productName ?? 'Multi-Factor Authentication Server',
    version: info.productVersion ?? '',
    publisher: info.manufacturer ?? '',
    platform,
    registryView: viewForPlatform(lab, platform),
    installLocation: `${installPath}\\`,
    files: installed,
    directories: [installPath],
    services: [MFA_SERVICE, MFA_ADSYNC_SERVICE],
  };
  await registerProduct(lab, productCode, record, `${mediaFolder}\\`, setupPath);
  return 0;
}
