/**
 * Get-PhoneFactorBackup: the backups in a destination folder (server, sequence, size, verified), newest first per
 * server; -Verify hashes every file again. Reads only.
 */
import { Type } from '@sinclair/typebox';
import { defineOperation, perItem } from './contract/contract';
import { PathParameter } from './contract/schema-helpers';
import { resolveFileTarget } from '../host/open-targets';
import { listBackups } from '../backup/index';

const Input = Type.Object(
  {
    Destination: PathParameter(
      'The folder that holds the backups (Backup-PhoneFactor -Destination, Invoke-MfaServerUpgrade -BackupDestination, the backup task\'s destination), ' +
        'a folder of this machine; with -LabPath a Windows path (D:\\Backups) lies inside that lab.',
      { pipeline: true, position: 0, aliases: ['BackupDestination', 'FullName'] },
    ),
    LabPath: Type.Optional(Type.String({
      minLength: 1,
      description: 'A lab server folder made by New-MfaLab: a Windows path in -Destination then resolves inside the lab (where its scheduled task backs up).',
      'x-mfa': { pipeline: true, path: true },
    })),
    Verify: Type.Optional(Type.Boolean({
      description: 'Hash every file of every backup again and compare it with its manifest, as Test-PhoneFactorBackup does (Verified then says what the ' +
        'files are now, VerifiedBy Rehash). Without it, Verified is what the backup recorded when it was made (VerifiedBy Manifest).',
    })),
  },
  { additionalProperties: false },
);

const Output = Type.Object({
  ComputerName: Type.String(),
  Sequence: Type.Union([Type.Integer(), Type.Null()]),
  CreatedUtc: Type.Union([Type.String(), Type.Null()]),
  FileCount: Type.Integer(),
  Size: Type.Integer(),
  Verified: Type.Boolean(),
  VerifiedBy: Type.String(),
  Reason: Type.Union([Type.String(), Type.Null()]),
  Path: Type.String(),
});

export const getBackupOperation = defineOperation({
  name: 'get-backup',
  cmdlet: 'Get-PhoneFactorBackup',
  synopsis: 'Lists the PhoneFactor backups in a folder: server, sequence, size and whether each is verified.',
  description: [
    'Reads every backup folder (PhoneFactorBackup-<COMPUTER>-<time>) in -Destination: the server it is of, its Sequence (1, 2, 3...',
    'in the order the backups of the folder were finished; retention keeps the highest), when it was made, how many files',
    'and bytes it holds, and Verified. Without -Verify, Verified is what the backup recorded when it was made (every file',
    'read back and matched); with -Verify every file is hashed again now and Reason says what changed. An unfinished',
    'backup (.partial) or one without a readable manifest is listed with Verified false and why. Newest first for each server.',
    'The output pipes into Test-PhoneFactorBackup and Restore-PhoneFactor (Path). Nothing is changed.',
  ].join(' '),
  examples: [
    {
      title: 'The backups of a destination',
      code: "Get-PhoneFactorBackup -Destination 'D:\\Backups\\PhoneFactor'",
      remarks: 'One object per backup, newest first per server.',
    },
    {
      title: 'Check every backup now and show the ones that fail',
      code: "Get-PhoneFactorBackup 'D:\\Backups\\PhoneFactor' -Verify | Where-Object { -not $_.Verified } | Format-List Path, Reason",
      remarks: 'Hashes every file again.',
    },
    {
      title: 'Roll back to the newest backup of MFA01',
      code: "Get-PhoneFactorBackup 'D:\\Backups\\PhoneFactor' | Where-Object { $_.ComputerName -eq 'MFA01' -and $_.Verified } | Select-Object -First 1 | " +
        'Restore-PhoneFactor -WhatIf',
      remarks: 'Path binds to Restore-PhoneFactor -Path; -WhatIf shows what the restore would write.',
    },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.BackupListing',
  view: {
    groupBy: 'ComputerName',
    table: [{ property: 'Sequence', width: 8 }, { property: 'CreatedUtc', width: 22 }, { property: 'Size', width: 11 }, 'Verified', 'Path'],
  },
  links: ['Backup-PhoneFactor', 'Test-PhoneFactorBackup', 'Restore-PhoneFactor', 'Get-MfaUpgradeRun'],
  handler: perItem(async (item) =>
    listBackups({ destination: await resolveFileTarget({ labPath: item.LabPath, remote: {} }, item.Destination), verify: item.Verify === true }),
  ),
});
