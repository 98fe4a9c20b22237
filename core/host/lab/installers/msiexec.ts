/**
 * msiexec.exe for a lab server: install a package (an MFA Server one, or a PhoneFactor-era one a rollback reinstalls)
 * or uninstall a product code, with injected faults and a verbose log.
 */
import type { MsiexecRequest, MsiexecResult } from '../../host';
import type { LabMachine } from './lab-machine';
import { maskIfSecret } from '../../../util/secrets';
import { msiexecCommandLine } from './command-line';
import { isSuccessCode, takeFault } from './faults';
import { identifyPackage } from './identify-package';
import { InstallerLog } from './installer-log';
import { installMfaServer } from './server-setup';
import { uninstallProduct } from './uninstall';
import { installWebComponent } from './web-component-install';
import { installLegacyPackage } from './legacy-install';
import { missingCabinet, MSIEXEC_FATAL_ERROR } from './package-source';

export async function runLabMsiexec(lab: LabMachine, request: MsiexecRequest): Promise<MsiexecResult> {
  const commandLine = msiexecCommandLine(request);
  const log = new InstallerLog('C:\\Windows\\system32\\msiexec.exe');
  log.line(`Command line: ${maskedCommandLine(request)}`);
  const exitCode =
    request.operation === 'install' ? await install(lab, request, log) : await uninstall(lab, request.productCode, log);
  await log.appendTo(lab, request.logPath);
  return { exitCode, commandLine };
}

async function install(lab: LabMachine, request: Extract<MsiexecRequest, { operation: 'install' }>, log: InstallerLog): Promise<number> {
  const found = await identifyPackage(lab, request.packagePath);
  const subject = found.ok
    ? `${request.packagePath} ${found.info.productName} ${found.component} ${found.info.productCode}`
    : request.packagePath;
  const fault = await takeFault(lab, 'msiexec', subject);
  if (fault !== undefined && !isSuccessCode(fault)) {
    log.line(`Lab fault injected: exit code ${fault}.`);
    log.finish(found.ok ? found.info.productName ?? '' : request.packagePath, found.ok ? found.info.productVersion ?? '' : '', '', 'installed', fault);
    return fault;
  }
  if (!found.ok) {
    log.line(found.reason);
    return found.exitCode;
  }
  const { info, component, legacy } = found;
  // Windows Installer cannot install a file whose cabinet is missing: the run fails, nothing installed.
  const noCabinet = await missingCabinet(lab, request.packagePath, info);
  if (noCabinet) {
    log.line(noCabinet);
    log.finish(info.productName ?? '', info.productVersion ?? '', info.manufacturer ?? '', 'installed', MSIEXEC_FATAL_ERROR);
    return MSIEXEC_FATAL_ERROR;
  }
  // As Windows Installer: the whole installation or none of it (lab-transaction.ts).
  const code = await lab.asTransaction(() => {
    if (legacy && component !== 'MfaServer') return installLegacyPackage(lab, component, info, request.packagePath, request.properties, log);
    if (component === 'MfaServer') return installMfaServer(lab, info, request.packagePath, log);
    if (component === 'Agent') return Promise.resolve(1620); // an MFA Server media.json never names the Agent
    return installWebComponent(lab, component, info, request.packagePath, request.properties, log);
  });
  if (code === 1618) log.line('Another installation is in progress on this server (its rollback script is held by a running process).');
  const exitCode = code === 0 && fault !== undefined ? fault : code;
  log.finish(info.productName ?? '', info.productVersion ?? '', info.manufacturer ?? '', 'installed', exitCode);
  return exitCode;
}

async function uninstall(lab: LabMachine, productCode: string, log: InstallerLog): Promise<number> {
  const config = await lab.readConfig();
  const record = Object.entries(config.installerDatabase).find(([k]) => k.toUpperCase() === productCode.toUpperCase())?.[1];
  const fault = await takeFault(lab, 'msiexec', `${productCode} ${record?.productName ?? ''} ${record?.component ?? ''}`);
  if (fault !== undefined && !isSuccessCode(fault)) {
    log.line(`Lab fault injected: exit code ${fault}.`);
    log.finish(record?.productName ?? productCode, record?.version ?? '', record?.publisher ?? '', 'removed', fault);
    return fault;
  }
  let result: Awaited<ReturnType<typeof uninstallProduct>> = { exitCode: 1618 };
  await lab.asTransaction(async () => (result = await uninstallProduct(lab, productCode, log)).exitCode);
  if (result.exitCode === 1618) log.line('Another installation is in progress on this server (its rollback script is held by a running process).');
  const exitCode = result.exitCode === 0 && fault !== undefined ? fault : result.exitCode;
  log.finish(result.productName ?? productCode, result.version ?? '', result.publisher ?? '', 'removed', exitCode);
  return exitCode;
}

/** The command line for the log, with secret-named property values masked. */
function maskedCommandLine(request: MsiexecRequest): string {
  if (request.operation === 'uninstall') return msiexecCommandLine(request);
  const properties: Record<string, string> = {};
  for (const [k, v] of Object.entries(request.properties)) properties[k] = maskIfSecret(k, v) ?? '';
  return msiexecCommandLine({ ...request, properties });
}
