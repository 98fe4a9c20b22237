/**
 * The PhoneFactor Agent 5.x-era products as their (stand-in) packages install them: the lab server builder places
 * them this way when it makes a lab, and the lab's msiexec does the same when it is given such a package (a rollback
 * reinstalling from a backup's RollbackMedia). One description of what each product installs, so a product
 * reinstalled by msiexec is the product the lab was built with: the same files, folders, service and records.
 *
 * msiexec behaves as Windows Installer would (never kinder): the package must be for this processor, not installed
 * already, and have every cabinet its Media table names (package-source.ts); the Agent goes into INSTALLDIR (else
 * the folder its Directory table resolves to); a web component into its IIS site and virtual directory (TARGETSITE,
 * TARGETVDIR, TARGETAPPPOOL, the lab's invented property names) and into INSTALLDIR when given, else <site root>\<vdir>.
 * Its service is registered stopped: the lab's packages do not start it (whoever reinstalls starts it once its data
 * is back). Files it did not install (the data folder, custom themes) are left as they are.
 */
import { INSTALL_PATH_VALUE, PRODUCT_KEY, PRODUCT_KEY_VIEW, WEB_COMPONENTS, type WebComponentName } from '../../../domain/catalog';
import type { MsiInfo } from '../../../msi/msi-info';
import { joinWindowsPath, windowsParent } from '../../../util/windows-path';
import { APPLICATION_HOST_CONFIG, addWebApplication, parseApplicationHostConfig } from '../../iis';
import { LEGACY_SERVICE } from '../legacy-products';
import type { InstalledProductRecord } from '../server-file';
import { legacyWebConfig, themeFiles } from '../templates/web-configs';
import type { InstallerLog } from './installer-log';
import type { LabMachine } from './lab-machine';
import { commandLineProperty, defaultDirectory } from './package-source';
import { findProductCode, registerProduct, viewForPlatform } from './product-registration';

/** Who the product is, as its package (or the lab's product list) names it. */
export interface LegacyIdentity {
  productName: string;
  version: string;
  publisher: string;
  platform: 'x86' | 'x64';
}

const placeholder = (what: string) => Buffer.from(`Lab placeholder for ${what} (PhoneFactor Agent 5.x era).\r\n`, 'utf8');

/** The Agent's program files and the PFSVC service, written into installPath; the product's record. Not registered yet. */
export async function placeLegacyAgent(lab: LabMachine, who: LegacyIdentity, installPath: string, log?: InstallerLog): Promise<InstalledProductRecord> {
  const files: string[] = [];
  for (const f of ['Pfsvc.exe', 'PhoneFactor.exe', 'PfCommon.dll', 'License.rtf']) {
    const path = joinWindowsPath(installPath, f);
    await lab.placeFile(path, placeholder(f));
    files.push(path);
    log?.line(`Installed file ${path}.`);
  }
  const tree = await lab.loadRegistry();
  tree.setValue(lab.regPath(PRODUCT_KEY, PRODUCT_KEY_VIEW), { name: INSTALL_PATH_VALUE, type: 'REG_SZ', data: `${installPath}\\` });
  await lab.saveRegistry(tree);
  const config = await lab.readConfig();
  config.services[LEGACY_SERVICE] = { displayName: 'PhoneFactor', state: 'Stopped', startType: 'Automatic' };
  await lab.writeConfig(config);
  log?.line(`Created service ${LEGACY_SERVICE} (Stopped).`);
  return {
    component: 'Agent',
    productName: who.productName,
    version: who.version,
    publisher: who.publisher,
    platform: who.platform,
    registryView: viewForPlatform(lab, who.platform),
    installLocation: `${installPath}\\`,
    files,
    directories: [installPath],
    services: [LEGACY_SERVICE],
  };
}

/** A PhoneFactor web component's files (its web.config given) in physicalPath; the product's record. Not registered yet. */
export async function placeLegacyWebComponent(
  lab: LabMachine,
  component: WebComponentName,
  who: LegacyIdentity,
  app: { site: string; virtualDirectory: string; physicalPath: string; webConfig: string },
  log?: InstallerLog,
): Promise<InstalledProductRecord> {
  const installed: Record<string, Buffer> = { 'web.config': Buffer.from(app.webConfig, 'utf8') };
  const endpoint = WEB_COMPONENTS[component].endpoint;
  if (endpoint) installed[endpoint] = placeholder(endpoint);
  installed['bin\\' + who.productName.replace(/\s+/g, '') + '.dll'] = placeholder('assembly');
  if (component === 'UserPortal') {
    installed['Default.aspx'] = placeholder('Default.aspx');
    installed['Login.aspx'] = placeholder('Login.aspx');
    for (const [n, t] of Object.entries(themeFiles('Default', '#0072c6'))) installed[`App_Themes\\Default\\${n}`] = Buffer.from(t, 'utf8');
  }
  const files: string[] = [];
  for (const [rel, data] of Object.entries(installed)) {
    const path = joinWindowsPath(app.physicalPath, rel);
    await lab.placeFile(path, data);
    files.push(path);
    log?.line(`Installed file ${path}.`);
  }
  const { physicalPath } = app;
  return {
    component,
    productName: who.productName,
    version: who.version,
    publisher: who.publisher,
    platform: who.platform,
    registryView: viewForPlatform(lab, who.platform),
    installLocation: physicalPath,
    files,
    directories: [
      physicalPath,
      joinWindowsPath(physicalPath, 'bin'),
      ...(component === 'UserPortal' ? [joinWindowsPath(physicalPath, 'App_Themes'), joinWindowsPath(physicalPath, 'App_Themes', 'Default')] : []),
    ],
    site: app.site,
    virtualDirectory: app.virtualDirectory,
    physicalPath,
  };
}

/** msiexec /i of a PhoneFactor-era package (the caller holds the lab's installer transaction). */
export async function installLegacyPackage(
  lab: LabMachine,
  component: 'Agent' | WebComponentName,
  info: MsiInfo,
  packagePath: string,
  properties: Record<string, string>,
  log: InstallerLog,
): Promise<number> {
  const platform = info.platform === 'x64' ? 'x64' : 'x86';
  if (platform === 'x64' && !lab.is64Bit) {
    log.line('This installation package is not supported by this processor type (x64 package on 32-bit Windows).');
    return 1633;
  }
  const productCode = info.productCode ?? '';
  if (findProductCode((await lab.readConfig()).installerDatabase, productCode)) {
    log.line(`Another version of this product is already installed: ${productCode}.`);
    return 1638;
  }
  const who: LegacyIdentity = {
    productName: info.productName ?? component,
    version: info.productVersion ?? '',
    publisher: info.manufacturer ?? '',
    platform,
  };
  const installDir = commandLineProperty(properties, 'INSTALLDIR')?.replace(/\\+$/, '');
  const record =
    component === 'Agent'
      ? await installAgent(lab, who, installDir ?? defaultDirectory(lab, await lab.readFile(packagePath), packagePath, 'INSTALLDIR'), log)
      : await installWeb(lab, component, who, info, properties, installDir, log);
  if (typeof record === 'number') return record;
  await registerProduct(lab, productCode, record, `${windowsParent(packagePath).replace(/\\$/, '')}\\`, packagePath);
  return 0;
}

async function installAgent(
  lab: LabMachine,
  who: LegacyIdentity,
  installPath: string | undefined,
  log: InstallerLog,
): Promise<InstalledProductRecord | number> {
  if (!installPath) {
    log.line('The package names no INSTALLDIR folder the lab can resolve.');
    return 1603;
  }
  log.line(`PROPERTY CHANGE: INSTALLDIR = '${installPath}\\'.`);
  return placeLegacyAgent(lab, who, installPath, log);
}

async function installWeb(
  lab: LabMachine,
  component: WebComponentName,
  who: LegacyIdentity,
  info: MsiInfo,
  properties: Record<string, string>,
  installDir: string | undefined,
  log: InstallerLog,
): Promise<InstalledProductRecord | number> {
  const prop = (name: string) => commandLineProperty(properties, name) ?? info.properties[name];
  const vdir = (prop('TARGETVDIR') ?? WEB_COMPONENTS[component].legacyVirtualDirectory).replace(/^\/+|\/+$/g, '');
  const site = prop('TARGETSITE') ?? 'Default Web Site';
  const pool = prop('TARGETAPPPOOL') ?? 'DefaultAppPool';
  log.line(`PROPERTY CHANGE: TARGETSITE = '${site}', TARGETVDIR = '${vdir}', TARGETAPPPOOL = '${pool}'.`);
  if (!(await lab.stat(APPLICATION_HOST_CONFIG))) {
    log.line(`IIS is not installed on ${lab.computerName}: ${APPLICATION_HOST_CONFIG} is missing.`);
    return 1603;
  }
  const appHostText = (await lab.readFile(APPLICATION_HOST_CONFIG)).toString('utf8');
  const apps = parseApplicationHostConfig(appHostText, lab.localPath(APPLICATION_HOST_CONFIG));
  const siteRoot = apps.find((a) => a.siteName.toLowerCase() === site.toLowerCase() && a.applicationPath === '/');
  if (!siteRoot) {
    log.line(`The IIS site '${site}' does not exist.`);
    return 1603;
  }
  if (apps.some((a) => a.siteName.toLowerCase() === site.toLowerCase() && a.applicationPath.toLowerCase() === `/${vdir}`.toLowerCase())) {
    log.line(`The virtual directory '/${vdir}' already exists in site '${site}'.`);
    return 1603;
  }
  const physicalPath = installDir ?? joinWindowsPath(siteRoot.physicalPath, vdir);
  if (installDir) log.line(`PROPERTY CHANGE: INSTALLDIR = '${installDir}\\'.`);
  // The package's own web.config: no SDK account and the documented default SDK path; a rollback puts the old one back.
  const webConfig = legacyWebConfig(component, {
    useWebServiceSdk: false,
    sdkUsername: '',
    sdkPassword: '',
    sdkUrl: `https://localhost/${WEB_COMPONENTS.WebServiceSdk.legacyVirtualDirectory}/PfWsSdk.asmx`,
  });
  const record = await placeLegacyWebComponent(lab, component, who, { site: siteRoot.siteName, virtualDirectory: vdir, physicalPath, webConfig }, log);
  const newText = addWebApplication(appHostText, { siteName: siteRoot.siteName, applicationPath: `/${vdir}`, physicalPath, applicationPool: pool });
  await lab.placeFile(APPLICATION_HOST_CONFIG, Buffer.from(newText, 'utf8'));
  log.line(`Created IIS application '${siteRoot.siteName}/${vdir}' -> ${physicalPath}.`);
  return record;
}
