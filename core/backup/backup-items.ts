/**
 * What a PhoneFactor / MFA Server backup holds (S1 and S5), worked out from a server's inventory:
 * the whole data folder of the Agent / MFA Server, the User portal's web.config and custom theme folders, the Mobile
 * App Web Service's web.config, the Web Service SDK's web.config, the files each web.config names (file=, configSource=),
 * the product registry key (exported by the caller)
 * and a JSON snapshot of the inventory itself. Each component gets its own folder in the backup.
 */
import type { BackupItem } from './backup-item';
import { encodeRegFileText } from '../host/registry-file';
import type { ComponentRecord, ServerInventory } from '../domain/inventory-types';
import type { IisSections } from '../host/iis';
import type { InstalledProduct } from '../host/installed-products';
import { referencesOf, type WebConfigReferences } from './web-config-references';
import { isInsideWindowsPath, sameWindowsPath, windowsBasename } from '../util/windows-path';

export const INVENTORY_FILE = 'inventory.json';
export const REGISTRY_FILE = 'Registry\\PhoneFactor.reg';
/** The applicationHost.config sections of our applications (sites, bindings, <application> elements, pools). */
export const IIS_SECTIONS_FILE = 'IIS\\applications.json';
/** Every installed product of the server (both registry views), as Programs and Features lists them. */
export const PRODUCTS_FILE = 'products.json';

export interface BackupItemSources {
  /** The product key in regedit format; undefined when the key does not exist on the server. */
  registryExport?: { key: string; text: string };
  /** extractApplicationSections of the server's applicationHost.config; undefined without IIS. */
  iisSections?: IisSections;
  /** The installed-products list (readInstalledProducts). */
  products?: InstalledProduct[];
  /**
   * The files each web.config names (readWebConfigReferences): kept beside the web.config in the backup, at the same
   * place below it as on the server, so the merge finds them where the old web.config says.
   */
  webConfigReferences?: WebConfigReferences;
}

export function planBackupItems(inventory: ServerInventory, sources: BackupItemSources = {}): BackupItem[] {
  const items: BackupItem[] = [];
  const folders = folderNamer();
  const dataPaths: string[] = [];

  for (const record of inventory.Components) {
    const folder = folders(record);
    if ((record.Component === 'Agent' || record.Component === 'MfaServer') && record.DataPath) {
      // The Agent and MFA Server records of one install share the data folder: copy it once.
      if (dataPaths.some((p) => sameWindowsPath(p, record.DataPath!))) continue;
      dataPaths.push(record.DataPath);
      items.push({ component: record.Component, kind: 'DataFolder', sourcePath: record.DataPath, relativePath: `${folder}\\Data` });
      continue;
    }
    if (record.WebConfigPath) {
      items.push({ component: record.Component, kind: 'WebConfig', sourcePath: record.WebConfigPath, relativePath: `${folder}\\web.config` });
      const references = sources.webConfigReferences ? referencesOf(sources.webConfigReferences, record.WebConfigPath) : [];
      for (const reference of references) {
        // A file inside a theme folder is already copied with its theme.
        if (record.ThemePaths.some((t) => isInsideWindowsPath(reference.path, t))) continue;
        // Optional: a file the web.config names but that is not there is recorded as skipped (the backup still warns).
        items.push({
          component: record.Component,
          kind: 'ConfigFile',
          sourcePath: reference.path,
          relativePath: `${folder}\\${reference.relative}`,
          optional: true,
        });
      }
    }
    for (const theme of record.ThemePaths) {
      items.push({ component: record.Component, kind: 'Theme', sourcePath: theme, relativePath: `${folder}\\App_Themes\\${windowsBasename(theme)}` });
    }
  }

  if (sources.registryExport) {
    items.push({
      component: 'Registry',
      kind: 'Registry',
      sourcePath: sources.registryExport.key,
      relativePath: REGISTRY_FILE,
      // The bytes regedit itself writes (UTF-16LE with BOM), so `reg import` takes the file as it is.
      content: encodeRegFileText(sources.registryExport.text.replace(/^\uFEFF/, '')),
    });
  }
  // Reference material, never restored: what New-MfaLab -FromBackup needs to rebuild the server's IIS and products.
  if (sources.iisSections) {
    items.push({
      component: 'Inventory',
      kind: 'Inventory',
      sourcePath: sources.iisSections.source,
      relativePath: IIS_SECTIONS_FILE,
      content: json(sources.iisSections),
    });
  }
  if (sources.products) {
    items.push({
      component: 'Inventory',
      kind: 'Inventory',
      sourcePath: `Installed products of ${inventory.ComputerName}`,
      relativePath: PRODUCTS_FILE,
      content: json({ formatVersion: 1, products: sources.products }),
    });
  }
  items.push({
    component: 'Inventory',
    kind: 'Inventory',
    sourcePath: `Get-PhoneFactorComponent on ${inventory.ComputerName}`,
    relativePath: INVENTORY_FILE,
    content: Buffer.from(JSON.stringify(inventory, null, 2) + '\n', 'utf8'),
  });
  return items;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value, null, 2) + '\n', 'utf8');

/** A folder per component record; a second record of the same component (old and new side by side) gets `-2`. */
function folderNamer(): (record: ComponentRecord) => string {
  const used = new Map<string, number>();
  return (record) => {
    const n = (used.get(record.Component) ?? 0) + 1;
    used.set(record.Component, n);
    return n === 1 ? record.Component : `${record.Component}-${n}`;
  };
}
