/**
 * Steps that bring one web component back after MFA Server is installed: copy its installer (other servers),
 * install it with the right vdir, carry the old web.config settings over, and put the custom themes back.
 */
import { joinWindowsPath, windowsBasename } from '../util/windows-path';
import { WEB_COMPONENTS, type WebComponentName } from './catalog';
import type { ComponentRecord } from './inventory-types';
import type { DraftStep, PlanInput } from './plan-types';
import type { PlannedServer } from './plan-servers';
import {
  DEFAULT_SITE,
  decideSdkUrl,
  newPhysicalPath,
  oldVirtualDirectory,
  vdirInstallMode,
  wantedVirtualDirectory,
  type SdkMove,
  type SdkUrlDecision,
} from './plan-web';

/** Where installers copied to a web server are staged (a folder every Windows server has and SYSTEM can write). */
export const STAGING_FOLDER = 'C:\\Windows\\Temp\\MfaServerUpgrade';

export const BACKUP_WEBCONFIG_NAME = 'web.config';
export const BACKUP_THEMES_FOLDER = 'App_Themes';

/** Where the Backup step stores a component's web.config inside the backup folder. */
export function backupWebConfigRelativePath(component: WebComponentName): string {
  return `${component}\\${BACKUP_WEBCONFIG_NAME}`;
}

export function backupThemesRelativePath(): string {
  return `UserPortal\\${BACKUP_THEMES_FOLDER}`;
}

export function stepId(computerName: string, action: string, component?: string): string {
  return component ? `${computerName}:${action}:${component}` : `${computerName}:${action}`;
}

export interface ComponentContext {
  input: PlanInput;
  server: PlannedServer;
  /** The MFA server whose install folder holds the component installers. */
  source: PlannedServer;
  sdks: SdkMove[];
}

export interface ComponentSteps {
  steps: DraftStep[];
  /** When the SDK URL of this component's web.config could not be matched: why (for a follow-up). */
  sdkUrlProblem: string | null;
}

export function componentSteps(component: WebComponentName, ctx: ComponentContext): ComponentSteps {
  const record = ctx.server.legacy.get(component)!;
  const steps: DraftStep[] = [];
  const msiFileName = WEB_COMPONENTS[component].msiFileName(ctx.server.bits);
  let msiPath: string;
  if (ctx.server.isMfaServer) {
    msiPath = joinWindowsPath(ctx.server.installPath!, msiFileName);
  } else {
    msiPath = joinWindowsPath(STAGING_FOLDER, msiFileName);
    steps.push(copyInstallerStep(component, ctx, msiFileName, msiPath));
  }
  steps.push(installStep(component, record, ctx, msiFileName, msiPath));
  let sdkUrlProblem: string | null = null;
  if (component !== 'WebServiceSdk') {
    const decision = decideSdkUrl(record.SdkUrl, ctx.sdks);
    if (decision.kind === 'Unmatched') sdkUrlProblem = decision.reason;
    steps.push(mergeStep(component, record, ctx, decision));
  }
  if (component === 'UserPortal' && record.ThemePaths.length > 0) steps.push(themesStep(record, ctx));
  return { steps, sdkUrlProblem };
}

function copyInstallerStep(component: WebComponentName, ctx: ComponentContext, msiFileName: string, destination: string): DraftStep {
  const sourcePath = joinWindowsPath(ctx.source.installPath!, msiFileName);
  return {
    Id: stepId(ctx.server.name, 'copy-installer', component),
    Action: 'CopyInstaller',
    Component: component,
    Kind: 'Automatic',
    Blocking: false,
    ComputerName: ctx.server.name,
    Target: destination,
    Description: `Copy ${msiFileName} from ${sourcePath} on ${ctx.source.name} to ${destination} on ${ctx.server.name}.`,
    Reason: `${component} runs on ${ctx.server.name}, not on the MFA server; its installer ships in the MFA Server install folder, in ` +
      `the ${ctx.server.bits}-bit build that matches ${ctx.server.name}.`,
    Parameters: {
      sourceComputerName: ctx.source.name,
      sourcePath,
      destinationPath: destination,
      msiFileName,
      bits: String(ctx.server.bits),
    },
  };
}

function installStep(component: WebComponentName, record: ComponentRecord, ctx: ComponentContext, msiFileName: string, msiPath: string): DraftStep {
  const vdir = wantedVirtualDirectory(record, ctx.input.naming);
  const oldVdir = oldVirtualDirectory(record);
  const site = record.SiteName || DEFAULT_SITE;
  const physicalPath = newPhysicalPath(vdir);
  const mode = vdirInstallMode(component, vdir, ctx.input.vdirProperty[component]);
  const base = {
    Id: stepId(ctx.server.name, 'install', component),
    Action: 'InstallComponent' as const,
    Component: component,
    ComputerName: ctx.server.name,
    Target: msiPath,
  };
  const parameters = {
    msiPath,
    msiFileName,
    virtualDirectory: vdir,
    oldVirtualDirectory: oldVdir,
    siteName: site,
    physicalPath,
    vdirProperty: mode.mode === 'Property' ? mode.property : null,
    // Always checked after the install: a component answering on the wrong vdir must never pass silently.
    checkVdir: vdir,
  };
  const reason = `${component} was installed on ${ctx.server.name} (virtual directory ${oldVdir}); it comes back as the MFA Server version on ${
    ctx.input.naming === 'New' ? `the new default virtual directory ${vdir}` : `its previous virtual directory ${vdir}`
  }.`;
  if (mode.mode !== 'Interactive') {
    return {
      ...base,
      Kind: 'Automatic',
      Blocking: false,
      Description:
        mode.mode === 'Property'
          ? `Install ${msiFileName} silently with ${mode.property}=${vdir} (site ${site}).`
          : `Install ${msiFileName} silently on its default virtual directory ${vdir} (site ${site}).`,
      Reason: reason,
      Parameters: { ...parameters, interactive: false, instruction: null },
    };
  }
  const instruction =
    `On ${ctx.server.name}, open a command prompt as administrator and run: msiexec /i "${msiPath}". ` +
    `On the "Select Installation Address" page set Site to "${site}", Virtual directory to "${vdir}" ` +
    `and keep the Application Pool the installer proposes unless the old application used a dedicated pool. ` +
    `Finish the wizard, then resume the upgrade; it checks that ${component} answers on /${vdir}.`;
  return {
    ...base,
    Kind: 'Manual',
    Blocking: true,
    Description: `Install ${msiFileName} interactively and choose the virtual directory ${vdir}.`,
    Reason: `${reason} The installer's default is ${WEB_COMPONENTS[component].newVirtualDirectory} and no MSI property for the virtual directory was found ` +
      `in its Property table, so a silent install would land on the wrong name.`,
    Parameters: { ...parameters, interactive: true, instruction },
  };
}

function mergeStep(component: WebComponentName, record: ComponentRecord, ctx: ComponentContext, decision: SdkUrlDecision): DraftStep {
  const vdir = wantedVirtualDirectory(record, ctx.input.naming);
  const target = joinWindowsPath(newPhysicalPath(vdir), 'web.config');
  const reference = backupWebConfigRelativePath(component);
  const sdkUrl = decision.kind === 'Rewrite' ? decision.url : null;
  return {
    Id: stepId(ctx.server.name, 'merge-webconfig', component),
    Action: 'MergeWebConfig',
    Component: component,
    Kind: 'Automatic',
    Blocking: false,
    ComputerName: ctx.server.name,
    Target: target,
    Description:
      `Copy the appSettings and applicationSettings values of the backed-up web.config (${reference}) into ${target}` +
      (sdkUrl ? `, with the SDK URL changed to ${sdkUrl}.` : ', keeping the SDK URL as it was.'),
    Reason: 'The new installer writes a default web.config; the SDK account, SDK URL and any changed defaults live only in the old one.',
    Parameters: {
      backupStepId: stepId(ctx.server.name, 'backup'),
      referenceRelativePath: reference,
      oldWebConfigPath: record.WebConfigPath ?? (record.PhysicalPath ? joinWindowsPath(record.PhysicalPath, 'web.config') : null),
      webConfigPath: target,
      virtualDirectory: vdir,
      siteName: record.SiteName || DEFAULT_SITE,
      oldSdkUrl: record.SdkUrl,
      sdkUrl,
    },
  };
}

function themesStep(record: ComponentRecord, ctx: ComponentContext): DraftStep {
  const vdir = wantedVirtualDirectory(record, ctx.input.naming);
  const targetFolder = joinWindowsPath(newPhysicalPath(vdir), BACKUP_THEMES_FOLDER);
  const names = record.ThemePaths.map((p) => windowsBasename(p));
  return {
    Id: stepId(ctx.server.name, 'restore-themes', 'UserPortal'),
    Action: 'RestoreThemes',
    Component: 'UserPortal',
    Kind: 'Automatic',
    Blocking: false,
    ComputerName: ctx.server.name,
    Target: targetFolder,
    Description: `Put the custom portal themes back (${names.join(', ')}) into ${targetFolder}.`,
    Reason: 'Custom themes under App_Themes are removed with the old portal and are not part of the new one.',
    Parameters: {
      backupStepId: stepId(ctx.server.name, 'backup'),
      backupRelativePath: backupThemesRelativePath(),
      // '|' cannot occur in a Windows file name, so it separates the list safely.
      themeNames: names.join('|'),
      targetFolder,
      virtualDirectory: vdir,
      siteName: record.SiteName || DEFAULT_SITE,
    },
  };
}
