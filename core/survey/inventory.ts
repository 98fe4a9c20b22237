/**
 * Inventory of one server: which PhoneFactor / MFA Server components are installed, where, under which vdir, and
 * which SDK URL their web.configs name. Products are matched by display-name pattern (PhoneFactor-era names are not
 * documented) and the matched name is reported as found.
 */
import type { Host } from '../host/host';
import { listInstalledProducts, type InstalledProduct } from '../host/installed-products';
import { listWebApplications, type WebApplication } from '../host/iis';
import { DATA_FOLDER, INSTALL_PATH_VALUE, PRODUCT_KEY, PRODUCT_KEY_VIEW, WEB_COMPONENTS, type ComponentName, type WebComponentName } from '../domain/catalog';
import { classifyProduct, type ProductMatch } from '../domain/classify-product';
import type { ComponentRecord, ServerInventory } from '../domain/inventory-types';
import { readWebConfigSettings } from '../webconfig/index';
import { CoreError, isLinkFailure } from '../util/errors';
import { sameWindowsPath } from '../util/windows-path';
import { farProcedure } from '../host/remote/far-procedures';

const trimSlash = (p: string) => p.replace(/[\\/]+$/, '');

/** The install path the MFA Server setup will reuse: the product key's InstallPath (32-bit view, then 64-bit). */
export async function readInstallPath(host: Host): Promise<string | null> {
  for (const view of [PRODUCT_KEY_VIEW, '64'] as const) {
    const key = await host.getRegistryKey(PRODUCT_KEY, view);
    const value = key?.values.find((v) => v.name.toLowerCase() === INSTALL_PATH_VALUE.toLowerCase());
    if (value && typeof value.data === 'string' && value.data.trim()) return trimSlash(value.data.trim());
  }
  return null;
}

/**
 * The inventory of the server `host` is. Read-only, so on a remote server it runs whole on the core there, in one
 * round trip (far-procedures.ts); the identity it reports is the one this side reaches the server by.
 */
export async function inventoryServer(host: Host): Promise<ServerInventory> {
  return namedAs(host, await readInventoryWhereItIs(host));
}

const readInventoryWhereItIs = farProcedure('inventoryServer', readInventory);

/**
 * The server as `host` names it: a far core names its host as it sees it (a lab there by its folder there); the
 * RemoteHost that reached it names it as the admin did (no local lab folder). Locally, the same names again.
 */
function namedAs(host: Host, inventory: ServerInventory): ServerInventory {
  return {
    ...inventory,
    ComputerName: host.computerName,
    DnsName: host.dnsName ?? host.computerName,
    Is64Bit: host.is64Bit,
    Components: inventory.Components.map((c) => ({ ...c, ComputerName: host.computerName, LabPath: host.labFolder })),
  };
}

async function readInventory(host: Host): Promise<ServerInventory> {
  const warnings: string[] = [];
  const products = await listInstalledProducts(host, (w) => warnings.push(`Uninstall entry ${w.keyName ?? ''}: ${w.message}`));
  const apps = await listWebApplications(host).catch((e: unknown) => {
    if (e instanceof CoreError && e.code === 'FileNotFound') return [] as WebApplication[];
    throw e;
  });
  const installPath = await readInstallPath(host);
  const components: ComponentRecord[] = [];
  for (const product of products) {
    const match = classifyProduct(product.displayName);
    if (!match) continue;
    components.push(
      match.component === 'Agent' || match.component === 'MfaServer'
        ? serverRecord(host, product, match, installPath)
        : await webRecord(host, product, match, apps, warnings),
    );
  }
  return {
    ComputerName: host.computerName,
    DnsName: host.dnsName ?? host.computerName,
    Is64Bit: host.is64Bit,
    Components: components.sort((a, b) => order(a) - order(b)),
    Warnings: warnings,
  };
}

const ORDER: ComponentName[] = ['Agent', 'WebServiceSdk', 'UserPortal', 'MobileAppWebService', 'MfaServer'];
const order = (c: ComponentRecord) => ORDER.indexOf(c.Component) * 2 + (c.IsLegacy ? 0 : 1);

function base(host: Host, product: InstalledProduct, match: ProductMatch): ComponentRecord {
  return {
    Component: match.component,
    DisplayName: product.displayName,
    Version: product.displayVersion ?? null,
    ProductCode: product.productCode ?? null,
    InstallPath: null,
    DataPath: null,
    VirtualDirectory: null,
    SiteName: null,
    PhysicalPath: null,
    WebConfigPath: null,
    SdkUrl: null,
    ThemePaths: [],
    ComputerName: host.computerName,
    LabPath: host.labFolder,
    IsLegacy: match.isLegacy,
  };
}

function serverRecord(host: Host, product: InstalledProduct, match: ProductMatch, installPath: string | null): ComponentRecord {
  const folder = installPath ?? (product.installLocation ? trimSlash(product.installLocation) : null);
  return { ...base(host, product, match), InstallPath: folder, DataPath: folder ? `${folder}\\${DATA_FOLDER}` : null };
}

async function webRecord(host: Host, product: InstalledProduct, match: ProductMatch, apps: WebApplication[], warnings: string[]): Promise<ComponentRecord> {
  const info = WEB_COMPONENTS[match.component as WebComponentName];
  // The application is the one whose folder the product was installed to; failing that, the default vdir name.
  const app =
    (product.installLocation ? apps.find((a) => sameWindowsPath(a.physicalPath, product.installLocation!)) : undefined) ??
    apps.find(
      (a) => a.applicationPath.replace(/^\//, '').toLowerCase() === (match.isLegacy ? info.legacyVirtualDirectory : info.newVirtualDirectory).toLowerCase(),
    );
  const record = base(host, product, match);
  if (!app) {
    warnings.push(`${product.displayName}: no IIS application found for it in applicationHost.config.`);
    return { ...record, InstallPath: product.installLocation ? trimSlash(product.installLocation) : null };
  }
  const physical = trimSlash(app.physicalPath);
  const webConfigPath = `${physical}\\web.config`;
  const hasWebConfig = (await host.stat(webConfigPath))?.isDirectory === false;
  let sdkUrl: string | null = null;
  if (hasWebConfig && match.component !== 'WebServiceSdk') {
    try {
      sdkUrl = readWebConfigSettings({ path: webConfigPath, bytes: await host.readFile(webConfigPath) }).sdkUrl ?? null;
    } catch (e) {
      if (isLinkFailure(e)) throw e;
      warnings.push(`${webConfigPath}: ${(e as Error).message}`);
    }
  }
  return {
    ...record,
    InstallPath: physical,
    VirtualDirectory: app.applicationPath.replace(/^\//, ''),
    SiteName: app.siteName,
    PhysicalPath: physical,
    WebConfigPath: hasWebConfig ? webConfigPath : null,
    SdkUrl: sdkUrl,
    ThemePaths: match.component === 'UserPortal' ? await customThemes(host, physical) : [],
  };
}

/** Theme folders under App_Themes other than the installer's own 'Default'. */
async function customThemes(host: Host, physical: string): Promise<string[]> {
  const themes = `${physical}\\App_Themes`;
  if (!(await host.stat(themes))?.isDirectory) return [];
  return (await host.listDirectory(themes))
    .filter((e) => e.isDirectory && e.name.toLowerCase() !== 'default')
    .map((e) => `${themes}\\${e.name}`)
    .sort();
}
