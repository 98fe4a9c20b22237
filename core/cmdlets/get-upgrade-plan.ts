/** Get-MfaUpgradePlan: the ordered upgrade steps for one or more servers, automatic and manual. */
import { Type } from '@sinclair/typebox';
import { defineOperation } from './contract/contract';
import { CoreError } from '../util/errors';
import { ServerTargetParameters, targetOf } from './contract/target-parameters';
import { localFolderFor, openTargetHostsOfItems } from '../host/open-targets';
import { BackupDestinationParameter, OutFileParameter, UpgradeParameters } from './contract/upgrade-parameters';
import { planUpgrade, PlanRow } from '../upgrade';

const Input = Type.Object(
  { ...ServerTargetParameters, ...UpgradeParameters, BackupDestination: BackupDestinationParameter(false), OutFile: OutFileParameter },
  { additionalProperties: false },
);

export const getUpgradePlanOperation = defineOperation({
  name: 'get-upgrade-plan',
  cmdlet: 'Get-MfaUpgradePlan',
  synopsis: 'Shows the ordered steps that upgrade PhoneFactor Agent servers to MFA Server, automatic and manual.',
  description: [
    'Reads the inventory of the target server(s) and the MFA Server media and returns the documented procedure as ordered',
    'steps: verified backup, uninstall of the User portal, Mobile App Web Service, Web Service SDK and Agent (only those',
    'present), MFA Server install into the old path, activation check, reinstall of the web components under the chosen',
    'virtual directories, web.config merges, custom themes, SDK URL fixes, one RewriteSdkConsumer step per other caller of the',
    'SDK whose URL the rename breaks (IIS applications, the AD FS adapter, MIM: Get-MfaSdkConsumer; their files go into the',
    'backup first; Manual where the file cannot be changed safely) and a final verification, followed by the',
    'follow-up actions the tool cannot do for you. MFA Server stopped servicing MFA requests on 2024-09-30: the upgrade',
    'exists to reach the build with the Migration Utility and move users to cloud Microsoft Entra MFA.',
  ].join(' '),
  examples: [
    { title: 'Plan a lab upgrade', code: 'New-MfaLab -Path .\\lab | Get-MfaUpgradePlan', remarks: 'LabPath and InstallerPath come from New-MfaLab.' },
    {
      title: 'Keep the old virtual directory names',
      code: "Get-MfaUpgradePlan -InstallerPath 'C:\\Media\\MfaServer' -VirtualDirectoryNaming Legacy | Format-Table Order, Kind, Action, Component, " +
        "Description",
      remarks: 'Manual steps appear where the installer offers no property for the virtual directory.',
    },
    {
      title: 'See what a migration-shaped plan leaves out',
      code: "Compare-Object (New-MfaLab -Path .\\lab -Force | Get-MfaUpgradePlan) (Get-MfaUpgradePlan -LabPath .\\lab -InstallerPath C:\\Media\\MfaServer " +
        "-Goal Migrate) -Property Id",
      remarks: '-Goal Migrate drops the web components nothing needs, adds the redirect of the old portal address, and lists the migration\'s steps.',
    },
    {
      title: 'Write the plan for review, run it later unchanged',
      code: "Get-MfaUpgradePlan -InstallerPath 'C:\\Media\\MfaServer' -BackupDestination 'D:\\MfaBackup' -OutFile 'D:\\Change\\plan.json' | " +
        "Format-Table Order, Kind, Description",
      remarks: 'The file holds the steps and what they were computed from, with its SHA-256 (in the verbose stream and the file). Invoke-MfaServerUpgrade ' +
        '-PlanPath runs exactly this plan, and refuses if the servers changed since.',
    },
  ],
  input: Input,
  output: PlanRow,
  outputTypeName: 'MfaServerUpgrade.PlanStep',
  view: { table: [{ property: 'Order', width: 5 }, { property: 'ComputerName', width: 13 }, { property: 'Kind', width: 9 }, 'Description'] },
  batching: 'batch',
  links: ['Invoke-MfaServerUpgrade', 'Get-PhoneFactorComponent'],
  handler: async (items, ctx) => {
    const first = items[0];
    const hosts = await openTargetHostsOfItems(items.map(targetOf));
    const outFile = items.find((i) => i.OutFile !== undefined)?.OutFile;
    // The reviewed plan's backup steps name the folder: without it they would name a placeholder no run can match.
    if (outFile !== undefined && first.BackupDestination === undefined) {
      const why = '-OutFile needs -BackupDestination: the reviewed plan\'s backup steps name the folder they back up to.';
      throw new CoreError('InvalidParameter', why, 'BackupDestination');
    }
    return planUpgrade(
      {
        hosts,
        installerPath: first.InstallerPath,
        naming: first.VirtualDirectoryNaming ?? 'New',
        // With -OutFile as Invoke-MfaServerUpgrade resolves it, so that the plan a run computes names the same folder.
        backupDestination: first.BackupDestination === undefined ? '(BackupDestination)' : outFile === undefined ? first.BackupDestination :
          localFolderFor(hosts[0], first.BackupDestination),
        goal: first.Goal ?? 'Upgrade',
        keepWebComponents: first.KeepWebComponent ?? [],
      },
      ctx,
      outFile,
    );
  },
});
