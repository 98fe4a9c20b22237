/** Uninstall-PhoneFactor: removes the PhoneFactor-era components in the documented order, after a verified backup. */
import { Type } from '@sinclair/typebox';
import { defineOperation, perItem } from './contract/contract';
import { PathParameter } from './contract/schema-helpers';
import { ServerTargetParameters, targetOf } from './contract/target-parameters';
import { localFolderFor, openTargetHost } from '../host/open-targets';
import { uninstallComponents } from '../upgrade';

const Input = Type.Object(
  {
    ...ServerTargetParameters,
    BackupPath: Type.Optional(PathParameter(
      'A backup of this server made by Backup-PhoneFactor; it is verified before anything is removed.',
      { pipeline: true },
    )),
    Force: Type.Optional(Type.Boolean({ description: 'Uninstall without a verified backup, and without asking. Use only when you backed up by other means.' })),
  },
  { additionalProperties: false },
);

const Output = Type.Object({
  ComputerName: Type.String(),
  Component: Type.String(),
  DisplayName: Type.String(),
  ProductCode: Type.String(),
  ExitCode: Type.Integer(),
  Outcome: Type.String(),
  RebootRequired: Type.Boolean(),
  LogPath: Type.String(),
});

export const uninstallPhoneFactorOperation = defineOperation({
  name: 'uninstall-phonefactor',
  cmdlet: 'Uninstall-PhoneFactor',
  synopsis: 'Uninstalls the PhoneFactor Agent 5.x components in the documented order, after verifying a backup.',
  description: [
    'Removes the User portal, the Mobile App Web Service, the Web Service SDK and the PhoneFactor Agent, in that order and',
    'only those present, through msiexec /x with their ProductCodes. Refuses to run unless -BackupPath names a backup of',
    'this server that verifies (every file re-hashed against its manifest) and holds the data file, the web.configs and the',
    'registry key of exactly the components it is about to remove (Backup-PhoneFactor output pipes in), or -Force is given;',
    'a refusal (BackupDoesNotCover) names what the backup lacks. Exit code 1605 (already gone) is',
    'fine; 3010/1641 are reported as RebootRequired. The data folder, custom themes and files the installers did not place',
    'stay on disk, as Windows Installer leaves them.',
  ].join(' '),
  examples: [
    {
      title: 'Back up, then uninstall',
      code: 'Backup-PhoneFactor -Destination D:\\MfaBackup | Uninstall-PhoneFactor -Confirm:$false',
      remarks: 'The backup is verified again before anything is removed.',
    },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.UninstallResult',
  view: {
    groupBy: 'ComputerName',
    table: [
      { property: 'Component', width: 19 }, { property: 'ExitCode', width: 8 }, { property: 'Outcome', width: 15 },
      { property: 'RebootRequired', width: 6, label: 'Reboot' }, 'DisplayName',
    ],
  },
  changesState: { confirmImpact: 'High' },
  timeoutSeconds: 3600,
  links: ['Backup-PhoneFactor', 'Install-MfaServer', 'Invoke-MfaServerUpgrade'],
  handler: perItem(async (item, ctx) => {
    const host = await openTargetHost(targetOf(item));
    const backupPath = item.BackupPath === undefined ? undefined : localFolderFor(host, item.BackupPath);
    return uninstallComponents({ host, backupPath, force: item.Force === true }, ctx);
  }),
});
