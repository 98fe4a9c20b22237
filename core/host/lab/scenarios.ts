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
import { joinWindowsPath, windowsNameProblem } from '../../util/windows-path';
import { hasLabLedger, putBackAdminFiles, setAsideAdminFiles, snapshotLabFiles, type KeptFile } from './lab-files';
import { findLabMediaFolder } from './media';
import { LAB_FILE, SERVER_FILE } from './server-file';
import { labReadme } from './templates/lab-readme';
import { placeSdkConsumers } from './templates/sdk-consumers';
import type { LabHost } from './lab-host';
import { LAB_SCENARIOS, withLabInstallerPath, type LabFile, type LabScenario, type LabServerSummary } from './lab-file';

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
  const physicalPath = joinWindowsPath(opts.root ?? DEFAULT_WWWROOT, vdir);
  return {
    component,
    virtualDirectory: vdir,
    physicalPath,
    configPhysicalPath: opts.systemDriveInConfig ? physicalPath.replace(/^C:/i, '%SystemDrive%') : undefined,
    webConfig: { useWebServiceSdk: opts.useSdk, sdkUsername: SDK_USER, sdkPassword: SDK_PASSWORD, sdkUrl: opts.sdkUrl, extraAppSettings: opts.extra },
  };
}

/** The PhoneFactor Agent with the portal, the mobile app web service and the SDK in the Default Web Site. */
function singleServer(localSdk: string): LabServerSpec {
  return {
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
  };
}

interface ScenarioServer {
  folder: string;
  spec: LabServerSpec;
  /** What other products put on the server after it is built (SdkConsumers: the SDK's callers). */
  extras?: (lab: LabHost) => Promise<void>;
}

/** The servers of each scenario (folder name → spec). */
function scenarioServers(scenario: LabScenario): ScenarioServer[] {
  const localSdk = 'https://mfa01.contoso.com/PhoneFactorWebServiceSdk/PfWsSdk.asmx';
  switch (scenario) {
    // The Downloads folder the products were installed from was cleaned up: Windows Installer's cached packages remain,
    // without their cabinets (embedded ones removed before caching, external ones never cached), so none can reinstall.
    case 'CachedPackageOnly':
      return singleServerVariant({ rollbackMedia: 'CachedOnly' });
    // Neither the original media nor the cached packages (C:\Windows\Installer was cleaned): LocalPackage names nothing.
    case 'NoCachedPackage':
      return singleServerVariant({ rollbackMedia: 'None' });
    // MFA Server asks for activation after its setup and cannot get it: the run pauses at the activation step.
    case 'ActivationFails':
      return singleServerVariant({ faults: { activationRequired: true } });
    case 'SingleServer':
      return [{ folder: '.', spec: singleServer(localSdk) }];
    case 'SdkConsumers':
      return [
        { folder: 'MFA01', spec: singleServer(localSdk) },
        {
          // No MFA product at all: an application server that calls the SDK (an IIS site on 8443, AD FS adapter, MIM).
          folder: 'APP01',
          spec: { computerName: 'APP01', dnsName: 'app01.contoso.com', is64Bit: true, iis: true, media: [], webComponents: [] },
          extras: placeSdkConsumers,
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
function singleServerVariant(variant: Partial<LabServerSpec>): { folder: string; spec: LabServerSpec }[] {
  return scenarioServers('SingleServer').map(({ folder, spec }) => ({ folder, spec: { ...spec, ...variant } }));
}

/** True when a folder is a lab or lab server (has lab.json or server.json). */
export function isLabFolder(path: string): boolean {
  return existsSync(join(path, LAB_FILE)) || existsSync(join(path, SERVER_FILE));
}

/**
 * The mark New-MfaLab leaves in a lab it made, and the only thing -Force trusts: server.json and lab.json are common
 * names (a project folder may hold them, and -Force once deleted such a folder). It lists the top-level entries the lab
 * created and its server folders, so replacing a lab removes those and nothing the admin put beside them; on the lab's
 * drives (C\ …) only the files the lab wrote go (lab-files.ts), and every file the admin added or changed there is put
 * back into the rebuilt lab with the same bytes. Written last: a lab whose build was interrupted carries no mark and is
 * left for the admin to remove.
 */
export const LAB_MARKER_FILE = '.mfalab';
const MARKER_TAG = 'MfaServerUpgrade New-MfaLab';
/** Where the admin's files wait while -Force rebuilds the lab (inside the lab folder: moved, never copied). */
export const KEPT_FOLDER = '.mfalab-kept';

interface LabMarker {
  createdBy: typeof MARKER_TAG;
  entries: string[];
  /** The server folders ('.' for a one-server lab); absent in the mark of a lab made before labs recorded their files. */
  servers?: string[];
}

/** What -Force set aside to put back once the lab is rebuilt. */
export interface PreparedFolder {
  kept: KeptFile[];
  aside: string;
}

async function readLabMarker(labPath: string): Promise<LabMarker | undefined> {
  try {
    const m = JSON.parse(await readFile(join(labPath, LAB_MARKER_FILE), 'utf8')) as Partial<LabMarker>;
    const plainName = (n: unknown) => typeof n === 'string' && windowsNameProblem(n) === undefined;
    if (m.createdBy !== MARKER_TAG || !Array.isArray(m.entries) || !m.entries.every(plainName)) return undefined;
    if (m.servers !== undefined && !(Array.isArray(m.servers) && m.servers.every((n) => n === '.' || plainName(n)))) return undefined;
    return m as LabMarker;
  } catch {
    return undefined;
  }
}

export async function prepareFolder(labPath: string, force: boolean): Promise<PreparedFolder | undefined> {
  const s = await stat(labPath).catch(() => undefined);
  if (!s) return undefined;
  if (!s.isDirectory()) throw new CoreError('NotALab', `${labPath} is a file, not a folder; choose another path for the lab.`, labPath);
  if ((await readdir(labPath)).length === 0) return undefined;
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
  const aside = join(labPath, KEPT_FOLDER);
  const servers = marker.servers ?? [];
  const older = !marker.servers || (await Promise.all(servers.map((f) => hasLabLedger(join(labPath, f))))).includes(false);
  if (older || existsSync(aside)) {
    throw new CoreError(
      'LabExists',
      older
        ? `${labPath} was made by an earlier New-MfaLab, which did not record which files on its drives are its own, so -Force cannot tell them from ` +
          `files you added; nothing was removed. Move your files out and remove the folder, then run New-MfaLab again.`
        : `${aside} holds files an interrupted New-MfaLab -Force set aside (yours); nothing was removed. Move them back under the lab, remove ` +
          `${KEPT_FOLDER}, then run again.`,
      labPath,
    );
  }
  // The admin's files on the lab's drives wait aside; then only what the lab created goes, the mark itself last.
  const kept: KeptFile[] = [];
  for (const f of servers) kept.push(...(await setAsideAdminFiles(join(labPath, f), join(aside, f === '.' ? '_' : f))));
  for (const entry of marker.entries) await rm(join(labPath, entry), { recursive: true, force: true });
  await rm(join(labPath, LAB_MARKER_FILE), { force: true });
  return { kept, aside };
}

/**
 * The end of a build: each server's files are recorded as the lab's (before anything of the admin's is back), the
 * admin's files set aside by -Force are put back over the rebuilt lab, and the mark is written last.
 */
export async function finishLab(labPath: string, serverFolders: string[], foreign: Set<string>, prepared: PreparedFolder | undefined): Promise<void> {
  for (const f of serverFolders) await snapshotLabFiles(join(labPath, f));
  if (prepared) await putBackAdminFiles(prepared.kept, prepared.aside);
  await markLab(labPath, foreign, serverFolders);
}

export async function createLab(path: string, scenario: LabScenario = 'SingleServer', options: CreateLabOptions = {}): Promise<LabServerSummary[]> {
  if (!LAB_SCENARIOS.includes(scenario)) {
    throw new CoreError('LabScenarioUnknown', `Unknown lab scenario '${scenario}'. Choose one of: ${LAB_SCENARIOS.join(', ')}.`, 'Scenario');
  }
  const labPath = resolve(path);
  const mediaFolder = findLabMediaFolder(options.mediaFolder);
  const prepared = await prepareFolder(labPath, options.force ?? false);
  await mkdir(labPath, { recursive: true });
  const foreign = new Set(await readdir(labPath)); // what the admin keeps beside a replaced lab
  const servers = scenarioServers(scenario);
  const summaries: LabServerSummary[] = [];
  for (const { folder, spec, extras } of servers) {
    const serverPath = folder === '.' ? labPath : join(labPath, folder);
    const lab = await buildLabServer(serverPath, spec, mediaFolder);
    await extras?.(lab);
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
  await finishLab(labPath, servers.map((s) => s.folder), foreign, prepared);
  return withLabInstallerPath(summaries);
}

/** Writes the lab's mark (last): every top-level entry but those the admin had there before (`foreign`), and its servers. */
async function markLab(labPath: string, foreign: Set<string>, servers: string[]): Promise<void> {
  const entries = (await readdir(labPath)).filter((e) => !foreign.has(e)).sort();
  const marker: LabMarker = { createdBy: MARKER_TAG, entries, servers };
  await writeFile(join(labPath, LAB_MARKER_FILE), JSON.stringify(marker, null, 2) + '\n');
}
