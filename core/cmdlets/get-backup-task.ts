/**
 * Get-PhoneFactorBackupTask: the registered nightly backup task (time, destination, retention, the module it imports),
 * how its last run ended and the end of its log. Reads only.
 */
import { Type } from '@sinclair/typebox';
import { defineOperation, perItem } from './contract/contract';
import { ServerTargetParameters, targetOf } from './contract/target-parameters';
import { DEFAULT_TASK_NAME } from '../domain/backup-task';
import { DEFAULT_LOG_TAIL, getBackupTask } from '../backup/index';

const Input = Type.Object(
  {
    TaskName: Type.Optional(Type.String({
      minLength: 1,
      description: `The task's path in Task Scheduler. Default: ${DEFAULT_TASK_NAME}.`,
      'x-mfa': { pipeline: true, position: 0 },
    })),
    Tail: Type.Optional(Type.Integer({
      minimum: 1,
      maximum: 1000,
      description: `How many of the last lines of the task's log to return in LogTail (default ${DEFAULT_LOG_TAIL}).`,
    })),
    ...ServerTargetParameters,
  },
  { additionalProperties: false },
);

const Nullable = <T extends ReturnType<typeof Type.String | typeof Type.Integer>>(t: T) => Type.Union([t, Type.Null()]);
const Output = Type.Object({
  TaskName: Type.String(),
  ComputerName: Type.String(),
  LabPath: Nullable(Type.String()),
  At: Nullable(Type.String()),
  Enabled: Type.Boolean(),
  Destination: Nullable(Type.String()),
  Retain: Nullable(Type.Integer()),
  StopService: Type.Boolean(),
  ModulePath: Nullable(Type.String()),
  LastResult: Type.String(),
  LastRunStart: Nullable(Type.String()),
  LastMessage: Nullable(Type.String()),
  LogPath: Type.String(),
  LogTail: Type.Array(Type.String()),
  Xml: Type.String(),
});

export const getBackupTaskOperation = defineOperation({
  name: 'get-backup-task',
  cmdlet: 'Get-PhoneFactorBackupTask',
  synopsis: 'Shows the scheduled PhoneFactor backup task: when it runs, where it backs up, how its last run ended and the end of its log.',
  description: [
    'Reads the task Register-PhoneFactorBackupTask registered (default \\MfaServerUpgrade\\PhoneFactorBackup): its daily time,',
    'whether it is enabled, the destination, -Retain, -StopService and the module it imports (ModulePath), from the task as',
    'Task Scheduler holds it; then the task\'s log (%SystemRoot%\\Logs\\Software\\MfaServerUpgrade-Backup.log). Each run of the',
    'task writes a start line and an OK or FAILED line there: LastResult is Succeeded or Failed (LastMessage says why),',
    'Unfinished when the last run has no end line (still running, or stopped from outside), NeverRun when the log has no',
    'run. LogTail holds the last lines (-Tail). A task that does not exist is an error (ScheduledTaskNotFound). Nothing is',
    'changed. With -LabPath the task and the log of that lab server are read.',
  ].join(' '),
  examples: [
    {
      title: 'How did last night\'s backup go',
      code: 'Get-PhoneFactorBackupTask',
      remarks: 'LastResult, LastRunStart and LastMessage; Format-List * shows the log tail.',
    },
    {
      title: 'The end of the log of a failed run',
      code: "Get-PhoneFactorBackupTask -ComputerName MFA01 -Tail 50 | Where-Object LastResult -eq 'Failed' | Select-Object -ExpandProperty LogTail",
      remarks: 'Reads the task and its log on MFA01 over PowerShell remoting.',
    },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.BackupTaskState',
  view: {
    list: [
      'ComputerName', 'TaskName', 'Enabled', 'At', 'Destination', 'Retain', 'StopService', 'LastResult', 'LastRunStart', 'LastMessage', 'ModulePath',
      'LogPath',
    ],
  },
  links: ['Register-PhoneFactorBackupTask', 'Unregister-PhoneFactorBackupTask', 'Get-PhoneFactorBackup'],
  handler: perItem(async (item) => getBackupTask({ target: targetOf(item), labPath: item.LabPath, taskName: item.TaskName, tail: item.Tail })),
});
