/**
 * The lab's Windows Installer keeps what Windows keeps for a per-machine product (installer-registration.ts):
 * - a cached copy of the package under C:\Windows\Installer\<random>.msi, WITHOUT its embedded cabinets (Windows
 *   removes them before caching, Microsoft's "Cabinet" data type page) and without any cabinet file beside it;
 * - LocalPackage and the product's facts under UserData\S-1-5-18\Products\<packed>\InstallProperties;
 * - the SourceList (PackageName, LastUsedSource, Net\1) naming the folder the package was installed from.
 * On uninstall the cached package and both keys go, as Windows deletes them: whoever wants the package back must
 * copy it before.
 */
import { randomBytes } from 'node:crypto';
import { withoutEmbeddedCabinets } from '../../../msi/strip-cabinets';
import { installPropertiesKey, packedGuid, productClassesKey, sourceListKey, USERDATA_PRODUCTS_KEY } from '../../installer-registration';
import type { RegistryValue } from '../../host';
import type { LabMachine } from './lab-machine';
import { windowsParent } from '../../../util/windows-path';

export const INSTALLER_CACHE_FOLDER = 'C:\\Windows\\Installer';

export interface CachedProduct {
  productCode: string;
  productName: string;
  version: string;
  publisher: string;
  installLocation: string;
  /** Windows path of the package the product is installed from (in the lab). */
  packagePath: string;
}

/** Caches the package and records it; a package that cannot be read is recorded without a cache (as a broken cache would be). */
export async function cachePackage(lab: LabMachine, product: CachedProduct): Promise<void> {
  const packed = packedGuid(product.productCode);
  if (!packed) return;
  const cached = `${INSTALLER_CACHE_FOLDER}\\${randomBytes(4).toString('hex')}.msi`;
  await lab.makeDirectory(INSTALLER_CACHE_FOLDER);
  await lab.writeFileAtomic(cached, withoutEmbeddedCabinets(await lab.readFile(product.packagePath), product.packagePath));

  const folder = `${windowsParent(product.packagePath).replace(/\\$/, '')}\\`;
  const packageName = product.packagePath.slice(product.packagePath.lastIndexOf('\\') + 1);
  const tree = await lab.loadRegistry();
  const set = (key: string, value: RegistryValue) => tree.setValue(lab.regPath(key, '64'), value);
  const props = installPropertiesKey(packed);
  for (const [name, data] of [
    ['LocalPackage', cached],
    ['DisplayName', product.productName],
    ['DisplayVersion', product.version],
    ['Publisher', product.publisher],
    ['InstallLocation', product.installLocation],
    ['InstallSource', folder],
  ] as const) {
    set(props, { name, type: 'REG_SZ', data });
  }
  set(productClassesKey(packed), { name: 'ProductName', type: 'REG_SZ', data: product.productName });
  set(sourceListKey(packed), { name: 'PackageName', type: 'REG_SZ', data: packageName });
  set(sourceListKey(packed), { name: 'LastUsedSource', type: 'REG_EXPAND_SZ', data: `n;1;${folder}` });
  set(`${sourceListKey(packed)}\\Net`, { name: '1', type: 'REG_EXPAND_SZ', data: folder });
  await lab.saveRegistry(tree);
}

/** What Windows Installer does with its records of a product it removes: the cached package and both keys go. */
export async function forgetPackage(lab: LabMachine, productCode: string): Promise<string | undefined> {
  const packed = packedGuid(productCode);
  if (!packed) return undefined;
  const props = await lab.getRegistryKey(installPropertiesKey(packed), '64');
  const local = props?.values.find((v) => v.name.toLowerCase() === 'localpackage')?.data;
  if (typeof local === 'string' && local) await lab.removePath(local);
  const tree = await lab.loadRegistry();
  tree.deleteKey(lab.regPath(`${USERDATA_PRODUCTS_KEY}\\${packed}`, '64'));
  tree.deleteKey(lab.regPath(productClassesKey(packed), '64'));
  await lab.saveRegistry(tree);
  return typeof local === 'string' ? local : undefined;
}
