/**
 * Restore-PhoneFactor: put the files of a verified backup back on the server they came from (rollback).
 * Each file is one action, so -WhatIf lists every file and -Confirm can refuse single ones. The copying (atomic
 * writes, a restore-undo copy of everything overwritten) is backup/restore-files.ts; this file chooses the server,
 * the files and when the service is stopped (S5: stop MultiFactorAuth, overwrite the file, start the service).
 */
import { Type } from '@sinclair/typebox';
import { defineOperation, perItem } from './contract/contract';
import { PathParameter, StringEnum } from './contract/schema-helpers';
import { TargetParameters, targetOf } from './contract/target-parameters';
import { COMPONENT_NAMES } from '../domain/catalog';
import { restoreServer } from '../backup/index';

const Input = Type.Object(
  {
    Path: PathParameter(
      'The backup folder to restore (as Backup-PhoneFactor made it), or a restore-undo folder inside it to undo a restore. With -LabPath, a Windows path ' +
        'such as C:\\Backups\\... lies inside the lab server.',
      { pipeline: true, aliases: ['BackupPath', 'FullName'], position: 0 },
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
  view: { groupBy: 'ComputerName', table: [{ property: 'Component', width: 19 }, 'Status', 'TargetPath'] },
  changesState: { confirmImpact: 'High' },
  timeoutSeconds: 3600,
  links: ['Backup-PhoneFactor', 'Test-PhoneFactorBackup'],
  handler: perItem((item, ctx) =>
    restoreServer({ target: targetOf(item), backupPath: item.Path, components: item.Component, force: item.Force === true }, ctx),
  ),
});
