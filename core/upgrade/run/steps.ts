/**
 * What each kind of plan step does on its server. Every executor is safe to run again after a crash (the engine
 * re-runs a step the journal shows as started but not finished): it looks at the server's state first.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Host } from '../../host/host';
import type { PlanStep } from '../../domain/plan-types';
import type { WebComponentName } from '../../domain/catalog';
import { inventoryServer } from '../../survey/inventory';
import { serverBackupItems } from '../../backup/server-backup-items';
import { findMfaServices } from '../../survey/mfa-services';
import { createBackup, verifyBackup } from '../../backup/index';
import { listInstalledProducts } from '../../host/installed-products';
import { listWebApplications } from '../../host/iis';
import { installComponentMsi, installServer, uninstallProduct } from '../installers';
import {
  isOwnRedirect,
  mergeWebConfig as mergeWebConfigText,
  namedExternalFiles,
  readRedirect,
  redirectWebConfig,
  type ExternalReader,
  type MergeInput,
} from '../../webconfig/index';
import { expectationsOf, verifyServers } from '../verify';
import { CoreError, isCoreError } from '../../util/errors';
import { recordedBackup, verifiedBackupFiles } from './backup-gate';
import { carryReferencedFiles } from './carry-referenced-files';
import type { RunContext } from './run-context';
import { joinWindowsPath, sameWindowsPath, windowsParent } from '../../util/windows-path';
import { refusedInstaller, windowsFolderOf } from '../plan-installers';
import { STAGING_FOLDER } from '../../domain/plan-component-steps';
import { readMsi } from '../../msi/reader';
import { selectComponentInstaller } from '../../msi/select';
import { consumerBackupItems, rewriteSdkConsumer } from './consumer-step';
import { str, type Executor, type StepResult } from './step-executor';

export type { StepResult } from './step-executor';

const backup: Executor = async (step, run) => {
  const host = run.host(step.ComputerName);
  const inventory = await inventoryServer(host);
  const versions = Object.fromEntries(inventory.Components.map((c) => [c.DisplayName, c.Version ?? '']));
  // The way back goes into the backup now: the uninstalls after it delete Windows Installer's cached packages.
  const found = await serverBackupItems(host, inventory, { rollbackMediaPath: run.rollbackMediaPath });
  const { warnings, rollbackMedia } = found;
  // Every file a later step of the plan changes is in the backup before anything changes (the SDK's other callers).
  const items = [...found.items, ...consumerBackupItems(step)];
  for (const w of warnings) run.log('warning', `${host.computerName}: ${w}`);
  const unverified = rollbackMedia.filter((r) => r.Verdict !== 'Verified');
  const accepted = (run.acceptedRisks ?? []).some((r) => r.toLowerCase() === 'rollbackmedia');
  if (unverified.length && !accepted) {
    throw new CoreError(
      'RollbackMediaMissing',
      `Nothing was uninstalled: no verified package can reinstall ${unverified.map((r) => `${r.DisplayName} ${r.Version}`).join(', ')} on ` +
        `${host.computerName}. ${unverified.map((r) => r.Detail).join(' ')} Run again with -Resume -RollbackMediaPath <folder with the installers>, ` +
        `or accept the risk with -SkipReadiness RollbackMedia.`,
      host.computerName,
      { products: unverified.map((r) => r.ProductCode) },
    );
  }
  const made = await createBackup(host, { destination: run.backupDestination, items, toolVersion: run.toolVersion, productVersions: versions });
  const check = await verifyBackup(made.Path);
  if (!check.IsValid) throw new CoreError(
    'BackupVerificationFailed',
    `The backup ${made.Path} did not verify: ${check.Reason ?? 'items differ'}. Nothing was uninstalled.`,
    made.Path,
  );
  const media = rollbackMedia.map((r) => `${r.DisplayName} ${r.Version}: ${r.Verdict === 'Verified' ? r.Source : 'no verified package'}`).join('; ');
  const risk = unverified.length ? ` No way back for ${unverified.map((r) => r.DisplayName).join(', ')}: risk accepted with -SkipReadiness RollbackMedia.` : '';
  if (risk) run.log('warning', `${host.computerName}:${risk}`);
  return {
    outcome: `Verified backup of ${made.FileCount} file(s), ${made.TotalBytes} bytes: ${made.Path}. Rollback media: ${media || 'none needed'}.${risk}`,
    data: {
      BackupPath: made.Path,
      Files: made.FileCount,
      Bytes: made.TotalBytes,
      RollbackMedia: media,
      ...(unverified.length ? { RollbackMediaRiskAccepted: true } : {}),
    },
  };
};

const uninstall: Executor = async (step, run) =>
  uninstallIfInstalled(run.host(step.ComputerName), str(step, 'productCode'), String(step.Parameters.displayName ?? step.Parameters.productCode));

/** An uninstall step of the upgrade or of an Undo: a product already gone is no failure (a step run again after a kill). */
export async function uninstallIfInstalled(host: Host, productCode: string, displayName: string): Promise<StepResult> {
  const present = (await listInstalledProducts(host)).some((p) => (p.productCode ?? p.keyName).toUpperCase() === productCode.toUpperCase());
  if (!present) return { outcome: `${displayName} is not installed (already removed).`, data: { ExitCode: 1605 } };
  const r = await uninstallProduct(host, productCode, displayName);
  return { outcome: r.Message, data: { ExitCode: r.ExitCode, LogPath: r.LogPath }, rebootRequired: r.RebootRequired };
}

const installServerStep: Executor = async (step, run) => {
  const host = run.host(step.ComputerName);
  const existing = (await inventoryServer(host)).Components.find((c) => c.Component === 'MfaServer');
  if (existing) return {
    outcome: `${existing.DisplayName} ${existing.Version ?? ''} is already installed in ${existing.InstallPath}.`,
    data: { Version: existing.Version },
  };
  const media = str(step, 'installerPath');
  if (!sameWindowsPath(media, run.installerPath)) throw refusedInstaller(
    step,
    `the MFA Server setup from '${media}', not from the media folder you named ('${run.installerPath}')`,
  );
  const r = await installServer(host, media);
  const after = (await inventoryServer(host)).Components.find((c) => c.Component === 'MfaServer');
  if (!after) throw new CoreError(
    'InstallVerificationFailed',
    `The MFA Server setup ended with exit ${r.ExitCode}, but MFA Server is not registered on ${host.computerName}. See ${r.LogPath}.`,
    r.LogPath,
  );
  const expected = step.Parameters.installPath;
  if (typeof expected === 'string' && after.InstallPath && after.InstallPath.toLowerCase() !== expected.toLowerCase()) {
    run.log('warning', `MFA Server went to ${after.InstallPath}, not the previous path ${expected}.`);
  }
  return {
    outcome: `MFA Server ${after.Version ?? ''} installed in ${after.InstallPath} (exit ${r.ExitCode}).`,
    data: { ExitCode: r.ExitCode, LogPath: r.LogPath, Version: after.Version },
    rebootRequired: r.RebootRequired,
  };
};

const confirmActivation: Executor = async (step, run) => {
  const host = run.host(step.ComputerName);
  // Activation state is not documented anywhere readable [?]: a running MFA Server service is taken as "activated".
  const running = (await findMfaServices(host)).some((s) => s.state === 'Running');
  if (running) return { outcome: 'The MFA Server service is running: no activation was asked for.' };
  return {
    outcome: 'The MFA Server service is not running: it may need activation.',
    pause: String(step.Parameters.instruction ?? 'Activate MFA Server in its console, then resume.'),
  };
};

const copyInstaller: Executor = async (step, run) => {
  const source = run.host(str(step, 'sourceComputerName'));
  const target = run.host(step.ComputerName);
  const sourcePath = str(step, 'sourcePath');
  await assertInMfaServerFolder(source, step, sourcePath, null);
  const bytes = await source.readFile(sourcePath);
  // The copy is the component's own MSI (product and bitness read from the file), or it is not copied.
  selectComponentInstaller([readMsi(bytes, sourcePath)], step.Component as WebComponentName, target.is64Bit);
  const destination = str(step, 'destinationPath');
  // Windows creates no folder for a file written into it: the media folder on a separate web server is new. It is in
  // C:\Windows\Temp, where any account may create folders: closed to all but administrators before the MSI goes in
  // (ownership taken too), no other account can have prepared it or swap the MSI before msiexec runs it.
  await target.makeDirectory(windowsParent(destination));
  await target.closeFolder(windowsParent(destination));
  await target.writeFileAtomic(destination, bytes);
  const copied = await target.readFile(destination);
  if (!copied.equals(bytes)) throw new CoreError(
    'CopyVerificationFailed',
    `The copy of ${destination} on ${target.computerName} differs from its source.`,
    destination,
  );
  return { outcome: `Copied ${bytes.length} bytes to ${destination} on ${target.computerName}.`, data: { Bytes: bytes.length, Sha256: sha256Hex(bytes) } };
};

const installComponent: Executor = async (step, run) => {
  const host = run.host(step.ComputerName);
  const component = step.Component as WebComponentName;
  const vdir = str(step, 'virtualDirectory');
  const served = async () => (await listWebApplications(host)).some((a) => a.applicationPath.replace(/^\//, '').toLowerCase() === vdir.toLowerCase());
  const installed = (await inventoryServer(host)).Components.some((c) => c.Component === component && !c.IsLegacy);
  if (step.Parameters.interactive === true) {
    if (installed && (await served())) return { outcome: `${component} answers on /${vdir}, as asked.` };
    return { outcome: `Waiting for the interactive install of ${component} on /${vdir}.`, pause: str(step, 'instruction') };
  }
  if (!installed) {
    const properties: Record<string, string> = {};
    if (typeof step.Parameters.vdirProperty === 'string') properties[step.Parameters.vdirProperty] = vdir;
    const msiPath = str(step, 'msiPath');
    await assertInMfaServerFolder(host, step, msiPath, run);
    const r = await installComponentMsi(host, msiPath, component, properties);
    if (!(await served())) throw new CoreError(
      'VirtualDirectoryMissing',
      `${component} was installed (exit ${r.ExitCode}) but /${vdir} is not an IIS application on ${host.computerName}. See ${r.LogPath}.`,
      vdir,
    );
    return {
      outcome: `${component} installed on /${vdir} (exit ${r.ExitCode}).`,
      data: { ExitCode: r.ExitCode, LogPath: r.LogPath },
      rebootRequired: r.RebootRequired,
    };
  }
  if (!(await served())) throw new CoreError('VirtualDirectoryMissing', `${component} is installed but not on /${vdir} on ${host.computerName}.`, vdir);
  return { outcome: `${component} is already installed on /${vdir}.` };
};

/**
 * A component installer runs (or is copied) only from the folder MFA Server is installed in on that server, as the
 * server says now (its setup puts the component MSIs there), or, for an install, from the staging folder the plan
 * copies them to on a web server.
 */
async function assertInMfaServerFolder(host: Host, step: PlanStep, file: string, run: RunContext | null): Promise<void> {
  const folder = windowsFolderOf(file);
  if (run && folder === windowsFolderOf(`${STAGING_FOLDER}\\x`)) {
    // A copy the plan made: it must still be the bytes the copy step wrote (the staging folder is not ours alone).
    const copied = run.stepData(`${step.ComputerName}:copy-installer:${step.Component}`)?.Sha256;
    const now = sha256Hex(await host.readFile(file));
    if (typeof copied === 'string' && copied === now) return;
    throw refusedInstaller(
      step,
      `'${file}' on ${host.computerName}, whose content is not what the plan's copy step put there (SHA-256 ${now}, ` +
        `recorded ${typeof copied === 'string' ? copied : 'none'})`,
    );
  }
  const server = (await inventoryServer(host)).Components.find((c) => c.Component === 'MfaServer');
  if (server?.InstallPath && sameWindowsPath(folder, server.InstallPath)) return;
  throw refusedInstaller(
    step,
    `'${file}' on ${host.computerName}, which is not in the folder MFA Server is installed in there (${server?.InstallPath ?? 'MFA Server is not installed'})`,
  );
}

const sha256Hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The backup the plan's Backup step recorded for this step's server (checked: a journal entry is only a claim). */
function backupPathFor(step: PlanStep, run: RunContext): string {
  return recordedBackup(str(step, 'backupStepId'), run);
}

/**
 * The installed application's real folder, read from IIS: the plan only predicts it (the installer decides where the
 * files go, under the site's root).
 */
async function installedFolder(host: Host, step: PlanStep): Promise<string> {
  const vdir = str(step, 'virtualDirectory').toLowerCase();
  const site = str(step, 'siteName').toLowerCase();
  const apps = (await listWebApplications(host)).filter((a) => a.applicationPath.replace(/^\//, '').toLowerCase() === vdir);
  const app = apps.find((a) => a.siteName.toLowerCase() === site) ?? apps[0];
  if (!app) throw new CoreError(
    'VirtualDirectoryMissing',
    `/${step.Parameters.virtualDirectory} is not an IIS application on ${host.computerName}; install its component first.`,
    String(step.Parameters.virtualDirectory),
  );
  return app.physicalPath.replace(/[\\/]+$/, '');
}

const mergeWebConfig: Executor = async (step, run) => {
  const host = run.host(step.ComputerName);
  const target = `${await installedFolder(host, step)}\\web.config`;
  const backup = backupPathFor(step, run);
  const relative = str(step, 'referenceRelativePath');
  // The old web.config as the backup's manifest hashed it, never bytes that changed since.
  const [old] = await verifiedBackupFiles(backup, relative, host.computerName);
  const reference = path.join(backup, ...relative.split('\\'));
  const sdkUrl = typeof step.Parameters.sdkUrl === 'string' ? step.Parameters.sdkUrl : undefined;
  const targetInput = { path: target, bytes: await host.readFile(target) };
  const referenceInput = { path: reference, bytes: old.bytes };
  // Files the old web.config names (file=, configSource=) come from the backup only as its manifest hashed them; one
  // the manifest does not list counts as absent.
  const fromBackup = async (p: string) => (await verifiedBackupFiles(backup, path.relative(backup, p).split(path.sep).join('\\'), host.computerName))[0].bytes;
  const merged = mergeWebConfigText(targetInput, referenceInput, {
    webServiceSdkUrl: sdkUrl,
    targetExternal: await prefetchExternal(targetInput, (rel) => `${target.replace(/[^\\]*$/, '')}${rel.replace(/\//g, '\\')}`, (p) => host.readFile(p)),
    referenceExternal: await prefetchExternal(referenceInput, (rel) => path.join(path.dirname(reference), ...rel.split(/[\\/]/)), fromBackup),
  });
  // The old web.config's files go beside the new one before it is written, so a configSource= it names is never missing.
  const carried = await carryReferencedFiles({
    host,
    backup,
    old: { relativePath: relative, originalPath: old.entry.originalPath, bytes: old.bytes },
    target: { path: target, merged: merged.output },
    log: (level, message) => run.log(level, message),
  });
  if (merged.changed) await host.writeFileAtomic(target, merged.output);
  const edits = merged.changes.filter((c) => c.Action === 'Updated' || c.Action === 'Added');
  const review = merged.changes.filter((c) => c.Action === 'Review' || c.Action === 'Conflict');
  for (const c of review) run.log(
    'warning',
    `${target}: review ${c.Section}/${c.Name} (old file: ${c.NewValue ?? '(none)'}; new file: ${c.OldValue ?? '(none)'})${c.Detail ? `: ${c.Detail}` : ''}`,
  );
  const placed = carried.placed.length ? `; put back ${carried.placed.length} file(s) the old web.config named: ${carried.placed.join(', ')}` : '';
  const sdk = sdkUrl ? `; SDK URL now ${sdkUrl}` : '';
  const outcome = `${edits.length} setting(s) carried into ${target}${sdk}; ${review.length} difference(s) to review${placed}.`;
  const data = { Updated: edits.length, Review: review.length, FilesPlaced: carried.placed.length };
  if (carried.manual.length > 0) return { outcome, data, pause: carried.manual.join(' ') };
  return { outcome, data };
};

/** The files named by file=/configSource= beside a web.config, read up front (the merge itself is synchronous). */
async function prefetchExternal(input: MergeInput, resolve: (relative: string) => string, read: (p: string) => Promise<Buffer>): Promise<ExternalReader> {
  const files = new Map<string, { path: string; bytes: Buffer | null }>();
  for (const relative of namedExternalFiles(input)) {
    const p = resolve(relative);
    const bytes = await read(p).catch((e) => {
      // A backup file that no longer matches its manifest stops the step; a file that is not there is absent.
      if (isCoreError(e) && e.code === 'BackupVerificationFailed' && e.details.notListed !== true) throw e;
      return null;
    });
    files.set(relative, { path: p, bytes });
  }
  return (relative) => files.get(relative) ?? { path: resolve(relative), bytes: null };
}

const restoreThemes: Executor = async (step, run) => {
  const host = run.host(step.ComputerName);
  const names = str(step, 'themeNames').split('|');
  const backup = backupPathFor(step, run);
  const themesInBackup = str(step, 'backupRelativePath');
  let files = 0;
  const themes = `${await installedFolder(host, step)}\\App_Themes`;
  for (const name of names) {
    // Only the files the manifest lists for this theme, each checked against its hash (an extra file dropped into the
    // backup folder is not carried onto the web server).
    const folder = `${themesInBackup}\\${name}`;
    for (const { entry, bytes } of await verifiedBackupFiles(backup, folder, host.computerName, true)) {
      // Windows creates no folder for a file written into it: each file's folder (nested ones too) is made first.
      const target = `${themes}\\${name}\\${entry.relativePath.slice(folder.length + 1)}`;
      await host.makeDirectory(windowsParent(target));
      await host.writeFileAtomic(target, bytes);
      files++;
    }
  }
  return { outcome: `Restored ${names.length} theme folder(s), ${files} file(s).`, data: { Files: files } };
};

/**
 * -Goal Migrate: the retired User portal's folder gets a web.config that redirects its address to Microsoft's
 * registration page. Written atomically and read back with our own parser. A web.config there that is not ours (left
 * by the uninstall, or someone else's) is kept beside as web.config.before-redirect, never overwritten unseen. When IIS
 * does not serve the old address from that folder (a custom physical path outside the site's folder), the run pauses
 * with the command that makes it do so, and -Resume checks it.
 */
const writeRedirect: Executor = async (step, run) => {
  const host = run.host(step.ComputerName);
  const folder = str(step, 'folder');
  const destination = str(step, 'destination');
  const vdir = str(step, 'virtualDirectory');
  const site = str(step, 'siteName');
  const target = joinWindowsPath(folder, 'web.config');
  const existing = (await host.stat(target))?.isDirectory === false ? await host.readFile(target) : null;
  let kept = '';
  if (existing && !isOwnRedirect(existing)) {
    const aside = `${target}.before-redirect`;
    if (!(await host.stat(aside))) await host.writeFileAtomic(aside, existing);
    kept = ` The web.config found there is kept as ${aside}.`;
  }
  if (!existing || !isOwnRedirect(existing) || readRedirect(existing, target)?.destination !== destination) {
    await host.makeDirectory(folder);
    await host.writeFileAtomic(target, redirectWebConfig(destination, `the MFA Server User portal that lived here was retired for the migration to ` +
      `Microsoft Entra MFA; its address sends users to the registration page (Invoke-MfaServerUpgrade -Goal Migrate, step ${step.Id}).`));
  }
  const back = readRedirect(await host.readFile(target), target);
  if (!back || !back.enabled || back.destination !== destination) throw new CoreError(
    'RedirectVerificationFailed',
    `${target} on ${host.computerName} does not read back as a redirect to ${destination} (${back ? `it redirects to '${back.destination}'` : 'no ' +
      'httpRedirect'}${back && !back.enabled ? ', disabled' : ''}).`,
    target,
  );
  const outcome = `${target} redirects /${vdir} (site ${site}) to ${destination}.${kept}`;
  const apps = (await listWebApplications(host)).filter((a) => a.siteName.toLowerCase() === site.toLowerCase());
  const own = apps.find((a) => a.applicationPath.replace(/^\//, '').toLowerCase() === vdir.toLowerCase());
  const root = apps.find((a) => a.applicationPath === '/');
  const served = own ? own.physicalPath : root ? joinWindowsPath(root.physicalPath, vdir) : null;
  if (served && sameWindowsPath(served, folder)) return { outcome, data: { WebConfig: target, Destination: destination } };
  return {
    outcome: `${outcome} IIS does not serve /${vdir} from ${folder} (${served ? `it maps it to ${served}` : `no site '${site}' is configured`}).`,
    data: { WebConfig: target, Destination: destination },
    pause: `On ${host.computerName}, make IIS serve the old portal address from the folder holding the redirect, e.g. in an elevated prompt: ` +
      `%windir%\\system32\\inetsrv\\appcmd.exe add app /site.name:"${site}" /path:/${vdir} /physicalPath:"${folder}". Then resume the upgrade; it checks ` +
      `that /${vdir} is served from ${folder}.`,
  };
};

const verify: Executor = async (step, run) => {
  const verified = await verifyServers(run.hosts, { expectations: expectationsOf([step]) });
  const [result] = verified.filter((r) => r.ComputerName.toLowerCase() === step.ComputerName.toLowerCase());
  const failed = result?.Checks.filter((c) => !c.Passed) ?? [];
  if (!result || failed.length) throw new CoreError(
    'VerificationFailed',
    `Verification failed on ${step.ComputerName}: ${failed.map((c) => `${c.Name}: ${c.Detail}`).join('; ')}`,
    step.ComputerName,
  );
  return { outcome: `Verified: ${result.Checks.map((c) => c.Name).join(', ')}.` };
};

export const EXECUTORS: Record<PlanStep['Action'], Executor> = {
  Backup: backup,
  Uninstall: uninstall,
  InstallServer: installServerStep,
  ConfirmActivation: confirmActivation,
  CopyInstaller: copyInstaller,
  InstallComponent: installComponent,
  MergeWebConfig: mergeWebConfig,
  RestoreThemes: restoreThemes,
  RewriteSdkConsumer: rewriteSdkConsumer,
  WriteRedirect: writeRedirect,
  Verify: verify,
};
