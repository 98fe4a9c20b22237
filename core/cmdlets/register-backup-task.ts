/**
 * Register-PhoneFactorBackupTask: a daily Task Scheduler task that runs Backup-PhoneFactor as SYSTEM with retention
 * and a log. The task XML is built in domain/backup-task.ts; -AsXml returns it without registering anything (for
 * review, or for deployment through Group Policy Preferences or Intune).
 */
import { Type } from '@sinclair/typebox';
import { defineOperation, perItem } from './contract/contract';
import { PathParameter } from './contract/schema-helpers';
import { ServerTargetParameters, targetOf } from './contract/target-parameters';
import { DEFAULT_RETAIN, DEFAULT_TASK_NAME } from '../domain/backup-task';
import { registerBackupTask } from '../backup/index';

const Input = Type.Object(
  {
    Destination: PathParameter(
      'The folder on the server that receives the nightly backups, as a full Windows path (D:\\Backups\\PhoneFactor or \\\\fileserver\\share\\PhoneFactor). ' +
        'The task runs as SYSTEM: a network share must grant the computer account write access.',
      { position: 0 },
    ),
    At: Type.String({
      minLength: 1,
      description: 'The time of day the backup starts, 24-hour HH:mm in the server\'s local time, for example 02:30, or a [datetime] whose time of day ' +
        'it is (Get-Date 02:30).',
      'x-mfa': { position: 1 },
    }),
    Retain: Type.Optional(Type.Integer({
      minimum: 1,
      description: `How many verified backups of the server to keep in the destination (default ${DEFAULT_RETAIN}); older ones are removed after each ` +
        `successful backup.`,
    })),
    StopService: Type.Optional(Type.Boolean({ description: 'Stop the PhoneFactor / MFA Server service during each backup (Backup-PhoneFactor -StopService). ' +
      'MFA requests are not served meanwhile.' })),
    TaskName: Type.Optional(Type.String({
      minLength: 1,
      description: `The task's path in Task Scheduler. Default: ${DEFAULT_TASK_NAME}.`,
      'x-mfa': { pipeline: true },
    })),
    AsXml: Type.Optional(Type.Boolean({ description: 'Register nothing; return the object with the Task Scheduler XML that would be ' +
      'registered in its Xml property.' })),
    ...ServerTargetParameters,
  },
  { additionalProperties: false },
);

const Output = Type.Object({
  TaskName: Type.String(),
  ComputerName: Type.String(),
  LabPath: Type.Union([Type.String(), Type.Null()]),
  At: Type.String(),
  Destination: Type.String(),
  Retain: Type.Integer(),
  LogPath: Type.String(),
  ModulePath: Type.String(),
  Registered: Type.Boolean(),
  Xml: Type.String(),
});

export const registerBackupTaskOperation = defineOperation({
  name: 'register-backup-task',
  cmdlet: 'Register-PhoneFactorBackupTask',
  synopsis: 'Schedules a daily verified backup (Backup-PhoneFactor) that runs as SYSTEM, with retention and a log.',
  description: [
    'Registers a Task Scheduler task (default \\MfaServerUpgrade\\PhoneFactorBackup) that starts Windows PowerShell every day',
    'at -At as SYSTEM with the highest privileges, imports this module and runs Backup-PhoneFactor -Destination -Retain',
    '-Confirm:$false. Every run appends to %SystemRoot%\\Logs\\Software\\MfaServerUpgrade-Backup.log and ends with exit code 1',
    'when the backup fails, so Task Scheduler\'s Last Run Result shows it. A missed start (server off) runs as soon as',
    'possible, a run still going when the next one is due is not doubled, and a run is stopped after two hours.',
    'An existing task of the same name is replaced. The task imports the module this command runs from by the full path of',
    'its manifest (ModulePath), so a module installed from PowerShell 7 (-Scope AllUsers: C:\\Program Files\\PowerShell\\Modules,',
    'where Windows PowerShell 5.1 does not look) still loads every night; a module under a user profile or on a share is',
    'refused (TaskModuleNotReachable): install it for all users first. On a remote server (-ComputerName) the task imports',
    'the copy this tool keeps there (C:\\ProgramData\\MfaServerUpgrade\\<version>). -AsXml returns the task XML and registers nothing;',
    '-WhatIf shows what would be registered. With -LabPath the task is stored in the lab server',
    '(C:\\Windows\\System32\\Tasks\\... inside the lab) and its command backs up that lab server (-LabPath -ComputerName).',
  ].join(' '),
  examples: [
    {
      title: 'Back up every night at 02:30, keeping two weeks',
      code: "Register-PhoneFactorBackupTask -Destination 'D:\\Backups\\PhoneFactor' -At 02:30 -Retain 14",
      remarks: 'Outputs the registered task: name, time, destination, log path.',
    },
    {
      title: 'Review the task XML, or deploy it another way',
      code: "(Register-PhoneFactorBackupTask -Destination 'D:\\Backups\\PhoneFactor' -At 02:30 -AsXml).Xml | Set-Content -Encoding Unicode " +
        ".\\PhoneFactorBackup.xml",
      remarks: 'Registers nothing. schtasks.exe /Create /TN \\MfaServerUpgrade\\PhoneFactorBackup /XML .\\PhoneFactorBackup.xml registers the saved file.',
    },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.BackupTask',
  view: { list: ['ComputerName', 'TaskName', 'Registered', 'At', 'Destination', 'Retain', 'ModulePath', 'LogPath'] },
  changesState: { confirmImpact: 'Medium' },
  links: ['Unregister-PhoneFactorBackupTask', 'Backup-PhoneFactor', 'Test-PhoneFactorBackup'],
  handler: perItem(async (item, ctx) => {
    const request = {
      target: targetOf(item),
      labPath: item.LabPath,
      at: item.At,
      taskName: item.TaskName,
      destination: item.Destination,
      retain: item.Retain,
      stopService: item.StopService === true,
      asXml: item.AsXml === true,
      callerModule: ctx.caller?.moduleManifest ?? null,
    };
    return registerBackupTask(request, ctx);
  }),
});
