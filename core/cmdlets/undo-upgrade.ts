/** Undo-MfaServerUpgrade: takes the servers of a recorded upgrade back to their backups, journaled and resumable. */
import { Type } from '@sinclair/typebox';
import { defineOperation } from './contract/contract';
import { ServerTargetParameters, targetOf } from './contract/target-parameters';
import { BackupDestinationParameter, ChangeIdParameter } from './contract/upgrade-parameters';
import { localFolderFor, openTargetHostsOfItems } from '../host/open-targets';
import { runUndo } from '../upgrade';

const Input = Type.Object(
  {
    ...ServerTargetParameters,
    BackupDestination: BackupDestinationParameter(true),
    ChangeId: ChangeIdParameter,
  },
  { additionalProperties: false },
);

const Step = Type.Object({
  Order: Type.Integer(), Id: Type.String(), Action: Type.String(), ComputerName: Type.String(), Kind: Type.String(), Status: Type.String(),
  DurationMs: Type.Union([Type.Number(), Type.Null()]), Outcome: Type.Union([Type.String(), Type.Null()]),
});
const Output = Type.Object({
  Status: Type.String(),
  ExitCode: Type.Integer(),
  Message: Type.String(),
  NextAction: Type.Union([Type.String(), Type.Null()]),
  Steps: Type.Array(Step),
  BackupPath: Type.Array(Type.String()),
  JournalPath: Type.String(),
  LogPath: Type.Union([Type.String(), Type.Null()]),
  ReportPath: Type.Union([Type.String(), Type.Null()]),
  RebootRequired: Type.Boolean(),
  SetAside: Type.Array(Type.String()),
});

export const undoUpgradeOperation = defineOperation({
  name: 'undo-upgrade',
  cmdlet: 'Undo-MfaServerUpgrade',
  synopsis: 'Takes the servers of an upgrade back to their PhoneFactor backups: uninstall what it installed, reinstall, restore, verify.',
  description: [
    'From wherever the upgrade recorded under BackupDestination stands (paused at a manual step, failed at an install, completed):',
    'removes what the upgrade put into the new web applications and uninstalls what it installed (web servers first, MFA Server last),',
    'reinstalls each PhoneFactor product from the package its backup kept (RollbackMedia), into its original folder and virtual directory',
    'with the properties recorded there, puts back the backup\'s data file, web.configs, the files they name, themes and product key, starts',
    'the PhoneFactor service and verifies each server against its backup (products and versions, virtual directories, restored files by',
    'SHA-256, registry). Nothing is removed before every backup verifies. Journaled like the upgrade (undo-journal.json in its run folder):',
    'stopped or killed at any point, run the same command again and it goes on where it stopped. Changes nothing and returns ExitCode 69023',
    'when a product has no package to reinstall or a backup does not verify. A completed Undo sets the upgrade\'s records aside, so the next',
    'Invoke-MfaServerUpgrade starts a fresh run. Methods users changed in Microsoft Entra after a migration never flow back.',
  ].join(' '),
  examples: [
    {
      title: 'Undo a rehearsal on a lab',
      code: "Undo-MfaServerUpgrade -LabPath .\\lab -BackupDestination .\\backups -Confirm:$false",
      remarks: 'The lab ends as it was before the upgrade.',
    },
    {
      title: 'Show what an Undo would do',
      code: "Undo-MfaServerUpgrade -BackupDestination 'D:\\MfaBackup' -WhatIf",
      remarks: 'One line per step of the Undo\'s plan; nothing is changed.',
    },
    {
      title: 'Unattended, under a change number',
      code: "$r = Undo-MfaServerUpgrade -BackupDestination 'D:\\MfaBackup' -ChangeId CHG0012399 -Confirm:$false; $r.ExitCode",
      remarks: 'Return ExitCode to ConfigMgr / Intune (0, 3010, 1618, 69021, 69022, 69023: Get-Help about_MfaServerUpgrade_Errors).',
    },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.UndoResult',
  view: { list: ['Status', 'ExitCode', 'RebootRequired', 'Message', 'NextAction', 'BackupPath', 'JournalPath', 'LogPath', 'ReportPath', 'SetAside'] },
  changesState: { confirmImpact: 'High' },
  batching: 'batch',
  timeoutSeconds: 7200,
  // Like Invoke-MfaServerUpgrade: a long run holding the run lock, the server claims and its journal's last words.
  ownProcess: 'a long, stateful run',
  links: ['Invoke-MfaServerUpgrade', 'Get-MfaUpgradeRun', 'Restore-PhoneFactor', 'Test-PhoneFactorBackup'],
  handler: async (items, ctx) => {
    const first = items[0];
    const hosts = await openTargetHostsOfItems(items.map(targetOf));
    return [await runUndo({ hosts, backupDestination: localFolderFor(hosts[0], first.BackupDestination), changeId: first.ChangeId, caller: ctx.caller }, ctx)];
  },
});
