/** Parameters shared by Get-MfaUpgradePlan and Invoke-MfaServerUpgrade (declared once, used by both contracts). */
import { Type } from '@sinclair/typebox';
import { PathParameter, StringEnum } from './schema-helpers';

export const UpgradeParameters = {
  InstallerPath: Type.String({
    minLength: 1,
    description: 'The folder holding MultiFactorAuthenticationServerSetup.exe and the component MSIs, as a path on the MFA server (a lab: ' +
      'C:\\Media\\MfaServer).',
    'x-mfa': { pipeline: true },
  }),
  VirtualDirectoryNaming: Type.Optional(
    StringEnum(['New', 'Legacy'], {
      description: 'New (default): the MFA Server virtual directory names, with every URL that pointed at the old ones rewritten. Legacy: keep the names the ' +
        'PhoneFactor components used.',
      'x-mfa': { pipeline: true },
    }),
  ),
  Goal: Type.Optional(
    StringEnum(['Upgrade', 'Migrate'], {
      description: 'Upgrade (default): the documented upgrade, every web component back. Migrate: the upgrade as a stage towards cloud Microsoft Entra ' +
        'MFA: everything is backed up and uninstalled as for Upgrade and MFA Server is installed, but the User portal, the Mobile App Web Service and the ' +
        'Web Service SDK come back only where something still needs them (-KeepWebComponent, or for the SDK a caller other than our own portal and ' +
        'mobile app found by Get-MfaSdkConsumer); the old User portal address gets a redirect to https://aka.ms/mfasetup, and the follow-ups are the ' +
        'migration\'s steps. Recorded in the journal: a -Resume with another goal is refused (ResumeParametersDiffer) unless -Replan is given.',
      'x-mfa': { pipeline: true },
    }),
  ),
  KeepWebComponent: Type.Optional(
    Type.Array(StringEnum(['UserPortal', 'MobileAppWebService', 'WebServiceSdk']), {
      description: 'With -Goal Migrate: web components to reinstall although the migration does not need them, e.g. -KeepWebComponent UserPortal ' +
        'while users still enrol there. A kept portal or mobile app web service that calls the SDK keeps the SDK too. Refused with -Goal Upgrade.',
      uniqueItems: true,
    }),
  ),
};

export const BackupDestinationParameter = (mandatory: boolean) => {
  const p = PathParameter(
    'The folder that receives the verified backup (and the upgrade journal). On a lab, a C:\\ path lies inside the lab.',
    { pipeline: true },
  );
  return mandatory ? p : Type.Optional(p);
};

/**
 * The reviewed plan file: Get-MfaUpgradePlan -OutFile writes it, Invoke-MfaServerUpgrade -PlanPath runs it (a file on
 * the machine running the command, like any path parameter).
 */
export const OutFileParameter = Type.Optional(
  PathParameter(
    'Also write the plan to this file for review (JSON, written atomically): the steps, and what they were computed from (each server\'s name, ' +
      'machine id and inventory with its SHA-256 fingerprint, the SDK callers found, the media\'s version, the parameters), with the SHA-256 of its ' +
      'content. Run it unchanged with Invoke-MfaServerUpgrade -PlanPath. Needs -BackupDestination (the plan\'s backup steps name it).',
  ),
);

export const PlanPathParameter = Type.Optional(
  PathParameter(
    'Run the reviewed plan in this file (written by Get-MfaUpgradePlan -OutFile) and nothing else. Before anything changes, the file is checked ' +
      '(valid JSON, its fields, its SHA-256: ReviewedPlanCorrupt, ReviewedPlanTampered), its servers must be the targets (ReviewedPlanOfOtherServers), ' +
      'and the plan is computed again from the live servers: any difference in what it was computed from or in any step refuses the run ' +
      '(ReviewedPlanDiffers, exit code 69003, each difference listed). The plan carries -InstallerPath, -VirtualDirectoryNaming, -Goal, ' +
      '-KeepWebComponent and the -BackupDestination it backs up to: other values of them, and -Replan, are refused by name ' +
      '(ReviewedPlanParameterConflict). The journal and report.html record the file and its SHA-256; -Resume continues the same run.',
  ),
);

/** -ChangeId of Invoke-MfaServerUpgrade and Undo-MfaServerUpgrade: one line of visible text, recorded as it is. */
export const ChangeIdParameter = Type.Optional(
  Type.String({
    minLength: 1,
    maxLength: 200,
    // One line of visible text: it goes into the journal, the CMTrace log and the report as it is.
    pattern: '^[^\\u0000-\\u001F\\u007F]*\\S[^\\u0000-\\u001F\\u007F]*$',
    description: 'The change (ticket) number the command is run under, e.g. CHG0012345. Recorded with who ran the command and on which machine in ' +
      'the journal, the CMTrace log and report.html; a later run under another change number is recorded as well (each run keeps its own).',
  }),
);
