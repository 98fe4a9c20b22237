/**
 * Builds one lab server folder in its PhoneFactor Agent 5.x state from a spec: server.json, registry.reg,
 * drive folders with the agent, data folder, web components (web.config, themes, IIS applications) and media.
 * Everything after server.json is written through LabHost, so the builder uses the same layout rules as the runs.
 */
import { randomUUID } from 'node:crypto';
import { MACHINE_ID_KEY, MACHINE_ID_VALUE } from '../machine-id';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PRODUCT_KEY, PRODUCT_KEY_VIEW, DATA_FOLDER } from '../../domain/catalog';
import type { ComponentName, WebComponentName } from '../../domain/catalog';
import { APPLICATION_HOST_CONFIG } from '../iis';
import { formatDataFile, LEGACY_SCHEMA } from './data-file';
import { LabHost } from './lab-host';
import { joinWindowsPath } from '../../util/windows-path';
import { LAB_USERS, LEGACY_PRODUCTS, LEGACY_PUBLISHER, LEGACY_SERVICE } from './legacy-products';
import { serviceLogHistory } from './service-log-history';
import { LOGS_FOLDER, SERVICE_LOG_NAME } from '../../domain/service-log';
import { writeServerConfig } from './server-file';
import { applicationHostConfig, type LabIisApplication } from './templates/application-host';
import { legacyWebConfig, themeFiles, type LegacyWebConfigOptions } from './templates/web-configs';
import { registerProduct } from './installers/product-registration';
import { placeLegacyAgent, placeLegacyWebComponent } from './installers/legacy-install';
import { INSTALLER_CACHE_FOLDER } from './installers/installer-cache';
import { ORIGINAL_MEDIA_PATH, placeOriginalMedia, type LabRollbackMedia } from './original-media';
import { MEDIA_MANIFEST, labMediaFile, labMediaNames } from './media';
import type { LabFaults } from './server-file';

export const LAB_MEDIA_PATH = 'C:\\Media\\MfaServer';

export interface LegacyWebComponentSpec {
  component: WebComponentName;
  virtualDirectory: string;
  /** Windows path of the application folder. */
  physicalPath: string;
  /** How it appears in applicationHost.config (e.g. with %SystemDrive%); defaults to physicalPath. */
  configPhysicalPath?: string;
  webConfig: LegacyWebConfigOptions;
}

export interface LabServerSpec {
  computerName: string;
  dnsName: string;
  is64Bit: boolean;
  /** PhoneFactor Agent install folder; omitted when the server has no agent. */
  agentInstallPath?: string;
  webComponents: LegacyWebComponentSpec[];
  /** Whether IIS is installed (applicationHost.config present). */
  iis: boolean;
  /** Media files (names in the media folder) to place in C:\Media\MfaServer; [] for none. */
  media: string[];
  /** Members of the local group "PhoneFactor Admins"; omitted: no such group on this server. */
  phoneFactorAdmins?: string[];
  /**
   * What the PhoneFactor products can be reinstalled from (default Original): the original media still in the Downloads
   * folder their SourceList names; CachedOnly: that folder was cleaned up, only Windows Installer's cached packages
   * remain (without their cabinets, as Windows caches them); None: C:\Windows\Installer was cleaned too.
   */
  rollbackMedia?: LabRollbackMedia;
  /** Faults the server starts with (server.json `faults`). */
  faults?: LabFaults;
}

export async function buildLabServer(folder: string, spec: LabServerSpec, mediaFolder: string): Promise<LabHost> {
  await mkdir(join(folder, 'C'), { recursive: true });
  await writeServerConfig(folder, {
    computerName: spec.computerName,
    dnsName: spec.dnsName,
    is64Bit: spec.is64Bit,
    services: spec.iis ? { W3SVC: { displayName: 'World Wide Web Publishing Service', state: 'Running', startType: 'Automatic' } } : {},
    installerDatabase: {},
    // The group the Web Service SDK's service account must be in (facts §3), on the server running PhoneFactor.
    ...(spec.phoneFactorAdmins ? { localGroups: { 'PhoneFactor Admins': spec.phoneFactorAdmins } } : {}),
    ...(spec.faults ? { faults: spec.faults } : {}),
  });
  const lab = await LabHost.open(folder);
  await writeBaseRegistry(lab);
  await lab.makeDirectory('C:\\Windows\\Temp');
  const media = (component: ComponentName, platform: 'x86' | 'x64') => placeOriginalMedia(lab, mediaFolder, component, platform);
  if (spec.agentInstallPath) await installLegacyAgent(lab, spec.agentInstallPath, media);
  if (spec.iis) {
    const apps: LabIisApplication[] = spec.webComponents.map((w) => ({
      path: `/${w.virtualDirectory}`,
      physicalPath: w.configPhysicalPath ?? w.physicalPath,
      applicationPool: 'DefaultAppPool',
    }));
    await lab.placeFile(APPLICATION_HOST_CONFIG, Buffer.from(applicationHostConfig(apps), 'utf8'));
    await lab.makeDirectory('C:\\inetpub\\wwwroot');
    await lab.placeFile('C:\\inetpub\\wwwroot\\iisstart.htm', Buffer.from('<html><body>IIS</body></html>\r\n', 'utf8'));
  }
  for (const w of spec.webComponents) await installLegacyWebComponent(lab, w, media);
  await removeRollbackMedia(lab, spec.rollbackMedia ?? 'Original');
  if (spec.media.length > 0) {
    await lab.makeDirectory(LAB_MEDIA_PATH);
    const target = lab.localPath(LAB_MEDIA_PATH);
    const listing = await readdir(mediaFolder);
    const available = new Set([...labMediaNames(listing), ...listing.filter((f) => f === MEDIA_MANIFEST)]);
    for (const file of spec.media) {
      if (available.has(file)) await copyFile(file === MEDIA_MANIFEST ? join(mediaFolder, file) : labMediaFile(mediaFolder, file), join(target, file));
    }
  }
  return lab;
}

/** Keys every Windows server has, so the registry reads like a real export and both views exist. */
async function writeBaseRegistry(lab: LabHost): Promise<void> {
  const tree = await lab.loadRegistry();
  const cv = 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion';
  tree.setValue(
    lab.regPath(cv, '64'),
    { name: 'ProductName', type: 'REG_SZ', data: lab.is64Bit ? 'Windows Server 2012 R2 Standard' : 'Windows Server 2008 Standard' },
  );
  tree.setValue(lab.regPath(cv, '64'), { name: 'CurrentVersion', type: 'REG_SZ', data: lab.is64Bit ? '6.3' : '6.0' });
  tree.setValue(lab.regPath('HKLM\\SYSTEM\\CurrentControlSet\\Control\\ComputerName\\ComputerName', '64'), {
    name: 'ComputerName',
    type: 'REG_SZ',
    data: lab.computerName,
  });
  // The machine's own id, new for every lab built (as Windows setup makes one per installation): a lab rebuilt at the
  // same path is another machine, as a rebuilt server is.
  tree.setValue(lab.regPath(MACHINE_ID_KEY, '64'), { name: MACHINE_ID_VALUE, type: 'REG_SZ', data: randomUUID() });
  // An unrelated MSI product and a non-MSI entry without DisplayName: inventory must cope with both.
  const uninstall = 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall';
  const vc = lab.regPath(`${uninstall}\\{F0C3E5D1-1ADE-321E-8167-68EF0DE699A5}`, '32');
  tree.setValue(vc, { name: 'DisplayName', type: 'REG_SZ', data: 'Microsoft Visual C++ 2010  x86 Redistributable - 10.0.40219' });
  tree.setValue(vc, { name: 'DisplayVersion', type: 'REG_SZ', data: '10.0.40219' });
  tree.setValue(vc, { name: 'Publisher', type: 'REG_SZ', data: 'Microsoft Corporation' });
  tree.setValue(vc, { name: 'WindowsInstaller', type: 'REG_DWORD', data: 1 });
  tree.setValue(lab.regPath(`${uninstall}\\Connection Manager`, '64'), { name: 'SystemComponent', type: 'REG_DWORD', data: 1 });
  // The VC++ 2015 Update 1 redistributables the web components need since v7 (facts §5); Burn bundles register in the
  // 32-bit view without WindowsInstaller=1. A 32-bit server has only the x86 one. faults.missingProducts hides them.
  for (const [arch, code] of [['x86', '{74D0E5DB-B326-4DAE-A6B2-445B9DE1836E}'], ['x64', '{E46ECA4F-393B-40DF-9F49-076FAF788D83}']] as const) {
    if (arch === 'x64' && !lab.is64Bit) continue;
    const key = lab.regPath(`${uninstall}\\${code}`, '32');
    tree.setValue(key, { name: 'DisplayName', type: 'REG_SZ', data: `Microsoft Visual C++ 2015 Redistributable (${arch}) - 14.0.23506` });
    tree.setValue(key, { name: 'DisplayVersion', type: 'REG_SZ', data: '14.0.23506.0' });
    tree.setValue(key, { name: 'Publisher', type: 'REG_SZ', data: 'Microsoft Corporation' });
    tree.setValue(key, { name: 'BundleVersion', type: 'REG_SZ', data: '14.0.23506.0' });
  }
  await lab.saveRegistry(tree);
}

type PlaceMedia = (component: ComponentName, platform: 'x86' | 'x64') => Promise<string | undefined>;

/** The admin cleaned up the Downloads folder (CachedOnly), and someone also emptied C:\Windows\Installer (None). */
async function removeRollbackMedia(lab: LabHost, media: LabRollbackMedia): Promise<void> {
  if (media === 'Original') return;
  await lab.removePath(ORIGINAL_MEDIA_PATH);
  if (media === 'None' && (await lab.stat(INSTALLER_CACHE_FOLDER))) {
    // The registry still names the cached packages (LocalPackage): only the files are gone, as after such a clean-up.
    for (const e of await lab.listDirectory(INSTALLER_CACHE_FOLDER)) await lab.removePath(joinWindowsPath(INSTALLER_CACHE_FOLDER, e.name));
  }
}

async function installLegacyAgent(lab: LabHost, installPath: string, media: PlaceMedia): Promise<void> {
  const p = LEGACY_PRODUCTS.Agent;
  const platform = nativePlatform(lab, p.platform);
  const record = await placeLegacyAgent(lab, { productName: p.productName, version: p.version, publisher: LEGACY_PUBLISHER, platform }, installPath);
  // Written at run time, not installed: uninstall leaves them (the data folder is what the upgrade must keep).
  const data = joinWindowsPath(installPath, DATA_FOLDER);
  await lab.placeFile(joinWindowsPath(data, 'Phonefactor.pfdata'), formatDataFile(LEGACY_SCHEMA, LAB_USERS));
  await lab.placeFile(joinWindowsPath(data, 'PfActivation.dat'), Buffer.from('LAB-ACTIVATION\r\naccount=Contoso\r\nactivated=2014-03-12\r\n', 'utf8'));
  await lab.placeFile(joinWindowsPath(installPath, 'Logs', 'pfsvc.log'), Buffer.from('2014-03-12 09:00:00 PhoneFactor service started.\r\n', 'utf8'));
  await writeServiceLogHistory(lab, joinWindowsPath(installPath, LOGS_FOLDER));

  await lab.setRegistryValue(PRODUCT_KEY, PRODUCT_KEY_VIEW, { name: 'Pfsvc_ncan_ip_tcp_port', type: 'REG_DWORD', data: 4898 });
  await lab.setRegistryValue(PRODUCT_KEY, PRODUCT_KEY_VIEW, { name: 'Version', type: 'REG_SZ', data: p.version });

  // The service has run since the product was set up (its package registers it stopped).
  const config = await lab.readConfig();
  config.services[LEGACY_SERVICE].state = 'Running';
  await lab.writeConfig(config);
  await registerProduct(lab, p.productCode, record, `${ORIGINAL_MEDIA_PATH}\\`, await media('Agent', record.platform));
}

async function installLegacyWebComponent(lab: LabHost, w: LegacyWebComponentSpec, media: PlaceMedia): Promise<void> {
  const p = LEGACY_PRODUCTS[w.component];
  const who = { productName: p.productName, version: p.version, publisher: LEGACY_PUBLISHER, platform: nativePlatform(lab, p.platform) };
  const webConfig = legacyWebConfig(w.component, w.webConfig);
  const app = { site: 'Default Web Site', virtualDirectory: w.virtualDirectory, physicalPath: w.physicalPath, webConfig };
  const record = await placeLegacyWebComponent(lab, w.component, who, app);
  if (w.component === 'UserPortal') {
    // The admin's own theme and an extra file: not installed by the product, so an uninstall keeps them.
    for (const [n, t] of Object.entries(themeFiles('Contoso', '#5c2d91'))) {
      await lab.placeFile(joinWindowsPath(w.physicalPath, 'App_Themes', 'Contoso', n), Buffer.from(t, 'utf8'));
    }
    await lab.placeFile(joinWindowsPath(w.physicalPath, 'App_Themes', 'Contoso', 'logo.txt'), Buffer.from('Contoso logo placeholder\r\n', 'utf8'));
  }
  await registerProduct(lab, p.productCode, record, `${ORIGINAL_MEDIA_PATH}\\`, await media(w.component, record.platform));
}

/** A 32-bit server can only have x86 products. */
function nativePlatform(lab: LabHost, platform: 'x86' | 'x64'): 'x86' | 'x64' {
  return lab.is64Bit ? platform : 'x86';
}

/**
 * A week of authentications of the lab's users (and a VPN service account) before the lab was made, in the service
 * log's grammar, rolled over once: MultiFactorAuthSvc.log.1 (older) and MultiFactorAuthSvc.log, so that
 * Get-MfaServerUsage has a server's history to read before and after the upgrade. The PhoneFactor Agent's own log
 * name is not documented [?]: the lab writes the MFA Server's, which its setup then appends to.
 */
async function writeServiceLogHistory(lab: LabHost, logs: string): Promise<void> {
  const users = [...LAB_USERS.map((u) => u.login), 'CONTOSO\\svc-vpn'];
  const start = new Date(Date.now() - 7 * 86_400_000);
  const lines = [...serviceLogHistory({ seed: 27, start, lines: 240, stepMs: 2_500_000, users, garbage: 0.01, other: 0.1 })].map((l) => `${l.text}\r\n`);
  const rolled = Math.floor(lines.length * 0.6);
  await lab.placeFile(joinWindowsPath(logs, `${SERVICE_LOG_NAME}.1`), Buffer.from(lines.slice(0, rolled).join(''), 'utf8'));
  await lab.placeFile(joinWindowsPath(logs, SERVICE_LOG_NAME), Buffer.from(lines.slice(rolled).join(''), 'utf8'));
}
