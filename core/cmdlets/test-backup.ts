/**
 * Test-PhoneFactorBackup: re-hash every file of a backup against its manifest. Output-only (a failed check is a
 * result, not an error), so a script can branch on IsValid and list what is Missing, Changed or Extra.
 */
import { Type } from '@sinclair/typebox';
import { defineOperation, perItem } from './contract/contract';
import { PathParameter, StringEnum } from './contract/schema-helpers';
import { testBackup, type VerifyItem } from '../backup/index';

const Input = Type.Object(
  {
    Path: PathParameter('The backup folder (PhoneFactorBackup-<COMPUTER>-<time>) as Backup-PhoneFactor made it, or a restore-undo folder inside it.', {
      pipeline: true,
      aliases: ['BackupPath', 'FullName'],
      position: 0,
    }),
  },
  { additionalProperties: false },
);

const Nullable = <T extends ReturnType<typeof Type.String | typeof Type.Integer>>(t: T) => Type.Union([t, Type.Null()]);
const ItemResult = Type.Object({
  RelativePath: Type.String(),
  Status: StringEnum(['Ok', 'Missing', 'Changed', 'Extra']),
  ExpectedSha256: Nullable(Type.String()),
  ActualSha256: Nullable(Type.String()),
  ExpectedSize: Nullable(Type.Integer()),
  ActualSize: Nullable(Type.Integer()),
});

const Output = Type.Object({
  Path: Type.String(),
  IsValid: Type.Boolean(),
  Reason: Nullable(Type.String()),
  ComputerName: Nullable(Type.String()),
  CreatedUtc: Nullable(Type.String()),
  FileCount: Type.Integer(),
  Missing: Type.Array(Type.String()),
  Changed: Type.Array(Type.String()),
  Extra: Type.Array(Type.String()),
  Items: Type.Array(ItemResult),
});

export const testBackupOperation = defineOperation({
  name: 'test-backup',
  cmdlet: 'Test-PhoneFactorBackup',
  synopsis: 'Checks a PhoneFactor backup against its manifest by re-hashing every file.',
  description: [
    'Reads manifest.json of a backup made by Backup-PhoneFactor and computes the SHA-256 of every file again.',
    'IsValid is true only when every file listed in the manifest is present with its recorded size and hash.',
    'Missing lists files the manifest names that are gone, Changed lists files whose bytes differ, Extra lists files',
    'found in the folder that the manifest does not name (they do not make the backup invalid). A folder still marked',
    '.partial (an interrupted backup) or without a readable manifest is never valid, nor one whose manifest names a restore',
    'target outside the install, data and web application folders its own inventory names; Reason says why.',
    'Items holds the result of every file. Nothing is changed.',
  ].join(' '),
  examples: [
    {
      title: 'Check a backup',
      code: "Test-PhoneFactorBackup -Path 'D:\\Backups\\PhoneFactor\\PhoneFactorBackup-MFA01-20240301-020000'",
      remarks: 'Outputs IsValid, the reason when it is not valid, and the files that are Missing, Changed or Extra.',
    },
    {
      title: 'Check every backup in a folder',
      code: "Get-ChildItem 'D:\\Backups\\PhoneFactor' -Directory -Filter 'PhoneFactorBackup-*' | Test-PhoneFactorBackup | Where-Object { -not $_.IsValid }",
      remarks: 'FullName binds to -Path; lists only the backups that fail.',
    },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.BackupTest',
  view: { groupBy: 'ComputerName', table: ['IsValid', { property: 'Reason', width: 24 }, 'Path'] },
  links: ['Backup-PhoneFactor', 'Restore-PhoneFactor'],
  handler: perItem(async (item, ctx) => {
    ctx.progress('Test-PhoneFactorBackup', item.Path);
    const result = await testBackup(item.Path);
    const named = (status: VerifyItem['Status']) => result.Items.filter((i) => i.Status === status).map((i) => i.RelativePath);
    return [
      {
        Path: result.Path,
        IsValid: result.IsValid,
        Reason: result.Reason ?? null,
        ComputerName: result.ComputerName ?? null,
        CreatedUtc: result.CreatedUtc ?? null,
        FileCount: result.Manifest?.files.length ?? 0,
        Missing: named('Missing'),
        Changed: named('Changed'),
        Extra: named('Extra'),
        Items: result.Items.map((i) => ({
          RelativePath: i.RelativePath,
          Status: i.Status,
          ExpectedSha256: i.Expected ?? null,
          ActualSha256: i.Actual ?? null,
          ExpectedSize: i.ExpectedSize ?? null,
          ActualSize: i.ActualSize ?? null,
        })),
      },
    ];
  }),
});
