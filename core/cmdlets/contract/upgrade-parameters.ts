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
};

export const BackupDestinationParameter = (mandatory: boolean) => {
  const p = PathParameter(
    'The folder that receives the verified backup (and the upgrade journal). On a lab, a C:\\ path lies inside the lab.',
    { pipeline: true },
  );
  return mandatory ? p : Type.Optional(p);
};

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
