/**
 * Restore-PhoneFactor's story: put a verified backup back on the server it came from, keeping what it overwrites in an
 * undo folder. A restore writes only where the backup's own inventory says its files came from (restore-targets.ts),
 * and a data file upgraded by MFA Server is not replaced by an older one without -Force.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { COMPONENT_NAMES } from '../domain/catalog';
import { classifyProduct } from '../domain/classify-product';
import type { Host } from '../host/host';
import { localFolderFor, openTargetHosts, type TargetSelection } from '../host/open-targets';
import { findMfaServices } from '../survey/mfa-services';
import { inventoryServer } from '../survey/inventory';
import { CoreError } from '../util/errors';
import type { OperationContext } from '../util/operation-context';
import { isWindowsDrivePath } from '../util/windows-path';
import type { BackupManifest, ManifestFileEntry } from './manifest';
import { restoreFiles } from './restore-files';
import { RESTORED_KINDS, restoreTargetProblems, targetBasis } from './restore-targets';
import { verifyBackup, type VerifyResult } from './verify-backup';
import { withServicesStopped } from './with-service-stopped';

export interface RestoreRequest {
  target: TargetSelection;
  /** The backup folder, as given (on a lab server a Windows path lies inside the lab). */
  backupPath: string;
  /** Only the files of these components (default: every file of the backup). */
  components?: (typeof COMPONENT_NAMES)[number][];
  /** Put an older data file over one MFA Server has upgraded. */
  force: boolean;
}

/** One file put back (or not), as the cmdlet outputs it. */
export interface RestoredFile {
  ComputerName: string;
  Component: string;
  Kind: string;
  RelativePath: string;
  TargetPath: string;
  Status: 'Restored' | 'Unchanged' | 'Failed';
  UndoPath: string | null;
  UndoFolder: string | null;
  BackupPath: string;
  Message: string | null;
}

/**
 * A PhoneFactor 5.x data file must not go back under an installed MFA Server: the server upgraded its own copy during
 * setup and would now run on one it never upgraded. A full rollback removes MFA Server and reinstalls the Agent first.
 */
async function assertDataFileFitsServer(host: Host, backupProducts: Record<string, string>, backup: string): Promise<void> {
  const fromPhoneFactor = !Object.keys(backupProducts).some((name) => classifyProduct(name)?.component === 'MfaServer');
  if (!fromPhoneFactor) return;
  const server = (await inventoryServer(host)).Components.find((c) => c.Component === 'MfaServer');
  if (!server) return;
  throw new CoreError(
    'DataFileNewerServer',
    `${backup} holds the PhoneFactor Agent's data file, but ${server.DisplayName} ${server.Version ?? ''} is installed on ${host.computerName} and has ` +
      `upgraded that file. To roll back: uninstall MFA Server, reinstall the PhoneFactor Agent from its original installer, then restore. Use -Component to ` +
      `restore only web.configs and themes, or -Force to restore the data file anyway.`,
    backup,
  );
}

export async function restoreServer(item: RestoreRequest, ctx: OperationContext): Promise<RestoredFile[]> {
  const { host, backup, check } = await openBackupAndServer(item);
  ctx.progress('Restore-PhoneFactor', `Checking ${backup}`);
  const manifest = await restorableManifest(host, backup, check);
  const entries = selectEntries(manifest.files, item.components, backup);
  const notFiles = manifest.files.filter((f) => !RESTORED_KINDS.has(f.kind));
  for (const f of notFiles) ctx.log('verbose', `${f.relativePath} (${f.kind}) is kept in the backup for reference and not restored.`);

  if (entries.some((e) => e.kind === 'DataFolder') && !item.force) await assertDataFileFitsServer(host, manifest.productVersions, backup);

  const dataServices = entries.some((e) => e.kind === 'DataFolder') ? await findMfaServices(host) : [];
  const serviceNames = dataServices.filter((s) => s.state !== 'Stopped').map((s) => s.name);
  const approved: ManifestFileEntry[] = [];
  for (const entry of entries) {
    const ok = await ctx.act(
      { id: `restore:${entry.relativePath.toLowerCase()}`, target: entry.originalPath, ...describeRestore(entry, serviceNames) },
      () => Promise.resolve(true),
    );
    if (ok) approved.push(entry);
  }
  if (approved.length === 0) return [];
  const { outputs, summary } = await putFilesBack(host, backup, approved, serviceNames, ctx.toolVersion);
  ctx.log('info', summary);
  return outputs;
}

/**
 * Every file of a backup a restore puts back (data folder, web.configs, the files they name, themes), on the server it
 * came from, with the checks Restore-PhoneFactor makes and no -Force: a PhoneFactor data file does not go back under an
 * installed MFA Server. The way back of Undo-MfaServerUpgrade, once MFA Server is gone and the products are reinstalled.
 */
export async function restoreBackupOnHost(host: Host, backupPath: string, toolVersion: string): Promise<{ outputs: RestoredFile[]; summary: string }> {
  const manifest = await restorableManifest(host, backupPath, await verifyBackup(backupPath));
  const entries = manifest.files.filter((f) => RESTORED_KINDS.has(f.kind));
  if (entries.some((e) => e.kind === 'DataFolder')) await assertDataFileFitsServer(host, manifest.productVersions, backupPath);
  const running = entries.some((e) => e.kind === 'DataFolder') ? (await findMfaServices(host)).filter((s) => s.state !== 'Stopped').map((s) => s.name) : [];
  return putFilesBack(host, backupPath, entries, running, toolVersion);
}

/** The manifest of a backup that may be restored on this host: verified, writing only where its inventory says, of this server. */
async function restorableManifest(host: Host, backup: string, check: VerifyResult): Promise<BackupManifest> {
  assertRestorable(check, backup);
  const manifest = check.Manifest!;
  const refusedTargets = restoreTargetProblems(manifest, await targetBasis(backup, manifest));
  if (refusedTargets.length > 0) {
    throw new CoreError(
      'RestoreTargetRefused',
      `${backup} names places a restore may not write, so nothing was restored: ${refusedTargets.join('; ')}. A backup restores only to the install, data ` +
        `and web application folders its own inventory names.`,
      backup,
      { targets: refusedTargets },
    );
  }
  if (manifest.source.computerName.toLowerCase() !== host.computerName.toLowerCase()) {
    throw new CoreError(
      'BackupFromOtherServer',
      `${backup} is a backup of ${manifest.source.computerName}, not of ${host.computerName}; restore it on ${manifest.source.computerName}.`,
      backup,
      { backupComputerName: manifest.source.computerName, targetComputerName: host.computerName },
    );
  }
  return manifest;
}

/** The files written back (what they overwrite kept in an undo folder), the data services stopped meanwhile. */
async function putFilesBack(
  host: Host,
  backup: string,
  approved: ManifestFileEntry[],
  serviceNames: string[],
  toolVersion: string,
): Promise<{ outputs: RestoredFile[]; summary: string }> {
  const stopFor = approved.some((e) => e.kind === 'DataFolder') ? serviceNames : [];
  const restored = await withServicesStopped(host, stopFor, () =>
    restoreFiles(host, backup, { toolVersion, relativePaths: approved.map((e) => e.relativePath) }),
  );
  const byPath = new Map(approved.map((e) => [e.relativePath.toLowerCase(), e]));
  const outputs = restored.Files.map((f): RestoredFile => {
    const entry = byPath.get(f.RelativePath.toLowerCase())!;
    return {
      ComputerName: host.computerName,
      Component: entry.component,
      Kind: entry.kind,
      RelativePath: f.RelativePath,
      TargetPath: f.TargetPath,
      Status: f.Status,
      UndoPath: f.UndoPath ?? null,
      UndoFolder: restored.UndoFolder ?? null,
      BackupPath: restored.BackupPath,
      Message: f.Message ?? null,
    };
  });
  const count = (s: string) => outputs.filter((o) => o.Status === s).length;
  const undo = restored.UndoFolder ? ` What was overwritten is kept in ${restored.UndoFolder}; Restore-PhoneFactor -Path ` +
    `'${restored.UndoFolder}' undoes this restore.` : '';
  if (!restored.Succeeded) {
    const failed = outputs.filter((o) => o.Status === 'Failed');
    throw new CoreError(
      'RestoreIncomplete',
      `${failed.length} of ${outputs.length} file(s) could not be restored on ${host.computerName}: ${failed.map((f) => `${f.TargetPath} ` +
        `(${f.Message ?? f.Status})`).join('; ')}. ` +
        `${count('Restored')} file(s) were restored.${undo}`,
      failed[0].TargetPath,
      { files: outputs, undoFolder: restored.UndoFolder ?? null },
    );
  }
  return { outputs, summary: `Restored ${count('Restored')} file(s) on ${host.computerName} (${count('Unchanged')} already identical).${undo}` };
}

/**
 * The server and the backup folder. A multi-server lab without -ComputerName restores to the server the backup
 * names; a Windows drive path then cannot be placed (which server's drive?), so it needs -ComputerName.
 */
async function openBackupAndServer(item: RestoreRequest): Promise<{ host: Host; backup: string; check: VerifyResult }> {
  const hosts = await openTargetHosts(item.target);
  if (hosts.length === 1) {
    const backup = localFolderFor(hosts[0], item.backupPath);
    return { host: hosts[0], backup, check: await verifyBackup(backup) };
  }
  if (isWindowsDrivePath(item.backupPath)) {
    throw new CoreError(
      'AmbiguousTarget',
      `The lab ${item.target.labPath} holds ${hosts.length} servers (${hosts.map((h) => h.computerName).join(', ')}); name the one whose drive ` +
        `holds ${item.backupPath} with -ComputerName.`,
      'ComputerName',
    );
  }
  const backup = path.resolve(item.backupPath);
  const check = await verifyBackup(backup);
  const named = check.Manifest?.source.computerName.toLowerCase();
  const host = hosts.find((h) => h.computerName.toLowerCase() === named) ?? hosts[0];
  return { host, backup, check };
}

function assertRestorable(check: VerifyResult, backup: string): void {
  if (!existsSync(backup)) throw new CoreError('BackupNotFound', `There is no backup folder at ${backup}.`, backup);
  if (!check.Manifest) throw new CoreError('BackupIncomplete', `${backup} cannot be restored: ${check.Reason}`, backup);
  if (check.IsValid) return;
  const bad = check.Items.filter((i) => i.Status === 'Missing' || i.Status === 'Changed').map((i) => `${i.RelativePath} (${i.Status})`);
  throw new CoreError(
    'BackupVerificationFailed',
    `${backup} fails verification, so nothing was restored: ${bad.join(', ')}. Run Test-PhoneFactorBackup for details and restore from another backup.`,
    backup,
    { items: bad },
  );
}

function selectEntries(files: ManifestFileEntry[], components: string[] | undefined, backup: string): ManifestFileEntry[] {
  const wanted = components?.map((c) => c.toLowerCase());
  const entries = files.filter((f) => RESTORED_KINDS.has(f.kind) && (!wanted || wanted.includes(f.component.toLowerCase())));
  if (entries.length === 0) {
    const held = [...new Set(files.filter((f) => RESTORED_KINDS.has(f.kind)).map((f) => f.component))];
    throw new CoreError(
      'NothingToRestore',
      `${backup} holds no files${components ? ` of ${components.join(', ')}` : ''} to restore${held.length ? ` (it holds: ${held.join(', ')})` : ''}.`,
      components ? 'Component' : backup,
    );
  }
  return entries;
}

function describeRestore(entry: ManifestFileEntry, serviceNames: string[]): { description: string; details: string[] } {
  const what = { DataFolder: 'data folder file', Theme: 'theme file', ConfigFile: 'file its web.config names' }[entry.kind as string] ?? 'web.config';
  const details = [`${entry.size} bytes; the current file is kept in a restore-undo folder`];
  if (entry.kind === 'DataFolder' && serviceNames.length > 0) details.push(`${serviceNames.join(', ')} is stopped during the restore ` +
    `and started again afterwards`);
  return { description: `Restore ${entry.component} ${what} from the backup`, details };
}
