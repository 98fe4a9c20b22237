/** Unregister-PhoneFactorBackupTask: removes the scheduled backup task that Register-PhoneFactorBackupTask made. */
import { Type } from '@sinclair/typebox';
import { defineOperation, perItem } from './contract/contract';
import { ServerTargetParameters, targetOf } from './contract/target-parameters';
import { DEFAULT_TASK_NAME } from '../domain/backup-task';
import { unregisterBackupTask } from '../backup/index';

const Input = Type.Object(
  {
    TaskName: Type.Optional(Type.String({
      minLength: 1,
      description: `The task's path in Task Scheduler. Default: ${DEFAULT_TASK_NAME}.`,
      'x-mfa': { pipeline: true, position: 0 },
    })),
    ...ServerTargetParameters,
  },
  { additionalProperties: false },
);

const Output = Type.Object({
  TaskName: Type.String(),
  ComputerName: Type.String(),
  LabPath: Type.Union([Type.String(), Type.Null()]),
  Removed: Type.Boolean(),
});

export const unregisterBackupTaskOperation = defineOperation({
  name: 'unregister-backup-task',
  cmdlet: 'Unregister-PhoneFactorBackupTask',
  synopsis: 'Removes the scheduled PhoneFactor backup task.',
  description: [
    'Deletes the Task Scheduler task made by Register-PhoneFactorBackupTask (default \\MfaServerUpgrade\\PhoneFactorBackup).',
    'The backups already made and the log stay. When there is no such task a warning says so and Removed is False,',
    'so the command can run again safely (for example from an uninstall script).',
  ].join(' '),
  examples: [
    { title: 'Stop the nightly backups', code: 'Unregister-PhoneFactorBackupTask', remarks: 'Removes \\MfaServerUpgrade\\PhoneFactorBackup.' },
    {
      title: 'Remove exactly what was registered',
      code: "Register-PhoneFactorBackupTask -Destination 'D:\\Backups' -At 02:30 -TaskName '\\Contoso\\MfaBackup' | Unregister-PhoneFactorBackupTask",
      remarks: 'TaskName, ComputerName and LabPath bind by property name.',
    },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.BackupTaskRemoval',
  view: { table: [{ property: 'ComputerName', width: 15 }, 'Removed', 'TaskName'] },
  changesState: { confirmImpact: 'Medium' },
  links: ['Register-PhoneFactorBackupTask'],
  handler: perItem((item, ctx) => unregisterBackupTask({ target: targetOf(item), labPath: item.LabPath, taskName: item.TaskName }, ctx)),
});
