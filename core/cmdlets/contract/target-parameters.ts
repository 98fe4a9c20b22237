/**
 * The parameters that name the server a cmdlet works on (-LabPath, -ComputerName, -Session, -Credential and the
 * remoting settings), declared once for every host-touching cmdlet, and `targetOf`, which turns them into the
 * host layer's TargetSelection. How a selection becomes hosts is `core/host/open-targets.ts`; the rule it follows:
 *
 * The rule for both together: -ComputerName first names a server of the lab at -LabPath on this machine (a lab can
 * hold several). When it is no server of such a lab (or there is no lab at that path here) and it is not this
 * machine, it is a remote server, and -LabPath is the lab folder ON that server (give it as a full path there):
 * the rehearsal of remote work. A remote -ComputerName alone is the real server, reached by PowerShell remoting.
 * -ComputerName takes several names; the rule applies to each. One -LabPath serves every name, so servers that each
 * need their own lab folder come as separate pipeline objects (ComputerName + LabPath), as Get-PhoneFactorComponent
 * and New-MfaLab output them.
 */
import { Type, type Static, type TObject } from '@sinclair/typebox';
import { DEFAULT_THROTTLE_LIMIT } from '../../util/pool';
import type { TargetSelection } from '../../host/open-targets';
import { StringEnum } from './schema-helpers';
import type { ParameterBinding } from './contract';

// How the core reaches a server named by -ComputerName. Not with -Session (a session already is a connection): they
// sit in the 'ComputerName' parameter set. Each defaults to its MFA_REMOTE_* environment variable, then to the
// platform's default (README, "Several servers").
const REMOTE_SETTING = { sets: ['ComputerName'] };

function computerNameParameter(binding: ParameterBinding) {
  return Type.Optional(
    Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      description:
        'The server(s) to work on. Default: this machine. Within a lab holding several servers, picks one of them; any other name is a remote server reached ' +
          'by PowerShell remoting (then -LabPath, if given, is a lab folder on that server).',
      'x-mfa': binding,
    }),
  );
}

export const TargetParameters = {
  LabPath: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'A lab server folder made by New-MfaLab (a simulated server). Windows paths (C:\\...) then resolve inside the lab.',
      'x-mfa': { pipeline: true, path: true },
    }),
  ),
  ComputerName: computerNameParameter({ pipeline: true, aliases: ['CN', 'Server'] }),
  // The two below take PowerShell objects that stay in the admin's PowerShell (x-mfa.psType): the transport runs the
  // remoting there and the core receives stand-ins: the credential's user name, the sessions' computer names.
  Credential: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'The account that opens the PowerShell remoting sessions (WinRM) to the servers named by -ComputerName. Default: the account running the command. ' +
          'The credential stays in your PowerShell session: it is never written to disk, logs or reports. PowerShell remoting over SSH takes no credential ' +
          '(it signs in with a key); use -Session there.',
      // Not with -Session: a session already carries its sign-in, so a credential would be silently ignored.
      'x-mfa': { psType: 'PSCredential', sets: ['ComputerName'] },
    }),
  ),
  RemoteTransport: Type.Optional(
    StringEnum(['SSH', 'WSMan'], {
      description:
        'How the core opens PowerShell remoting sessions to the servers named by -ComputerName: WSMan (WinRM; the default on Windows) or SSH (PowerShell 7 ' +
          'on both ends; the default elsewhere). Default: $env:MFA_REMOTE_TRANSPORT, else the platform default.',
      'x-mfa': REMOTE_SETTING,
    }),
  ),
  RemotePort: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 65535,
      description: 'The SSH port of the servers named by -ComputerName (SSH transport only). Default: $env:MFA_REMOTE_SSH_PORT, else 22.',
      'x-mfa': REMOTE_SETTING,
    }),
  ),
  RemoteUserName: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'The user name SSH signs in as on the servers named by -ComputerName (SSH transport; WinRM takes -Credential). Default: ' +
        '$env:MFA_REMOTE_USER, else your own.',
      'x-mfa': REMOTE_SETTING,
    }),
  ),
  RemoteKeyFilePath: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'The private key file SSH signs in with (SSH transport). Default: $env:MFA_REMOTE_KEYFILE, else SSH\'s own default keys.',
      'x-mfa': { ...REMOTE_SETTING, path: true },
    }),
  ),
  Session: Type.Optional(
    Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      description:
        'Remoting sessions you already hold (New-PSSession), one per server: work on a server goes through its session, which stays open afterwards. Without ' +
          '-ComputerName, the servers are the sessions\' computers; with it (typed or piped), a server whose name matches a session\'s ' +
          'ComputerName uses that session.',
      'x-mfa': { psType: 'PSSession[]', sets: ['Session'], mandatoryInSets: true },
    }),
  ),
};

/**
 * The target parameters of a cmdlet whose subject is a server: a name piped on its own binds to -ComputerName
 * ('MFA01', 'WEB01' | Get-PhoneFactorComponent), and so does an Active Directory computer by property name
 * (Get-ADComputer: DNSHostName, the FQDN, before Name). Not for cmdlets whose subject is a file or folder
 * (Restore-PhoneFactor, Merge-MfaWebConfig): a piped FileInfo's Name would become a server there.
 */
export const ServerTargetParameters = {
  ...TargetParameters,
  ComputerName: computerNameParameter({ pipeline: true, pipelineValue: true, aliases: ['CN', 'Server', 'DNSHostName', 'Name'] }),
};

/** -ThrottleLimit of the commands that work on many servers at once (inventory, backups). */
export const ThrottleLimitParameter = Type.Optional(
  Type.Integer({
    minimum: 1,
    maximum: 64,
    default: DEFAULT_THROTTLE_LIMIT,
    description: `How many servers are worked on at the same time. Default: ${DEFAULT_THROTTLE_LIMIT}. Output keeps the order the servers were given in.`,
  }),
);

export type TargetInput = Static<TObject<typeof TargetParameters>>;

/** The host layer's view of the target parameters (open-targets.ts knows nothing of cmdlets). */
export function targetOf(input: TargetInput): TargetSelection {
  return {
    labPath: input.LabPath,
    computerNames: input.ComputerName,
    sessions: input.Session,
    remote: {
      transport: input.RemoteTransport === undefined ? undefined : input.RemoteTransport === 'SSH' ? 'ssh' : 'wsman',
      port: input.RemotePort,
      userName: input.RemoteUserName,
      keyFilePath: input.RemoteKeyFilePath,
    },
  };
}
