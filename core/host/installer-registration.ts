/**
 * Why this file: where Windows Installer keeps, for a per-machine product, the two things a way back needs: the cached
 * package (`LocalPackage`, a copy under C:\Windows\Installer) and the source list (the folders the package was
 * installed from). Both are under the product's PACKED code. Read by the survey (rollback media), written by the lab's
 * Windows Installer: the key paths and the packing live here once.
 *
 * Keys (64-bit view; the Windows Installer service is a native process):
 * - HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Installer\UserData\S-1-5-18\Products\<packed>\InstallProperties
 *   LocalPackage, DisplayName, DisplayVersion, InstallLocation, InstallSource...
 * - HKLM\SOFTWARE\Classes\Installer\Products\<packed>\SourceList: PackageName, LastUsedSource ("n;1;C:\folder\"),
 *   and its Net subkey: one value per source folder ("1" = "C:\folder\").
 */
import type { Host, RegistryKey } from './host';

const GUID = /^\{([0-9A-F]{8})-([0-9A-F]{4})-([0-9A-F]{4})-([0-9A-F]{4})-([0-9A-F]{12})\}$/i;

export const USERDATA_PRODUCTS_KEY = 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Installer\\UserData\\S-1-5-18\\Products';
export const CLASSES_PRODUCTS_KEY = 'HKLM\\SOFTWARE\\Classes\\Installer\\Products';

const reverse = (s: string) => [...s].reverse().join('');
/** Each byte (two hex digits) with its nibbles swapped: '8167' → '1876'. */
const swapNibbles = (s: string) => s.replace(/(.)(.)/g, '$2$1');

/**
 * The packed form Windows Installer names its keys with: the first three groups of the GUID reversed, then every byte
 * of the last two groups nibble-swapped. {F0C3E5D1-1ADE-321E-8167-68EF0DE699A5} → 1D5E3C0FEDA1E123187686FED06E995A.
 * undefined for anything that is not a braced GUID.
 */
export function packedGuid(productCode: string): string | undefined {
  const m = GUID.exec(productCode.trim());
  if (!m) return undefined;
  return [reverse(m[1]), reverse(m[2]), reverse(m[3]), swapNibbles(m[4]), swapNibbles(m[5])].join('').toUpperCase();
}

export const installPropertiesKey = (packed: string) => `${USERDATA_PRODUCTS_KEY}\\${packed}\\InstallProperties`;
export const productClassesKey = (packed: string) => `${CLASSES_PRODUCTS_KEY}\\${packed}`;
export const sourceListKey = (packed: string) => `${productClassesKey(packed)}\\SourceList`;

export interface InstallerRegistration {
  packedCode: string;
  /** Windows path of the cached package, as LocalPackage names it (the file may be gone). */
  localPackage?: string;
  /** SourceList PackageName: the package's file name in each source folder. */
  packageName?: string;
  /** The source folders: LastUsedSource first, then the Net list in its order (duplicates dropped). */
  sourceFolders: string[];
  /** InstallProperties values worth keeping with a backup (InstallLocation, InstallSource...). */
  installProperties: Record<string, string>;
}

function stringValue(key: RegistryKey | undefined, name: string): string | undefined {
  const v = key?.values.find((x) => x.name.toLowerCase() === name.toLowerCase());
  return typeof v?.data === 'string' && v.data.trim() !== '' ? v.data.trim() : undefined;
}

/** "n;1;C:\Media\" → "C:\Media\" (type n/u/m, index, then the source itself, which may hold ';'). */
function lastUsedFolder(value: string | undefined): string | undefined {
  const m = value === undefined ? null : /^[nmu];\d+;(.+)$/i.exec(value);
  return m ? m[1] : undefined;
}

const KEPT_PROPERTIES = ['DisplayName', 'DisplayVersion', 'Publisher', 'InstallLocation', 'InstallSource', 'InstallDate', 'LocalPackage'];

/** What Windows Installer recorded for a per-machine product; undefined when it recorded nothing under that code. */
export async function readInstallerRegistration(host: Host, productCode: string): Promise<InstallerRegistration | undefined> {
  const packed = packedGuid(productCode);
  if (!packed) return undefined;
  const props = await host.getRegistryKey(installPropertiesKey(packed), '64');
  const sources = await host.getRegistryKey(sourceListKey(packed), '64');
  if (!props && !sources) return undefined;
  const net = sources?.subkeys.some((s) => s.toLowerCase() === 'net') ? await host.getRegistryKey(`${sourceListKey(packed)}\\Net`, '64') : undefined;
  const netFolders = (net?.values ?? [])
    .filter((v) => /^\d+$/.test(v.name) && typeof v.data === 'string' && v.data.trim() !== '')
    .sort((a, b) => Number(a.name) - Number(b.name))
    .map((v) => String(v.data).trim());
  const folders: string[] = [];
  for (const f of [lastUsedFolder(stringValue(sources, 'LastUsedSource')), ...netFolders]) {
    if (f && !folders.some((x) => x.replace(/\\+$/, '').toLowerCase() === f.replace(/\\+$/, '').toLowerCase())) folders.push(f);
  }
  const installProperties: Record<string, string> = {};
  for (const name of KEPT_PROPERTIES) {
    const v = stringValue(props, name);
    if (v !== undefined) installProperties[name] = v;
  }
  return {
    packedCode: packed,
    localPackage: stringValue(props, 'LocalPackage'),
    packageName: stringValue(sources, 'PackageName'),
    sourceFolders: folders,
    installProperties,
  };
}
