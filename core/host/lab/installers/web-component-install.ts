/**
 * The MFA Server web component installers (User portal, Mobile App Web Service, Web Service SDK), as the lab
 * simulates them: the virtual directory comes from TARGETVDIR (else the package's own Property-table default),
 * the site from TARGETSITE, the pool from TARGETAPPPOOL; a fresh default web.config is written into
 * <site root>\<vdir>, the IIS application is added, and the product is registered.
 */
import { DEFAULT_WWWROOT, WEB_COMPONENTS, type WebComponentName } from '../../../domain/catalog';
import type { MsiInfo } from '../../../msi/msi-info';
import { APPLICATION_HOST_CONFIG, addWebApplication, parseApplicationHostConfig } from '../../iis';
import type { LabMachine } from './lab-machine';
import { joinWindowsPath, windowsParent } from '../../../util/windows-path';
import type { InstalledProductRecord } from '../server-file';
import { defaultNewWebConfig, themeFiles } from '../templates/web-configs';
import type { InstallerLog } from './installer-log';
import { findProductCode, registerProduct, viewForPlatform } from './product-registration';
import { commandLineProperty } from './package-source';

/** Placeholder content for installed binaries and pages: the lab checks presence, not behaviour. */
const placeholder = (what: string) => Buffer.from(`Lab placeholder for ${what} (MfaServerUpgrade lab).\r\n`, 'utf8');

/** The files each component installs besides web.config (relative to its folder). */
function componentFiles(component: WebComponentName): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  if (component === 'UserPortal') {
    for (const f of ['Default.aspx', 'Login.aspx', 'bin\\pfup.dll']) files[f] = placeholder(f);
    for (const [name, text] of Object.entries(themeFiles('Default', '#0072c6'))) files[`App_Themes\\Default\\${name}`] = Buffer.from(text, 'utf8');
  } else if (component === 'MobileAppWebService') {
    for (const f of ['PfPaWs.asmx', 'bin\\pfpaws.dll']) files[f] = placeholder(f);
  } else {
    for (const f of ['PfWsSdk.asmx', 'bin\\pfwssdk.dll']) files[f] = placeholder(f);
  }
  return files;
}

export async function installWebComponent(
  lab: LabMachine,
  component: WebComponentName,
  info: MsiInfo,
  packagePath: string,
  properties: Record<string, string>,
  log: InstallerLog,
): Promise<number> {
  const prop = (name: string) => commandLineProperty(properties, name);
  const platform = info.platform === 'x64' ? 'x64' : 'x86';
  if (platform === 'x64' && !lab.is64Bit) {
    log.line('This installation package is not supported by this processor type (x64 package on 32-bit Windows).');
    return 1633;
  }
  const productCode = info.productCode ?? '';
  const config = await lab.readConfig();
  if (findProductCode(config.installerDatabase, productCode)) {
    log.line(`Another version of this product is already installed: ${productCode}.`);
    return 1638;
  }
  const vdir = (prop('TARGETVDIR') ?? info.properties.TARGETVDIR ?? WEB_COMPONENTS[component].newVirtualDirectory).replace(/^\/+|\/+$/g, '');
  const site = prop('TARGETSITE') ?? info.properties.TARGETSITE ?? 'Default Web Site';
  const pool = prop('TARGETAPPPOOL') ?? info.properties.TARGETAPPPOOL ?? 'DefaultAppPool';
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
  const physicalPath = joinWindowsPath(siteRoot.physicalPath || DEFAULT_WWWROOT, vdir);

  const files = { 'web.config': Buffer.from(defaultNewWebConfig(component), 'utf8'), ...componentFiles(component) };
  const installed: string[] = [];
  for (const [relative, data] of Object.entries(files)) {
    const target = joinWindowsPath(physicalPath, relative);
    await lab.placeFile(target, data);
    installed.push(target);
    log.line(`Installed file ${target}.`);
  }
  const newText = addWebApplication(appHostText, { siteName: site, applicationPath: `/${vdir}`, physicalPath, applicationPool: pool });
  await lab.placeFile(APPLICATION_HOST_CONFIG, Buffer.from(newText, 'utf8'));
  log.line(`Created IIS application '${site}/${vdir}' -> ${physicalPath}.`);

  const subfolders = [...new Set(Object.keys(files).filter((f) => f.includes('\\')).flatMap((f) => parentsOf(f)))];
  const record: InstalledProductRecord = {
    component,
    productName: info.productName ?? component,
    version: info.productVersion ?? '',
    publisher: info.manufacturer ?? '',
    platform,
    registryView: viewForPlatform(lab, platform),
    installLocation: physicalPath,
    files: installed,
    // Shallow first; uninstall walks it backwards so the deepest folders go first.
    directories: [physicalPath, ...subfolders.sort((a, b) => a.split('\\').length - b.split('\\').length).map((s) => joinWindowsPath(physicalPath, s))],
    site,
    virtualDirectory: vdir,
    physicalPath,
  };
  await registerProduct(lab, productCode, record, `${windowsParent(packagePath).replace(/\\$/, '')}\\`, packagePath);
  return 0;
}

/** 'App_Themes\Default\x.css' → ['App_Themes', 'App_Themes\Default']. */
function parentsOf(relative: string): string[] {
  const parts = relative.split('\\').slice(0, -1);
  return parts.map((_, i) => parts.slice(0, i + 1).join('\\'));
}
