/**
 * What Windows Installer records for an installed product: the Uninstall key named by the ProductCode
 * (in the registry view of the package's bitness) and, for the lab, the product's entry in server.json.
 */
import type { RegistryView } from '../../host';
import type { LabMachine } from './lab-machine';
import type { InstalledProductRecord } from '../server-file';
import { cachePackage } from './installer-cache';

export const UNINSTALL_KEY = 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall';

/** An x86 package on 64-bit Windows registers in the 32-bit view; everything else in the native one. */
export function viewForPlatform(lab: LabMachine, platform: 'x86' | 'x64'): RegistryView {
  return lab.is64Bit && platform === 'x86' ? '32' : '64';
}

export function findProductCode(db: Record<string, InstalledProductRecord>, productCode: string): string | undefined {
  return Object.keys(db).find((k) => k.toUpperCase() === productCode.toUpperCase());
}

export async function registerProduct(
  lab: LabMachine,
  productCode: string,
  record: InstalledProductRecord,
  installSource: string,
  /** The package it was installed from (a lab Windows path): cached and recorded as Windows Installer does. */
  packagePath?: string,
): Promise<void> {
  const tree = await lab.loadRegistry();
  const key = lab.regPath(`${UNINSTALL_KEY}\\${productCode}`, record.registryView);
  const [major, minor] = record.version.split('.').map((n) => Number(n) || 0);
  const today = new Date();
  const installDate = `${today.getFullYear()}${String(today.getMonth() + 1).padStart(2, '0')}${String(today.getDate()).padStart(2, '0')}`;
  const values = [
    { name: 'DisplayName', type: 'REG_SZ', data: record.productName },
    { name: 'DisplayVersion', type: 'REG_SZ', data: record.version },
    { name: 'Publisher', type: 'REG_SZ', data: record.publisher },
    { name: 'InstallLocation', type: 'REG_SZ', data: record.installLocation ?? '' },
    { name: 'InstallSource', type: 'REG_SZ', data: installSource },
    { name: 'InstallDate', type: 'REG_SZ', data: installDate },
    { name: 'UninstallString', type: 'REG_EXPAND_SZ', data: `MsiExec.exe /X${productCode}` },
    { name: 'VersionMajor', type: 'REG_DWORD', data: major },
    { name: 'VersionMinor', type: 'REG_DWORD', data: minor },
    { name: 'WindowsInstaller', type: 'REG_DWORD', data: 1 },
  ] as const;
  for (const v of values) tree.setValue(key, { ...v });
  await lab.saveRegistry(tree);
  const config = await lab.readConfig();
  config.installerDatabase[productCode] = record;
  await lab.writeConfig(config);
  if (packagePath) {
    await cachePackage(lab, {
      productCode,
      productName: record.productName,
      version: record.version,
      publisher: record.publisher,
      installLocation: record.installLocation ?? '',
      packagePath,
    });
  }
}
