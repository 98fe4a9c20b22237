/** Test-MfaUpgradeReadiness: what would stop or spoil the upgrade, found before anything changes. */
import { Type } from '@sinclair/typebox';
import { defineOperation } from './contract/contract';
import { PathParameter, StringEnum } from './contract/schema-helpers';
import { ServerTargetParameters, ThrottleLimitParameter, targetOf } from './contract/target-parameters';
import { localFolderFor, openReachable } from '../host/open-targets';
import { runReadiness } from '../upgrade';
import { READINESS_CHECKS } from '../domain/readiness-types';
import { DEFAULT_THROTTLE_LIMIT } from '../util/pool';
import { RollbackMediaPathParameter } from './contract/rollback-media-parameters';
import { WebTierParameters, webTierOptions } from './contract/webtier-parameters';

const Input = Type.Object(
  {
    ...ServerTargetParameters,
    InstallerPath: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'The MFA Server media folder the upgrade will use, as a path on the MFA server (a lab: C:\\Media\\MfaServer). Without ' +
          'it the media are not checked.',
        'x-mfa': { pipeline: true },
      }),
    ),
    BackupDestination: Type.Optional(PathParameter(
      'The folder Invoke-MfaServerUpgrade will back up to: its free space and whether it can be limited to administrators are checked (an empty probe folder ' +
        'is made and removed). Without it that check is skipped.',
      { pipeline: true },
    )),
    RollbackMediaPath: RollbackMediaPathParameter,
    ...WebTierParameters,
    ThrottleLimit: ThrottleLimitParameter,
  },
  { additionalProperties: false },
);

export const ReadinessRowSchema = Type.Object({
  ComputerName: Type.String(),
  Check: StringEnum([...READINESS_CHECKS]),
  Result: StringEnum(['Passed', 'Warning', 'Failed']),
  Detail: Type.String(),
  Action: Type.Union([Type.String(), Type.Null()]),
  Basis: Type.String(),
  Accepted: Type.Boolean(),
});

export const testReadinessOperation = defineOperation({
  name: 'test-readiness',
  cmdlet: 'Test-MfaUpgradeReadiness',
  synopsis: 'Checks that servers are ready for the upgrade to MFA Server, before anything changes.',
  description: [
    'Runs the checks Invoke-MfaServerUpgrade runs before it changes anything, and outputs one object per check and server',
    '(ComputerName, Check, Result Passed / Warning / Failed, Detail, Action, Basis). Checks: the servers are reachable; the',
    'tool runs elevated; the installer media are present, complete (the setup and each web component MSI in the bitness of',
    'the server it goes to) and readable; free space on each drive the upgrade writes to and on the backup destination,',
    'with a margin of 20 % + 200 MiB, and whether the destination can be limited to administrators; no restart pending',
    '(Component Based Servicing, Windows Update, PendingFileRenameOperations) and no other installation running; the',
    'PhoneFactor / MFA Server service can be stopped for a consistent backup; the VC++ 2015 redistributables on separate',
    'web servers; the SDK URL of every portal and mobile app web.config (no IP address; its host bound on the site serving',
    'the SDK); the SDK service account in "PhoneFactor Admins" where that can be read; RollbackMedia: every PhoneFactor product',
    'to be removed has a verified package that can reinstall it (given with -RollbackMediaPath, Windows Installer\'s cached',
    'package, or its original source); Activation (a Warning): activation may be asked for and new credentials may not be',
    'obtainable, and whether a way back exists; with -WebTier, WebTier: each SDK, portal and mobile app endpoint as it answers now (the old',
    'endpoints, probed from this machine as Test-MfaWebTier does; a failure is a Warning, found before the upgrade). Basis names what a',
    'check rests on with the Microsoft Learn page (title and URL) that says it, or says Inference. A Failed check stops',
    'Invoke-MfaServerUpgrade (exit code 69003) unless it is named in -SkipReadiness. Nothing on the servers is changed.',
  ].join(' '),
  examples: [
    {
      title: 'Check this server',
      code: "Test-MfaUpgradeReadiness -InstallerPath 'C:\\Media\\MfaServer' -BackupDestination 'D:\\MfaBackup' | Where-Object Result -ne 'Passed'",
      remarks: 'Lists what needs attention, with the action to take.',
    },
    {
      title: 'Check a lab',
      code: 'New-MfaLab -Path .\\lab | Test-MfaUpgradeReadiness -BackupDestination .\\backups',
      remarks: 'LabPath and InstallerPath bind from the lab object.',
    },
    {
      title: 'An MFA server and its web server',
      code: "Test-MfaUpgradeReadiness -ComputerName MFA01, WEB01 -InstallerPath 'C:\\Media\\MfaServer' -BackupDestination 'D:\\MfaBackup'",
      remarks: 'A server that cannot be reached gives a Failed Reachable row; the others are still checked.',
    },
  ],
  input: Input,
  output: ReadinessRowSchema,
  outputTypeName: 'MfaServerUpgrade.ReadinessCheck',
  view: { groupBy: 'ComputerName', table: ['Check', 'Result', 'Detail'] },
  batching: 'batch',
  timeoutSeconds: 1800,
  links: ['Invoke-MfaServerUpgrade', 'Get-MfaUpgradePlan'],
  handler: async (items, ctx) => {
    const throttle = Math.min(...items.map((i) => i.ThrottleLimit ?? DEFAULT_THROTTLE_LIMIT));
    const { hosts, unreachable } = await openReachable(items.map(targetOf), throttle);
    const installerPath = items.find((i) => i.InstallerPath !== undefined)?.InstallerPath;
    const destination = items.find((i) => i.BackupDestination !== undefined)?.BackupDestination;
    const rollbackMediaPath = items.find((i) => i.RollbackMediaPath !== undefined)?.RollbackMediaPath;
    return runReadiness({
      rollbackMediaPath,
      hosts,
      unreachable,
      installerPath,
      backupDestination: destination === undefined ? undefined : localFolderFor(hosts[0], destination),
      webTier: await webTierOptions(items.find((i) => i.WebTier === true) ?? {}),
      warn: (m) => ctx.log('warning', m),
    });
  },
});
