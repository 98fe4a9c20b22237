/**
 * Get-MfaUpgradeRun: where each upgrade recorded under a backup destination stands (status, next step, stops,
 * backups, next action), read from its run folder and checked as -Resume checks it. Reads only; touches no server.
 */
import { Type } from '@sinclair/typebox';
import { defineOperation, perItem } from './contract/contract';
import { PathParameter } from './contract/schema-helpers';
import { getUpgradeRuns } from '../upgrade/index';

const Input = Type.Object(
  {
    BackupDestination: PathParameter(
      'The folder given to Invoke-MfaServerUpgrade as -BackupDestination (a folder of this machine). Every run folder in it ' +
        '(MfaServerUpgrade-<servers>) is reported.',
      { pipeline: true, position: 0, aliases: ['Destination', 'FullName'] },
    ),
  },
  { additionalProperties: false },
);

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Output = Type.Object({
  RunFolder: Type.String(),
  ComputerName: Type.Array(Type.String()),
  Status: Type.String(),
  NextStep: Nullable(Type.String()),
  StepsCompleted: Type.Integer(),
  StepsTotal: Type.Integer(),
  Stops: Type.Array(Type.String()),
  BackupPath: Type.Array(Type.String()),
  NextAction: Nullable(Type.String()),
  ChangeId: Type.Array(Type.String()),
  ReviewedPlan: Nullable(Type.String({
    description: 'The reviewed plan file the run runs (Invoke-MfaServerUpgrade -PlanPath) and its SHA-256; null for a plan made at run time.',
  })),
  LastRunBy: Nullable(Type.String()),
  StartedUtc: Type.String(),
  UpdatedUtc: Type.String(),
  JournalPath: Type.String(),
  ReportPath: Nullable(Type.String()),
});

export const getUpgradeRunOperation = defineOperation({
  name: 'get-upgrade-run',
  cmdlet: 'Get-MfaUpgradeRun',
  synopsis: 'Shows where each upgrade recorded under a backup destination stands: status, next step, stops, backups and what to do next.',
  description: [
    'Reads the run folders (MfaServerUpgrade-<servers>) under -BackupDestination: journal.json and plan.json, each checked as',
    'Invoke-MfaServerUpgrade -Resume checks them before it goes on (a damaged or changed record is the same named error:',
    'JournalCorrupt, PlanCorrupt, PlanNotFound, RunRecordsMismatch, JournalInconsistent, one error per such run folder; the',
    'others are still reported). For each run: the servers, Status (Running, Paused, Failed, Completed), the step a -Resume',
    'continues with and how many are done, every stop before the run finished, the backups it made, the next action (the',
    'instruction of a paused step, the advice the run gave when a step failed, or that a run is going on now), the change',
    'numbers it was run under, who ran it last, and report.html. Nothing is changed, on disk or on any server.',
  ].join(' '),
  examples: [
    {
      title: 'Where does the upgrade stand',
      code: "Get-MfaUpgradeRun -BackupDestination 'D:\\MfaBackup'",
      remarks: 'One object per run folder; NextAction says what to do.',
    },
    {
      title: 'The details of a paused or failed run',
      code: "Get-MfaUpgradeRun 'D:\\MfaBackup' | Where-Object Status -ne 'Completed' | Format-List NextStep, NextAction, Stops, BackupPath",
      remarks: 'Shows the instruction of the paused step or the advice for the failed one, and where the backups are.',
    },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.UpgradeRun',
  view: {
    list: [
      'ComputerName', 'Status', 'NextStep', 'StepsCompleted', 'StepsTotal', 'NextAction', 'ChangeId', 'LastRunBy', 'UpdatedUtc', 'RunFolder',
      'ReportPath',
    ],
  },
  links: ['Invoke-MfaServerUpgrade', 'Get-PhoneFactorBackup', 'Test-MfaServerUpgrade'],
  handler: perItem(async (item) => getUpgradeRuns({ backupDestination: item.BackupDestination })),
});
