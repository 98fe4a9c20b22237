/**
 * Everything a server's backup holds, read from the server: the one place Backup-PhoneFactor and the upgrade's Backup
 * step get their items from, so a backup made by either holds the same things (the upgrade's used to lack the IIS
 * sections and the installed-products list, and neither held the files a web.config names).
 */
import type { Host } from '../host/host';
import type { ComponentRecord, ServerInventory } from '../domain/inventory-types';
import { APPLICATION_HOST_CONFIG, extractApplicationSections, type IisSections } from '../host/iis';
import { listInstalledProducts } from '../host/installed-products';
import { PRODUCT_KEY, PRODUCT_KEY_VIEW } from '../domain/catalog';
import type { BackupItem } from './backup-item';
import { planBackupItems } from './backup-items';
import { readWebConfigReferences } from './web-config-references';
import { planRollbackMediaItems, type RollbackMediaRow } from './rollback-media-items';

export interface ServerBackupItems {
  items: BackupItem[];
  /** For the log: files a web.config names that are not backed up, and why. */
  warnings: string[];
  /** False when the product registry key does not exist on the server (it is then not in the backup). */
  hasRegistryKey: boolean;
  /** The way back: per PhoneFactor product, the package kept to reinstall it (or why there is none). */
  rollbackMedia: RollbackMediaRow[];
}

export interface ServerBackupOptions {
  /** A folder of installers the admin names as the way back (-RollbackMediaPath). */
  rollbackMediaPath?: string;
}

export async function serverBackupItems(host: Host, inventory: ServerInventory, options: ServerBackupOptions = {}): Promise<ServerBackupItems> {
  const registryText = (await host.getRegistryKey(PRODUCT_KEY, PRODUCT_KEY_VIEW)) ? await host.exportRegistryKey(PRODUCT_KEY, PRODUCT_KEY_VIEW) : undefined;
  const references = await readWebConfigReferences(host, inventory.Components);
  const items = planBackupItems(inventory, {
    registryExport: registryText === undefined ? undefined : { key: PRODUCT_KEY, text: registryText },
    iisSections: await readIisSections(host, inventory.Components),
    products: await listInstalledProducts(host),
    webConfigReferences: references,
  });
  // The way back: a package per PhoneFactor product, copied now (an uninstall deletes Windows Installer's cached one).
  const rollback = await planRollbackMediaItems(host, inventory, { mediaPath: options.rollbackMediaPath });
  return {
    items: [...items, ...rollback.items],
    warnings: references.warnings,
    hasRegistryKey: registryText !== undefined,
    rollbackMedia: rollback.rows,
  };
}

/** Our applications' sections of applicationHost.config; undefined when IIS is not installed. */
async function readIisSections(host: Host, components: ComponentRecord[]): Promise<IisSections | undefined> {
  if (!(await host.stat(APPLICATION_HOST_CONFIG))) return undefined;
  const wanted = components.filter((c) => c.SiteName && c.VirtualDirectory).map((c) => ({ siteName: c.SiteName!, applicationPath: `/${c.VirtualDirectory}` }));
  const text = (await host.readFile(APPLICATION_HOST_CONFIG)).toString('utf8');
  return extractApplicationSections(text, wanted, APPLICATION_HOST_CONFIG);
}
