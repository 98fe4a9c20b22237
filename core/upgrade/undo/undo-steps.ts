/**
 * What each step of an Undo does on its server. As the upgrade's executors (run/steps.ts), each is safe to run again
 * after a kill: it looks at the server first (a product already gone or already back, a file already removed or
 * already restored), and it uses the backup only as its manifest hashed it.
 */
import { createHash } from 'node:crypto';
import type { Host } from '../../host/host';
import { listInstalledProducts } from '../../host/installed-products';
import { listWebApplications } from '../../host/iis';
import { restoreBackupOnHost, readManifest } from '../../backup/index';
import { ROLLBACK_MEDIA_RECORD, type RollbackMediaRecord } from '../../backup/rollback-media-items';
import { findMfaServices } from '../../survey/mfa-services';
import { PRODUCT_KEY, PRODUCT_KEY_VIEW } from '../../domain/catalog';
import { STAGING_FOLDER } from '../../domain/plan-component-steps';
import { CoreError } from '../../util/errors';
import { joinWindowsPath, relativePathKey, windowsParent } from '../../util/windows-path';
import { reinstallFromPackage } from '../installers';
import { verifiedBackupFiles } from '../run/backup-gate';
import { uninstallIfInstalled, type StepResult } from '../run/steps';
import type { UndoAction, UndoStep } from './undo-plan';
import { verifyAgainstBackup } from './undo-verify';
import { backupRegistryValues, sameValue } from './undo-registry';
import { restoreSdkConsumer } from './undo-consumer-step';

/** What an Undo step is given: its servers, the tool's version, the log. */
export interface UndoRunContext {
  host(computerName: string): Host;
  toolVersion: string;
  log(level: 'info' | 'warning', message: string): void;
}

/**
 * Where a reinstalled package stays on its server: Windows Installer records the folder a product was installed from
 * (SourceList) and needs it again for a repair, so the package is kept, not staged and deleted. Closed to all but
 * administrators before the package goes in (msiexec runs what is there).
 */
export const ROLLBACK_PACKAGE_FOLDER = 'C:\\ProgramData\\MfaServerUpgrade\\RollbackMedia';

type Executor = (step: UndoStep, run: UndoRunContext) => Promise<StepResult>;

const str = (step: UndoStep, name: string): string => {
  const v = step.Parameters[name];
  if (typeof v !== 'string' || !v) throw new CoreError('PlanParameterMissing', `Step ${step.Id} lacks its parameter '${name}'.`, step.Id);
  return v;
};
const opt = (step: UndoStep, name: string): string | null => {
  const v = step.Parameters[name];
  return typeof v === 'string' ? v : null;
};
const sha256Hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Removes what the upgrade wrote into a new web application or staged for it, and nothing else: a file goes only while
 * it still holds the bytes the upgrade put there (the backup's, or the staged installer's recorded hash); a file
 * changed since is left and named. Folders the upgrade made for them go when they are empty.
 */
const removeUpgradeFiles: Executor = async (step, run) => {
  const host = run.host(step.ComputerName);
  const backup = str(step, 'backupPath');
  const removed: string[] = [];
  const kept: string[] = [];
  // A staged installer whose bytes the Undo cannot check (undo-facts.ts: stagedInstallerSha256) is left, and named.
  const unchecked: string[] = [];
  const removeIfSame = async (target: string, expected: string) => {
    if (!(await host.stat(target))) return;
    if (sha256Hex(await host.readFile(target)) === expected) {
      await host.removePath(target);
      removed.push(target);
    } else kept.push(target);
  };
  const folder = await applicationFolder(host, opt(step, 'virtualDirectory'), opt(step, 'siteName'));
  const themes = opt(step, 'themeNames');
  const themesInBackup = opt(step, 'themesRelativePath');
  if (folder && themes && themesInBackup) {
    for (const name of themes.split('|')) {
      const prefix = `${themesInBackup}\\${name}`;
      for (const { entry } of await verifiedBackupFiles(backup, prefix, host.computerName, true)) {
        await removeIfSame(`${folder}\\App_Themes\\${name}\\${entry.relativePath.slice(prefix.length + 1)}`, entry.sha256);
      }
      await removeEmptyFolders(host, `${folder}\\App_Themes\\${name}`);
    }
  }
  const webConfig = opt(step, 'webConfigRelativePath');
  if (folder && webConfig) {
    // The files the old web.config named went beside the new one, at the same place relative to it (carry-referenced-files.ts).
    const read = await readManifest(backup);
    const base = relativePathKey(webConfig).replace(/\\?[^\\]*$/, '');
    for (const f of read.ok ? read.manifest.files.filter((x) => x.kind === 'ConfigFile' && relativePathKey(x.relativePath).startsWith(`${base}\\`)) : []) {
      await removeIfSame(`${folder}\\${f.relativePath.slice(base.length + 1)}`, f.sha256);
    }
  }
  const staged = opt(step, 'stagedInstaller');
  if (staged) {
    const stagedSha = opt(step, 'stagedSha256');
    if (stagedSha) await removeIfSame(staged, stagedSha);
    else if (await host.stat(staged)) unchecked.push(staged);
    // The staging folder the step made goes when empty, also when the step was stopped before its copy was written.
    if (windowsParent(staged).toLowerCase() === STAGING_FOLDER.toLowerCase()) await removeEmptyFolders(host, STAGING_FOLDER);
  }
  for (const k of kept) run.log('warning', `${host.computerName}: ${k} changed since the upgrade put it there; it is left in place.`);
  for (const u of unchecked) {
    run.log('warning', `${host.computerName}: ${u} was staged by an upgrade step that did not complete, and its source is gone, so its bytes cannot be ` +
      `checked; it is left in place. Remove it yourself if it is the component's installer.`);
  }
  const left = [...kept.map((k) => `${k} (changed since)`), ...unchecked.map((u) => `${u} (not checkable)`)];
  return {
    outcome: `Removed ${removed.length} file(s) the upgrade had put in place${left.length ? `; kept ${left.length}: ${left.join(', ')}` : ''}.`,
    data: { Removed: removed.length, Kept: left.length },
  };
};

/** The folder IIS serves the virtual directory from, or null when there is no such application (nothing of the upgrade to remove there). */
async function applicationFolder(host: Host, vdir: string | null, site: string | null): Promise<string | null> {
  if (!vdir) return null;
  const apps = (await listWebApplications(host)).filter((a) => a.applicationPath.replace(/^\//, '').toLowerCase() === vdir.toLowerCase());
  const app = apps.find((a) => a.siteName.toLowerCase() === (site ?? '').toLowerCase()) ?? apps[0];
  return app ? app.physicalPath.replace(/[\\/]+$/, '') : null;
}

/** A folder and the folders under it, each removed once nothing is left in it (Windows Installer's rule for its folders). */
async function removeEmptyFolders(host: Host, folder: string): Promise<void> {
  const stat = await host.stat(folder);
  if (!stat?.isDirectory) return;
  for (const e of await host.listDirectory(folder)) if (e.isDirectory) await removeEmptyFolders(host, joinWindowsPath(folder, e.name));
  if ((await host.listDirectory(folder)).length === 0) await host.removePath(folder);
}

const uninstall: Executor = (step, run) => uninstallIfInstalled(run.host(step.ComputerName), str(step, 'productCode'), str(step, 'displayName'));

/**
 * Reinstalls a PhoneFactor product from the package the backup kept, with the properties recorded for it (install
 * folder, site, virtual directory): the package and its cabinets are copied, as the manifest hashed them, into a
 * folder closed to all but administrators, read back, and run from there.
 */
const reinstall: Executor = async (step, run) => {
  const host = run.host(step.ComputerName);
  const productCode = str(step, 'productCode');
  const version = str(step, 'version');
  const displayName = str(step, 'displayName');
  const present = (await listInstalledProducts(host)).find((p) => (p.productCode ?? p.keyName).toUpperCase() === productCode.toUpperCase());
  if (present) {
    if (present.displayVersion !== version) {
      throw new CoreError(
        'InstallVerificationFailed',
        `${displayName} ${present.displayVersion ?? ''} is installed on ${host.computerName}, not version ${version} of the backup.`,
        productCode,
      );
    }
    return { outcome: `${displayName} ${version} is already installed.` };
  }
  const backup = str(step, 'backupPath');
  const [recordFile] = await verifiedBackupFiles(backup, ROLLBACK_MEDIA_RECORD, host.computerName);
  const record = JSON.parse(recordFile.bytes.toString('utf8')) as RollbackMediaRecord;
  const product = record.products.find((p) => p.productCode.toUpperCase() === productCode.toUpperCase());
  if (!product?.package) {
    const why = `The backup ${backup} holds no package to reinstall ${displayName} ${version}.`;
    throw new CoreError('UndoPackageMissing', why, backup, { products: [displayName] });
  }
  const folder = joinWindowsPath(ROLLBACK_PACKAGE_FOLDER, String(step.Component));
  await host.makeDirectory(ROLLBACK_PACKAGE_FOLDER);
  await host.closeFolder(ROLLBACK_PACKAGE_FOLDER);
  await host.makeDirectory(folder);
  let packagePath = '';
  for (const relative of [product.package, ...product.cabinets]) {
    const [{ bytes }] = await verifiedBackupFiles(backup, relative, host.computerName);
    const target = joinWindowsPath(folder, relative.slice(relative.lastIndexOf('\\') + 1));
    await host.writeFileAtomic(target, bytes);
    if (!(await host.readFile(target)).equals(bytes)) {
      throw new CoreError('CopyVerificationFailed', `The copy of ${target} on ${host.computerName} differs from the backup's ${relative}.`, target);
    }
    if (!packagePath) packagePath = target;
  }
  const properties = Object.fromEntries(product.reinstall.properties.map((p) => [p.name, p.value]));
  const r = await reinstallFromPackage(host, packagePath, { productCode, version, displayName, component: String(step.Component) }, properties);
  const after = (await listInstalledProducts(host)).find((p) => (p.productCode ?? p.keyName).toUpperCase() === productCode.toUpperCase());
  if (!after) {
    throw new CoreError(
      'InstallVerificationFailed',
      `${displayName} was reinstalled (exit ${r.ExitCode}) but is not registered on ${host.computerName}. See ${r.LogPath}.`,
      r.LogPath,
    );
  }
  const props = Object.entries(properties).map(([k, v]) => `${k}=${v}`).join(' ');
  return {
    outcome: `${displayName} ${version} reinstalled from ${packagePath}${props ? ` with ${props}` : ''} (exit ${r.ExitCode}).`,
    data: { ExitCode: r.ExitCode, LogPath: r.LogPath, PackagePath: packagePath },
    rebootRequired: r.RebootRequired,
  };
};

const restoreFiles: Executor = async (step, run) => {
  const { outputs, summary } = await restoreBackupOnHost(run.host(step.ComputerName), str(step, 'backupPath'), run.toolVersion);
  const count = (s: string) => outputs.filter((o) => o.Status === s).length;
  return { outcome: summary, data: { Restored: count('Restored'), Unchanged: count('Unchanged') } };
};

/** The product key's values as the backup's export holds them (a value already equal is not written again). */
const restoreRegistry: Executor = async (step, run) => {
  const host = run.host(step.ComputerName);
  const values = await backupRegistryValues(str(step, 'backupPath'), host.computerName);
  if (!values) return { outcome: 'The backup holds no PhoneFactor product key (the server had none).' };
  let written = 0;
  for (const { key, value } of values) {
    const now = (await host.getRegistryKey(key, PRODUCT_KEY_VIEW))?.values.find((v) => v.name.toLowerCase() === value.name.toLowerCase());
    if (now && sameValue(now, value)) continue;
    await host.setRegistryValue(key, PRODUCT_KEY_VIEW, value);
    written++;
  }
  return { outcome: `${written} of ${values.length} value(s) of ${PRODUCT_KEY} put back.`, data: { Written: written } };
};

/** The PhoneFactor service the reinstalled Agent registered (its name is not documented: found as the data services are). */
const startService: Executor = async (step, run) => {
  const host = run.host(step.ComputerName);
  const services = await findMfaServices(host);
  if (services.length === 0) {
    throw new CoreError('ServiceNotFound', `No PhoneFactor service is registered on ${host.computerName} after the reinstall.`, host.computerName);
  }
  const started: string[] = [];
  for (const s of services.filter((x) => x.state !== 'Running')) {
    await host.startService(s.name);
    started.push(s.name);
  }
  const names = services.map((s) => s.name).join(', ');
  return { outcome: started.length ? `Started ${started.join(', ')}.` : `${names} already running.` };
};

const verify: Executor = async (step, run) => {
  const host = run.host(step.ComputerName);
  const checks = await verifyAgainstBackup(host, str(step, 'backupPath'));
  const failed = checks.filter((c) => !c.Passed);
  if (failed.length) {
    throw new CoreError(
      'UndoVerificationFailed',
      `${host.computerName} does not match its backup after the Undo: ${failed.map((c) => `${c.Name}: ${c.Detail}`).join('; ')}`,
      host.computerName,
    );
  }
  return { outcome: `Verified against the backup: ${checks.map((c) => `${c.Name} (${c.Detail})`).join('; ')}.` };
};

export const UNDO_EXECUTORS: Record<UndoAction, Executor> = {
  RemoveUpgradeFiles: removeUpgradeFiles,
  Uninstall: uninstall,
  Reinstall: reinstall,
  RestoreFiles: restoreFiles,
  RestoreSdkConsumer: restoreSdkConsumer,
  RestoreRegistry: restoreRegistry,
  StartService: startService,
  Verify: verify,
};
