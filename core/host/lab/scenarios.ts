/**
 * New-MfaLab: create a lab (one or two simulated PhoneFactor Agent 5.x servers) from a named scenario.
 * A single-server lab folder is itself the server folder; a multi-server lab holds one folder per server.
 * Both carry lab.json (layout in README.md).
 */
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_LEGACY_INSTALL_PATH, DEFAULT_WWWROOT, WEB_COMPONENTS, type WebComponentName } from '../../domain/catalog';
import { CoreError } from '../../util/errors';
import { buildLabServer, LAB_MEDIA_PATH, type LabServerSpec, type LegacyWebComponentSpec } from './build-server';
import { winJoin } from './lab-paths';
import { findLabMediaFolder } from './media';
import { LAB_FILE, SERVER_FILE } from './server-file';
import { labReadme } from './templates/lab-readme';
import { LAB_SCENARIOS, type LabFile, type LabScenario, type LabServerSummary } from './lab-file';

export interface CreateLabOptions {
  force?: boolean;
  /** Folder with the installer media (default: see media.ts). */
  mediaFolder?: string;
}

const SDK_USER = 'CONTOSO\\svc-pfsdk';
const SDK_PASSWORD = 'S3cr3t!Pass';
const ALL_MEDIA_MSIS = (['UserPortal', 'MobileAppWebService', 'WebServiceSdk'] as WebComponentName[]).flatMap((c) => [
  WEB_COMPONENTS[c].msiFileName(32),
  WEB_COMPONENTS[c].msiFileName(64),
]);
const SERVER_MEDIA = ['MultiFactorAuthenticationServerSetup.exe', ...ALL_MEDIA_MSIS, 'media.json'];

function webComponent(
  component: WebComponentName,
  opts: { vdir?: string; root?: string; sdkUrl: string; useSdk: boolean; extra?: Record<string, string>; systemDriveInConfig?: boolean },
): LegacyWebComponentSpec {
  const vdir = opts.vdir ?? WEB_COMPONENTS[component].legacyVirtualDirectory;
  const physicalPath = winJoin(opts.root ?? DEFAULT_WWWROOT, vdir);
  return {
    component,
    virtualDirectory: vdir,
    physicalPath,
    configPhysicalPath: opts.systemDriveInConfig ? physicalPath.replace(/^C:/i, '%SystemDrive%') : undefined,
    webConfig: { useWebServiceSdk: opts.useSdk, sdkUsername: SDK_USER, sdkPassword: SDK_PASSWORD, sdkUrl: opts.sdkUrl, extraAppSettings: opts.extra },
  };
}

/** The servers of each scenario (folder name → spec). */
function scenarioServers(scenario: LabScenario): { folder: string; spec: LabServerSpec }[] {
  const localSdk = 'https://mfa01.contoso.com/PhoneFactorWebServiceSdk/PfWsSdk.asmx';
  switch (scenario) {
    // The Downloads folder the products were installed from was cleaned up: Windows Installer's cached packages remain,
    // without their cabinets (embedded ones removed before caching, external ones never cached), so none can reinstall.
    case 'CachedPackageOnly':
      return singleServer({ rollbackMedia: 'CachedOnly' });
    // Neither the original media nor the cached packages (C:\Windows\Installer was cleaned): LocalPackage names nothing.
    case 'NoCachedPackage':
      return singleServer({ rollbackMedia: 'None' });
    // MFA Server asks for activation after its setup and cannot get it: the run pauses at the activation step.
    case 'ActivationFails':
      return singleServer({ faults: { activationRequired: true } });
    case 'SingleServer':
      return [
        {
          folder: '.',
          spec: {
            computerName: 'MFA01',
            dnsName: 'mfa01.contoso.com',
            is64Bit: true,
            agentInstallPath: DEFAULT_LEGACY_INSTALL_PATH,
            phoneFactorAdmins: [SDK_USER],
            iis: true,
            media: SERVER_MEDIA,
            webComponents: [
              webComponent('UserPortal', { sdkUrl: localSdk, useSdk: false, systemDriveInConfig: true }),
              webComponent('MobileAppWebService', { sdkUrl: localSdk, useSdk: false }),
              webComponent('WebServiceSdk', { sdkUrl: localSdk, useSdk: false }),
            ],
          },
        },
      ];
    case 'SeparateWebServer':
      return [
        {
          folder: 'MFA01',
          spec: {
            computerName: 'MFA01',
            dnsName: 'mfa01.contoso.com',
            is64Bit: true,
            agentInstallPath: DEFAULT_LEGACY_INSTALL_PATH,
            phoneFactorAdmins: [SDK_USER],
            iis: true,
            media: SERVER_MEDIA,
            webComponents: [webComponent('WebServiceSdk', { sdkUrl: localSdk, useSdk: false })],
          },
        },
        {
          // 32-bit on purpose: the upgrade must pick the ...Setup32.msi installers here (and an x64 one fails with 1633).
          folder: 'WEB01',
          spec: {
            computerName: 'WEB01',
            dnsName: 'web01.contoso.com',
            is64Bit: false,
            iis: true,
            // The web component installers staged by the admin (S1: copy them from the MFA Server install folder).
            media: [...ALL_MEDIA_MSIS, 'media.json'],
            webComponents: [
              webComponent('UserPortal', { sdkUrl: localSdk, useSdk: true, extra: { SSL_REQUIRED: 'false' } }),
              webComponent('MobileAppWebService', { sdkUrl: localSdk, useSdk: true }),
            ],
          },
        },
      ];
    case 'AgentOnly':
      return [
        {
          folder: '.',
          spec: {
            computerName: 'MFA01',
            dnsName: 'mfa01.contoso.com',
            is64Bit: true,
            agentInstallPath: DEFAULT_LEGACY_INSTALL_PATH,
            phoneFactorAdmins: [SDK_USER],
            iis: false,
            media: SERVER_MEDIA,
            webComponents: [],
          },
        },
      ];
    case 'CustomNames': {
      const sdkUrl = 'https://pfsrv01.contoso.com/MFASdk/PfWsSdk.asmx';
      return [
        {
          folder: '.',
          spec: {
            computerName: 'PFSRV01',
            dnsName: 'pfsrv01.contoso.com',
            is64Bit: true,
            agentInstallPath: 'D:\\PhoneFactor',
            phoneFactorAdmins: [SDK_USER],
            iis: true,
            media: SERVER_MEDIA,
            webComponents: [
              webComponent('UserPortal', { vdir: 'MFAPortal', root: 'D:\\WebApps', sdkUrl, useSdk: false }),
              webComponent('MobileAppWebService', { vdir: 'MFAMobile', root: 'D:\\WebApps', sdkUrl, useSdk: false }),
              webComponent('WebServiceSdk', { vdir: 'MFASdk', root: 'D:\\WebApps', sdkUrl, useSdk: false }),
            ],
          },
        },
      ];
    }
  }
}

/** The SingleServer lab with a variation of its spec. */
function singleServer(variant: Partial<LabServerSpec>): { folder: string; spec: LabServerSpec }[] {
  return scenarioServers('SingleServer').map(({ folder, spec }) => ({ folder, spec: { ...spec, ...variant } }));
}

/** True when a folder is a lab or lab server (has lab.json or server.json). */
export function isLabFolder(path: string): boolean {
  return existsSync(join(path, LAB_FILE)) || existsSync(join(path, SERVER_FILE));
}

/**
 * The mark New-MfaLab leaves in a lab it made, and the only thing -Force trusts: server.json and lab.json are common
 * names (a project folder may hold them, and -Force once deleted such a folder). It lists the top-level entries the lab
 * created, so replacing a lab removes those and nothing the admin put beside them. Written last: a lab whose build was
 * interrupted carries no mark and is left for the admin to remove.
 */
export const LAB_MARKER_FILE = '.mfalab';
const MARKER_TAG = 'MfaServerUpgrade New-MfaLab';

interface LabMarker {
  createdBy: typeof MARKER_TAG;
  entries: string[];
}

async function readLabMarker(labPath: string): Promise<LabMarker | undefined> {
  try {
    const m = JSON.parse(await readFile(join(labPath, LAB_MARKER_FILE), 'utf8')) as Partial<LabMarker>;
    const plainName = (n: unknown) => typeof n === 'string' && n !== '' && n !== '.' && n !== '..' && !/[\\/]/.test(n);
    if (m.createdBy !== MARKER_TAG || !Array.isArray(m.entries) || !m.entries.every(plainName)) return undefined;
    return m as LabMarker;
  } catch {
    return undefined;
  }
}

export async function prepareFolder(labPath: string, force: boolean): Promise<void> {
  const s = await stat(labPath).catch(() => undefined);
  if (!s) return;
  if (!s.isDirectory()) throw new CoreError('NotALab', `${labPath} is a file, not a folder; choose another path for the lab.`, labPath);
  if ((await readdir(labPath)).length === 0) return;
  if (!force) {
    throw new CoreError('LabExists', `${labPath} already exists and is not empty. Use -Force to replace an existing lab.`, labPath);
  }
  const marker = await readLabMarker(labPath);
  if (!marker) {
    // -Force replaces a lab, never an arbitrary folder of the admin's (a server.json or lab.json alone proves nothing).
    throw new CoreError(
      'NotALab',
      `${labPath} was not made by New-MfaLab (no ${LAB_MARKER_FILE} mark); it was left untouched. Choose another path, or empty the folder yourself.`,
      labPath,
    );
  }
  // Only what the lab created goes; the mark itself last, so an interrupted removal is retried by the next -Force.
  for (const entry of marker.entries) await rm(join(labPath, entry), { recursive: true, force: true });
  await rm(join(labPath, LAB_MARKER_FILE), { force: true });
}

export async function createLab(path: string, scenario: LabScenario = 'SingleServer', options: CreateLabOptions = {}): Promise<LabServerSummary[]> {
  if (!LAB_SCENARIOS.includes(scenario)) {
    throw new CoreError('LabScenarioUnknown', `Unknown lab scenario '${scenario}'. Choose one of: ${LAB_SCENARIOS.join(', ')}.`, 'Scenario');
  }
  const labPath = resolve(path);
  const mediaFolder = findLabMediaFolder(options.mediaFolder);
  await prepareFolder(labPath, options.force ?? false);
  await mkdir(labPath, { recursive: true });
  const foreign = new Set(await readdir(labPath)); // what the admin keeps beside a replaced lab
  const servers = scenarioServers(scenario);
  const summaries: LabServerSummary[] = [];
  for (const { folder, spec } of servers) {
    const serverPath = folder === '.' ? labPath : join(labPath, folder);
    await buildLabServer(serverPath, spec, mediaFolder);
    summaries.push({
      LabPath: serverPath,
      ComputerName: spec.computerName,
      InstallerPath: spec.media.length > 0 ? LAB_MEDIA_PATH : null,
      Scenario: scenario,
      Notes: [],
    });
  }
  const labFile: LabFile = { formatVersion: 1, scenario, servers: servers.map((s) => s.folder) };
  await writeFile(join(labPath, LAB_FILE), JSON.stringify(labFile, null, 2) + '\n');
  await writeFile(join(labPath, 'README.txt'), labReadme(scenario, summaries, labPath));
  await markLab(labPath, foreign);
  return summaries;
}

/** Writes the lab's mark (last): every top-level entry but those the admin had there before (`foreign`). */
export async function markLab(labPath: string, foreign: Set<string>): Promise<void> {
  const marker: LabMarker = { createdBy: MARKER_TAG, entries: (await readdir(labPath)).filter((e) => !foreign.has(e)).sort() };
  await writeFile(join(labPath, LAB_MARKER_FILE), JSON.stringify(marker, null, 2) + '\n');
}
