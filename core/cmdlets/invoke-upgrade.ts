/** Invoke-MfaServerUpgrade: the whole documented upgrade, journaled and resumable. */
import { Type } from '@sinclair/typebox';
import { defineOperation } from './contract/contract';
import { ServerTargetParameters, targetOf } from './contract/target-parameters';
import { localFolderFor, openTargetHostsOfItems } from '../host/open-targets';
import { BackupDestinationParameter, ChangeIdParameter, PlanPathParameter, UpgradeParameters } from './contract/upgrade-parameters';
import { runUpgrade } from '../upgrade';
import { StringEnum } from './contract/schema-helpers';
import { ReadinessRowSchema } from './test-readiness';
import { READINESS_CHECKS } from '../domain/readiness-types';
import { RollbackMediaPathParameter } from './contract/rollback-media-parameters';
import { WebTierParameters, webTierOptions } from './contract/webtier-parameters';

const Input = Type.Object(
  {
    ...ServerTargetParameters,
    ...UpgradeParameters,
    // Optional here: with -PlanPath the reviewed plan carries it (the core refuses a run that has neither).
    InstallerPath: Type.Optional(UpgradeParameters.InstallerPath),
    PlanPath: PlanPathParameter,
    BackupDestination: BackupDestinationParameter(true),
    RollbackMediaPath: RollbackMediaPathParameter,
    ...WebTierParameters,
    SkipReadiness: Type.Optional(
      Type.Array(StringEnum([...READINESS_CHECKS]), {
        description: 'Readiness checks whose Failed result you accept as a named risk, e.g. -SkipReadiness PendingRestart. The run then goes on; the ' +
          'accepted risk and what the check found are recorded in the journal and the report. Other Failed checks still stop the run before anything changes ' +
          '(exit code 69003). -SkipReadiness RollbackMedia goes on although a PhoneFactor product has no package that could reinstall it: the upgrade ' +
          'then has no way back for that product.',
      }),
    ),
    Resume: Type.Optional(Type.Boolean({ description: 'Continue the upgrade recorded in the journal under BackupDestination (after a stop, a pause or a ' +
      'failure). Without a journal a fresh run starts and says so. The run continues only with the parameters it was started with (InstallerPath, ' +
      'VirtualDirectoryNaming, Goal, KeepWebComponent, the reviewed plan of PlanPath; one omitted means the recorded one): other values are refused ' +
      'with the differences named (ResumeParametersDiffer), unless Replan is given.' })),
    ChangeId: ChangeIdParameter,
    Replan: Type.Optional(Type.Boolean({ description: 'Continue the recorded upgrade with a new plan made with the InstallerPath and VirtualDirectoryNaming ' +
      'given now, from what the run found on the servers when it started. Steps that are the same in both plans keep their record; any other is checked on ' +
      'the server and run again. The journal records the re-plan (when, what changed).' })),
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
  FollowUps: Type.Array(Type.String()),
  Notice: Type.String(),
  Readiness: Type.Array(ReadinessRowSchema),
});

export const invokeUpgradeOperation = defineOperation({
  name: 'invoke-upgrade',
  cmdlet: 'Invoke-MfaServerUpgrade',
  synopsis: 'Upgrades PhoneFactor Agent 5.x servers to MFA Server: backup, uninstall, install, web.config merge, verification.',
  description: [
    'First runs the checks of Test-MfaUpgradeReadiness: a Failed check stops the run before anything is changed (ExitCode',
    '69003, the checks in the log, in Readiness and in report.html) unless -SkipReadiness names it. Then runs the plan of Get-MfaUpgradePlan step by step ' +
      'with a journal written before and after every step (under',
    'BackupDestination). If the run is stopped at any point, run it again with -Resume: it continues where it stopped and never',
    'does a step twice. Nothing is uninstalled before a verified backup exists, holding for each PhoneFactor product a package that can',
    'reinstall it (see Backup-PhoneFactor and -RollbackMediaPath; without one the run stops with 69003 before the first uninstall).',
    'A manual step that blocks correctness pauses',
    'the run (Status Paused, ExitCode 69001) with its instruction; -Resume continues after you did it. A failed step stops',
    'the run (ExitCode 69002, or 69003 when nothing had been changed yet) with the exact next action. ExitCode 3010 means',
    'done with a restart pending, 1618 means another installation was running (retry later). Never prompts with',
    '-Confirm:$false, as ConfigMgr, Intune and scheduled tasks need. MFA Server stopped servicing MFA requests on',
    '2024-09-30: upgrade to reach the Migration Utility and move your users to cloud Microsoft Entra MFA.',
  ].join(' '),
  examples: [
    {
      title: 'Rehearse on a lab',
      code: "New-MfaLab -Path .\\lab | Invoke-MfaServerUpgrade -BackupDestination .\\backups -Confirm:$false",
      remarks: 'A full upgrade of a simulated PhoneFactor server.',
    },
    {
      title: 'Unattended run on this server',
      code: "Invoke-MfaServerUpgrade -InstallerPath 'C:\\Media\\MfaServer' -BackupDestination 'D:\\MfaBackup' -Resume -ChangeId CHG0012345 -Confirm:$false",
      remarks: 'Deployments always pass -Resume: a retry (after 1618, a restart or a pause) continues the recorded run, and without a journal a fresh run ' +
        'starts. Return ExitCode to ConfigMgr / Intune.',
    },
    {
      title: 'Upgrade an MFA server and its separate web server through sessions you hold',
      code: "$s = New-PSSession -ComputerName MFA01, WEB01 -Credential (Get-Credential)\nInvoke-MfaServerUpgrade -Session $s -InstallerPath " +
        "'C:\\Media\\MfaServer' -BackupDestination 'D:\\MfaBackup' -Resume",
      remarks: 'One plan and one journal across both servers; -Confirm asks before each step. The sessions stay open afterwards.',
    },
    {
      title: 'Run the plan that was reviewed, and only that plan',
      code: "Get-MfaUpgradePlan -InstallerPath 'C:\\Media\\MfaServer' -BackupDestination 'D:\\MfaBackup' -OutFile 'D:\\Change\\CHG0012345-plan.json'\n" +
        "# ... the plan is reviewed and approved; at the change window:\nInvoke-MfaServerUpgrade -PlanPath 'D:\\Change\\CHG0012345-plan.json' " +
        "-BackupDestination 'D:\\MfaBackup' -Resume -ChangeId CHG0012345 -Confirm:$false",
      remarks: 'The run computes the plan again from the servers and refuses (ReviewedPlanDiffers, exit code 69003, each difference listed) if ' +
        'anything changed since the plan was made; otherwise it runs exactly the reviewed plan and records its path and SHA-256 in the journal and ' +
        'report.html. -WhatIf shows the comparison.',
    },
    {
      title: 'Continue after a pause or a stop',
      code: "Invoke-MfaServerUpgrade -InstallerPath 'C:\\Media\\MfaServer' -BackupDestination 'D:\\MfaBackup' -Resume -Confirm:$false",
      remarks: 'Continues from the journal.',
    },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.UpgradeResult',
  view: { list: ['Status', 'ExitCode', 'RebootRequired', 'Message', 'NextAction', 'FollowUps', 'BackupPath', 'JournalPath', 'LogPath', 'ReportPath'] },
  changesState: { confirmImpact: 'High' },
  batching: 'batch',
  timeoutSeconds: 7200,
  // A run takes minutes to hours and holds run-wide state (run lock, server claims, the journal's last words): a fresh
  // process guarantees none of it outlives the run or meets another call's, and its start is nothing next to the run.
  ownProcess: 'a long, stateful run',
  links: ['Get-MfaUpgradePlan', 'Test-MfaServerUpgrade', 'Restore-PhoneFactor'],
  handler: async (items, ctx) => {
    const first = items[0];
    const hosts = await openTargetHostsOfItems(items.map(targetOf));
    const result = await runUpgrade(
      {
        hosts,
        installerPath: first.InstallerPath,
        planPath: first.PlanPath,
        naming: first.VirtualDirectoryNaming,
        goal: first.Goal,
        keepWebComponents: first.KeepWebComponent,
        backupDestination: localFolderFor(hosts[0], first.BackupDestination),
        resume: first.Resume === true,
        skipReadiness: [...new Set(items.flatMap((i) => i.SkipReadiness ?? []))],
        replan: first.Replan === true,
        rollbackMediaPath: items.find((i) => i.RollbackMediaPath !== undefined)?.RollbackMediaPath,
        webTier: await webTierOptions(items.find((i) => i.WebTier === true) ?? {}),
        changeId: first.ChangeId,
        caller: ctx.caller,
      },
      ctx,
    );
    return [result];
  },
});
