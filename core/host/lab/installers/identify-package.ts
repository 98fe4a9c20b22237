/**
 * Which component a package is: read the real MSI database at the lab path and match its ProductName against the
 * catalog (MFA Server's names, and the PhoneFactor-era names a rollback reinstalls from a backup's RollbackMedia);
 * when the name says nothing, look its ProductCode/UpgradeCode up in a media.json beside the package (the lab media
 * manifest).
 */
import type { ComponentName } from '../../../domain/catalog';
import { classifyProduct } from '../../../domain/classify-product';
import { readMsi } from '../../../msi/reader';
import type { MsiInfo } from '../../../msi/msi-info';
import type { LabMachine } from './lab-machine';
import { joinWindowsPath, windowsParent } from '../../../util/windows-path';

export type PackageLookup =
  /** legacy: a PhoneFactor Agent 5.x-era product (legacy-install.ts), not an MFA Server one. */
  | { ok: true; info: MsiInfo; component: ComponentName; legacy: boolean }
  | { ok: false; exitCode: number; reason: string };

/** 1619: the package could not be opened; 1620: it is not a valid installation package (Windows Installer codes). */
export async function identifyPackage(lab: LabMachine, packagePath: string): Promise<PackageLookup> {
  const stat = await lab.stat(packagePath);
  if (!stat || stat.isDirectory) return { ok: false, exitCode: 1619, reason: `The package ${packagePath} could not be opened: it does not exist.` };
  let info: MsiInfo;
  try {
    info = readMsi(await lab.readFile(packagePath), packagePath);
  } catch (e) {
    return { ok: false, exitCode: 1620, reason: `The package ${packagePath} is not a valid installation package: ${(e as Error).message}` };
  }
  const byName = classifyProduct(info.productName ?? '');
  if (byName) return { ok: true, info, component: byName.component, legacy: byName.isLegacy };
  const component = await componentFromMedia(lab, packagePath, info);
  if (!component) {
    return {
      ok: false,
      exitCode: 1620,
      reason: `The package ${packagePath} (${info.productName ?? 'no ProductName'}) is not a PhoneFactor or MFA Server package the lab knows.`,
    };
  }
  return { ok: true, info, component, legacy: component === 'Agent' };
}

async function componentFromMedia(lab: LabMachine, packagePath: string, info: MsiInfo): Promise<ComponentName | undefined> {
  const manifest = joinWindowsPath(windowsParent(packagePath), 'media.json');
  if (!(await lab.stat(manifest))) return undefined;
  try {
    const media = JSON.parse((await lab.readFile(manifest)).toString('utf8')) as {
      files?: { component?: ComponentName; productCode?: string; upgradeCode?: string }[];
    };
    const same = (a?: string, b?: string) => !!a && !!b && a.toUpperCase() === b.toUpperCase();
    return media.files?.find((f) => same(f.productCode, info.productCode) || same(f.upgradeCode, info.upgradeCode))?.component;
  } catch {
    return undefined;
  }
}
