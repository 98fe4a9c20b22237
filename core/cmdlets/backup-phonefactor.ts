/**
 * Backup-PhoneFactor: one verified, hashed backup per server of everything the upgrade must not lose (S1, S5).
 * What goes in is decided in backup/backup-items.ts; how it is copied, hashed and made valid in backup/.
 * Batch: every piped object arrives at once, so components piped from Get-PhoneFactorComponent make ONE backup
 * per server, not one per component.
 */
import { Type } from '@sinclair/typebox';
import { defineOperation } from './contract/contract';
import { PathParameter } from './contract/schema-helpers';
import { ServerTargetParameters, ThrottleLimitParameter, targetOf } from './contract/target-parameters';
import { backUpServers } from '../backup/index';
import { RollbackMediaPathParameter, RollbackMediaRowSchema } from './contract/rollback-media-parameters';
import { DEFAULT_THROTTLE_LIMIT } from '../util/pool';

const Input = Type.Object(
  {
    Destination: PathParameter(
      'The folder that receives the backup (a new PhoneFactorBackup-<COMPUTER>-<time> folder is made inside it). With -LabPath, a Windows path such as ' +
        'C:\\Backups lies inside the lab server. Must not be inside a folder being backed up.',
      { position: 0 },
    ),
    StopService: Type.Optional(
      Type.Boolean({
        description: 'Stop the running PhoneFactor / MFA Server service (PFSVC or MultiFactorAuth) while the data folder is copied, and start it again ' +
          'afterwards, also when the backup fails.',
      }),
    ),
    Retain: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'After a successful backup, keep only the newest n verified backups of each server in the destination folder, newest meaning most ' +
          'recently finished in that folder (never by a date a clock wrote). Never deleted: the backup this command made, one an unfinished ' +
          'Invoke-MfaServerUpgrade in the folder relies on, one that fails verification, and the newest verified one. KeptBackups and RemovedBackups say ' +
          'what was kept and removed, and the log says why.',
      }),
    ),
    RollbackMediaPath: RollbackMediaPathParameter,
    ...ServerTargetParameters,
    ThrottleLimit: ThrottleLimitParameter,
  },
  { additionalProperties: false },
);

const Output = Type.Object({
  BackupPath: Type.String(),
  ComputerName: Type.String(),
  LabPath: Type.Union([Type.String(), Type.Null()]),
  Items: Type.Integer(),
  TotalBytes: Type.Integer(),
  IsVerified: Type.Boolean(),
  CreatedUtc: Type.String(),
  SkippedItems: Type.Array(Type.String()),
  StoppedServices: Type.Array(Type.String()),
  RemovedBackups: Type.Array(Type.String()),
  /** With -Retain: every other backup of this server in the destination that was kept, with why ("<path>: <reason>"). */
  KeptBackups: Type.Array(Type.String()),
  /** One row per PhoneFactor product: the package kept in the backup to reinstall it (source, version, verdict). */
  RollbackMedia: Type.Array(RollbackMediaRowSchema),
});

export const backupPhoneFactorOperation = defineOperation({
  name: 'backup-phonefactor',
  cmdlet: 'Backup-PhoneFactor',
  synopsis: 'Backs up the PhoneFactor data folder, web.configs, custom themes and registry key into a verified, hashed backup.',
  description: [
    'Makes one backup per server of everything an upgrade from PhoneFactor Agent must keep: the whole data folder of the',
    'Agent / MFA Server (Phonefactor.pfdata and the activation state beside it), the User portal web.config and every',
    'custom theme folder under App_Themes, the Mobile App Web Service web.config, the Web Service SDK web.config where',
    'present, the files those web.configs name (appSettings file=, configSource= of any section) when they lie in the',
    'application folder (a reference leading elsewhere, or to a file that is not there, is a warning), the product',
    'registry key in regedit (.reg) format, an inventory snapshot (inventory.json), the',
    'applicationHost.config sections of those web applications (IIS\\applications.json) and the list of installed products',
    '(products.json); the last two are kept for reference and for New-MfaLab -FromBackup, never restored.',
    'It also keeps, under RollbackMedia, a package that can reinstall each PhoneFactor product exactly (the installer given',
    'with -RollbackMediaPath, Windows Installer\'s cached package, or the original source its SourceList names; checked',
    'for ProductCode, ProductVersion, platform and every cabinet) with how to reinstall it the same way (install folder,',
    'site and virtual directory, public properties, each marked recorded or inferred): Windows Installer deletes its',
    'cached package when a product is uninstalled. RollbackMedia in the output says per product where the package came',
    'from, its version and verdict; a product without a verified package is a warning.',
    'Every file is copied once with its SHA-256, written to disk, read back and checked; manifest.json is written last and',
    'only then does the folder lose its .partial suffix, so a folder without it is always a complete backup.',
    'A file that changes while it is copied is copied again; use -StopService to stop the service that writes the data',
    'file during the copy. Components piped from Get-PhoneFactorComponent make one backup per server.',
    'The server itself is not changed (except for the service with -StopService).',
    'BACKUPS ARE SENSITIVE: the web.config files hold the Web Service SDK service account password in plain text, so',
    'each backup folder is limited to Administrators, SYSTEM and its owner before anything is written into it (icacls',
    '/inheritance:r /grant:r with SIDs; mode 0700 outside Windows). A destination whose permissions cannot be changed',
    '(FAT, some shares) is refused with BackupFolderNotProtected. The destination folder itself is left as it is.',
  ].join(' '),
  examples: [
    {
      title: 'Back up this server before the upgrade',
      code: "Backup-PhoneFactor -Destination 'D:\\Backups\\PhoneFactor' -StopService",
      remarks: 'Stops the PhoneFactor service during the copy and starts it again. Outputs the backup folder, file count and size.',
    },
    {
      title: 'Back up what Get-PhoneFactorComponent found, then check the backup',
      code: "Get-PhoneFactorComponent | Backup-PhoneFactor -Destination 'D:\\Backups\\PhoneFactor' | Test-PhoneFactorBackup",
      remarks: 'One backup per server, however many components are piped in.',
    },
    {
      title: 'Nightly backup from a scheduled task keeping a week of backups',
      code: "Backup-PhoneFactor -Destination 'D:\\Backups\\PhoneFactor' -Retain 7 -ErrorAction Stop",
      remarks: 'Keeps the newest 7 verified backups of each server in the folder and removes older ones.',
    },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.Backup',
  view: {
    list: [
      'ComputerName', 'BackupPath', 'CreatedUtc', 'IsVerified', 'Items', 'TotalBytes', 'KeptBackups', 'RemovedBackups', 'SkippedItems',
      'StoppedServices',
    ],
  },
  changesState: { confirmImpact: 'Low' },
  batching: 'batch',
  timeoutSeconds: 3600,
  links: ['Test-PhoneFactorBackup', 'Restore-PhoneFactor', 'Get-PhoneFactorComponent'],
  handler: (items, ctx) => {
    const servers = items.map((item) => ({
      target: targetOf(item),
      destination: item.Destination,
      stopService: item.StopService === true,
      retain: item.Retain,
      rollbackMediaPath: item.RollbackMediaPath,
    }));
    return backUpServers({ servers, throttle: Math.min(...items.map((i) => i.ThrottleLimit ?? DEFAULT_THROTTLE_LIMIT)) }, ctx);
  },
});
