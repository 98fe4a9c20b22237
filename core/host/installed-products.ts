import type { Host, RegistryKey, RegistryView } from './host';
import { isCoreError } from '../util/errors';
import { readExport } from './registry-file';
import { farProcedure } from './remote/far-procedures';

/** Errors that mean one Uninstall entry cannot be read (its data, or reg.exe refusing that key). */
const DAMAGED_ENTRY = new Set(['RegistryOutputUnreadable', 'RegistryReadFailed']);

/** Errors that mean the whole list could not be exported as one file: the entries are then read one by one. */
const EXPORT_UNUSABLE = new Set(['RegistryExportFailed', 'RegistryFileMalformed']);

/** Where Windows lists installed programs (Programs and Features), per registry view. */
export const UNINSTALL_KEY = 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall';

export interface InstalledProduct {
  /** Set for Windows Installer entries, whose key name is the ProductCode. */
  productCode?: string;
  keyName: string;
  displayName: string;
  displayVersion?: string;
  publisher?: string;
  installLocation?: string;
  uninstallString?: string;
  isWindowsInstaller: boolean;
  view: RegistryView;
}

export interface InstalledProductWarning {
  keyName: string;
  view: RegistryView;
  message: string;
}

const PRODUCT_CODE = /^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/i;

function stringValue(key: RegistryKey, name: string): string | undefined {
  const value = key.values.find((v) => v.name.toLowerCase() === name.toLowerCase());
  if (!value || typeof value.data !== 'string') return undefined;
  const text = value.data.trim();
  return text === '' ? undefined : text;
}

function numberValue(key: RegistryKey, name: string): number | undefined {
  const value = key.values.find((v) => v.name.toLowerCase() === name.toLowerCase());
  return typeof value?.data === 'number' ? value.data : undefined;
}

/** One Uninstall entry as a product, or undefined for entries Programs and Features does not show either. */
function toProduct(keyName: string, key: RegistryKey, view: RegistryView, warn: (message: string) => void): InstalledProduct | undefined {
  const displayName = stringValue(key, 'DisplayName');
  if (!displayName) return undefined;
  const isWindowsInstaller = numberValue(key, 'WindowsInstaller') === 1;
  let productCode: string | undefined;
  if (isWindowsInstaller) {
    if (PRODUCT_CODE.test(keyName)) productCode = keyName.toUpperCase();
    else warn(`"${displayName}" is marked as a Windows Installer product but its key name is not a product code.`);
  }
  return {
    productCode,
    keyName,
    displayName,
    displayVersion: stringValue(key, 'DisplayVersion'),
    publisher: stringValue(key, 'Publisher'),
    installLocation: stringValue(key, 'InstallLocation'),
    uninstallString: stringValue(key, 'UninstallString'),
    isWindowsInstaller,
    view,
  };
}

/**
 * Every installed product in both registry views (64-bit first), with a warning for each entry that could not be
 * read: one damaged entry must not hide the others. On 32-bit Windows there is a single view, read once.
 * On a remote server it runs on the core there, in one round trip (far-procedures.ts).
 */
export const readInstalledProducts = farProcedure('readInstalledProducts', readBothViews);

async function readBothViews(host: Host): Promise<{ products: InstalledProduct[]; warnings: InstalledProductWarning[] }> {
  const products: InstalledProduct[] = [];
  const warnings: InstalledProductWarning[] = [];
  const views: RegistryView[] = host.is64Bit ? ['64', '32'] : ['32'];
  for (const view of views) {
    const entries = (await exportedEntries(host, view)) ?? (await entriesOneByOne(host, view, warnings));
    for (const { keyName, key } of entries) {
      const product = toProduct(keyName, key, view, (message) => warnings.push({ keyName, view, message }));
      if (product) products.push(product);
    }
  }
  return { products, warnings };
}

interface UninstallEntry {
  keyName: string;
  key: RegistryKey;
}

/**
 * The view's whole Uninstall list from one export (one reg.exe, one remote call, instead of one per entry; and exact
 * text, since an export is UTF-16 where reg query prints in the console's code page). [] when the view has no list;
 * undefined when the export cannot be used (reg.exe refused a part of it, or its file cannot be read), so the entries
 * are read one by one, each failing on its own.
 */
async function exportedEntries(host: Host, view: RegistryView): Promise<UninstallEntry[] | undefined> {
  let text: string;
  try {
    text = await host.exportRegistryKey(UNINSTALL_KEY, view);
  } catch (error) {
    if (isCoreError(error) && error.code === 'RegistryKeyNotFound') return [];
    if (isCoreError(error) && EXPORT_UNUSABLE.has(error.code)) return undefined;
    throw error; // a lost connection, reg.exe not starting: never an empty server
  }
  try {
    const exported = readExport(text, `the export of ${UNINSTALL_KEY} (${view}-bit view)`);
    if (!exported) return undefined;
    const { rootPath, tree } = exported;
    return tree.subkeyNames(rootPath).map((keyName) => {
      const entryPath = `${rootPath}\\${keyName}`;
      return { keyName, key: { path: `${UNINSTALL_KEY}\\${keyName}`, values: tree.getKey(entryPath)?.values ?? [], subkeys: tree.subkeyNames(entryPath) } };
    });
  } catch (error) {
    if (isCoreError(error) && EXPORT_UNUSABLE.has(error.code)) return undefined;
    throw error;
  }
}

/** The view's Uninstall entries read one by one; an entry that cannot be read is skipped with a warning. */
async function entriesOneByOne(host: Host, view: RegistryView, warnings: InstalledProductWarning[]): Promise<UninstallEntry[]> {
  // The list itself failing is not one damaged entry: let it throw rather than report an empty server.
  const root = await host.getRegistryKey(UNINSTALL_KEY, view);
  if (!root) return [];
  const entries: UninstallEntry[] = [];
  for (const keyName of root.subkeys) {
    try {
      const key = await host.getRegistryKey(`${UNINSTALL_KEY}\\${keyName}`, view);
      if (key) entries.push({ keyName, key }); // else removed while we were reading
    } catch (error) {
      // Only a damaged or closed entry is skipped. Anything else (a lost connection, reg.exe not starting) fails the
      // listing: a product skipped here would look uninstalled, and an upgrade step would take it as already removed.
      if (!(isCoreError(error) && DAMAGED_ENTRY.has(error.code))) throw error;
      warnings.push({ keyName, view, message: `Skipped an unreadable entry: ${error.message}` });
    }
  }
  return entries;
}

/** The products alone; warnings go to `onWarning` when given. */
export async function listInstalledProducts(host: Host, onWarning?: (warning: InstalledProductWarning) => void): Promise<InstalledProduct[]> {
  const { products, warnings } = await readInstalledProducts(host);
  if (onWarning) warnings.forEach(onWarning);
  return products;
}
