/**
 * Restore-PhoneFactor: put the files of a verified backup back on the server they came from (rollback).
 * Each file is one action, so -WhatIf lists every file and -Confirm can refuse single ones. The copying (atomic
 * writes, a restore-undo copy of everything overwritten) is backup/restore-files.ts; this file chooses the server,
 * the files and when the service is stopped (S5: stop MultiFactorAuth, overwrite the file, start the service).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Type } from '@sinclair/typebox';
import { defineOperation, perItem } from './contract/contract';
import type { OperationContext } from '../util/operation-context';
import { PathParameter, StringEnum } from './contract/schema-helpers';
import { TargetParameters, targetOf } from './contract/target-parameters';
import { localFolderFor, openTargetHosts } from '../host/open-targets';
import type { Host } from '../host/host';
import { isWindowsDrivePath } from '../util/windows-path';
import { inventoryServer } from '../survey/inventory';
import { classifyProduct } from '../domain/classify-product';
import { restoreFiles, verifyBackup, type ManifestFileEntry, type VerifyResult } from '../backup/index';
import { findMfaServices } from '../survey/mfa-services';
import { withServicesStopped } from '../backup/with-service-stopped';
import { COMPONENT_NAMES } from '../domain/catalog';
import { CoreError } from '../util/errors';
import { RESTORED_KINDS, restoreTargetProblems, targetBasis } from '../backup/restore-targets';

const Input = Type.Object(
  {
    Path: PathParameter(
      'The backup folder to restore (as Backup-PhoneFactor made it), or a restore-undo folder inside it to undo a restore. With -LabPath, a Windows path ' +
        'such as C:\\Backups\\... lies inside the lab server.',
      { pipeline: true, aliases: ['BackupPath'], position: 0 },
    ),
    Component: Type.Optional(
      Type.Array(StringEnum([...COMPONENT_NAMES]), {
        minItems: 1,
        description: 'Restore only the files of these components: Agent, UserPortal, MobileAppWebService, WebServiceSdk, MfaServer. ' +
          'Default: every file of the backup.',
      }),
    ),
    ...TargetParameters,
    Force: Type.Optional(
      Type.Boolean({ description: 'Restore a PhoneFactor-era data file even though MFA Server is installed on the server (it would run on a ' +
        'data file it has not upgraded).' }),
    ),
  },
  { additionalProperties: false },
);

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Output = Type.Object({
  ComputerName: Type.String(),
  Component: Type.String(),
  Kind: Type.String(),
  RelativePath: Type.String(),
  TargetPath: Type.String(),
  Status: StringEnum(['Restored', 'Unchanged', 'Failed']),
  UndoPath: Nullable(Type.String()),
  UndoFolder: Nullable(Type.String()),
  BackupPath: Type.String(),
  Message: Nullable(Type.String()),
});
type RestoreOutput = typeof Output.static;
type RestoreInput = typeof Input.static;

export const restorePhoneFactorOperation = defineOperation({
  name: 'restore-phonefactor',
  cmdlet: 'Restore-PhoneFactor',
  synopsis: 'Restores the files of a verified PhoneFactor backup to the server they came from (rollback).',
  description: [
    'Checks the backup first (every file re-hashed against manifest.json) and refuses to restore anything from a backup',
    'that fails the check. Then puts back the data folder, web.config files, the files they name (file=, configSource=)',
    'and custom theme folders at their original paths. The PhoneFactor / MFA Server service is stopped while the data folder is restored and started again',
    'afterwards, also on failure. Each file is written to a temporary file beside the target, checked against its',
    'hash and renamed over the target, so a file is either the old one or the restored one, never half of each.',
    'Every file that would be overwritten is first copied into a restore-undo-<time> folder inside the backup, which is',
    'itself a backup: Restore-PhoneFactor -Path <that folder> undoes the restore. Files already identical are left',
    'alone (Status Unchanged). The registry export (Registry\\PhoneFactor.reg) is not imported: import it with',
    'reg import if needed. The backup must come from the same server. After an upgrade to MFA Server 8.1 or later the',
    'data file format changed: roll back by reinstalling the previous version first, then restoring.',
  ].join(' '),
  examples: [
    {
      title: 'See what a restore would do',
      code: "Restore-PhoneFactor -Path 'D:\\Backups\\PhoneFactor\\PhoneFactorBackup-MFA01-20240301-020000' -WhatIf",
      remarks: 'Lists every file it would restore; changes nothing.',
    },
    {
      title: 'Restore only the User portal',
      code: "Restore-PhoneFactor -Path 'D:\\Backups\\PhoneFactor\\PhoneFactorBackup-MFA01-20240301-020000' -Component UserPortal -Confirm:$false",
      remarks: 'Restores the portal web.config and theme folders without asking.',
    },
    {
      title: 'Rehearse a rollback on a lab server',
      code: "Backup-PhoneFactor -LabPath .\\lab -Destination C:\\Backups | Restore-PhoneFactor -Confirm:$false",
      remarks: 'BackupPath, LabPath and ComputerName of the backup bind by name.',
    },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.RestoredFile',
  view: ['ComputerName', 'Component', 'Status', 'TargetPath'],
  changesState: { confirmImpact: 'High' },
  timeoutSeconds: 3600,
  links: ['Backup-PhoneFactor', 'Test-PhoneFactorBackup'],
  handler: perItem(restoreOne),
});

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

async function restoreOne(item: RestoreInput, ctx: OperationContext): Promise<RestoreOutput[]> {
  const { host, backup, check } = await openBackupAndServer(item);
  ctx.progress('Restore-PhoneFactor', `Checking ${backup}`);
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

  const entries = selectEntries(manifest.files, item.Component, backup);
  const notFiles = manifest.files.filter((f) => !RESTORED_KINDS.has(f.kind));
  for (const f of notFiles) ctx.log('verbose', `${f.relativePath} (${f.kind}) is kept in the backup for reference and not restored.`);

  if (entries.some((e) => e.kind === 'DataFolder') && item.Force !== true) await assertDataFileFitsServer(host, manifest.productVersions, backup);

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

  const stopFor = approved.some((e) => e.kind === 'DataFolder') ? serviceNames : [];
  const restored = await withServicesStopped(host, stopFor, () =>
    restoreFiles(host, backup, { toolVersion: ctx.toolVersion, relativePaths: approved.map((e) => e.relativePath) }),
  );
  const byPath = new Map(approved.map((e) => [e.relativePath.toLowerCase(), e]));
  const outputs = restored.Files.map((f): RestoreOutput => {
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
  ctx.log('info', `Restored ${count('Restored')} file(s) on ${host.computerName} (${count('Unchanged')} already identical).${undo}`);
  return outputs;
}

/**
 * The server and the backup folder. A multi-server lab without -ComputerName restores to the server the backup
 * names; a Windows drive path then cannot be placed (which server's drive?), so it needs -ComputerName.
 */
async function openBackupAndServer(item: RestoreInput): Promise<{ host: Host; backup: string; check: VerifyResult }> {
  const hosts = await openTargetHosts(targetOf(item));
  if (hosts.length === 1) {
    const backup = localFolderFor(hosts[0], item.Path);
    return { host: hosts[0], backup, check: await verifyBackup(backup) };
  }
  if (isWindowsDrivePath(item.Path)) {
    throw new CoreError(
      'AmbiguousTarget',
      `The lab ${item.LabPath} holds ${hosts.length} servers (${hosts.map((h) => h.computerName).join(', ')}); name the one whose drive holds ${item.Path} ` +
        `with -ComputerName.`,
      'ComputerName',
    );
  }
  const backup = path.resolve(item.Path);
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
