/**
 * How to reach a remote server. PowerShell remoting over WinRM (`New-PSSession -ComputerName`) is what Windows estates
 * run and is the default on Windows; SSH (`New-PSSession -HostName`, PowerShell 7) is the default elsewhere. The
 * commands' parameters choose (-RemoteTransport, -RemotePort, -RemoteUserName, -RemoteKeyFilePath: RemoteSettings);
 * the environment gives their defaults, and the advanced settings that have no parameter:
 *   MFA_REMOTE_TRANSPORT  ssh | wsman                       (default of -RemoteTransport)
 *   MFA_REMOTE_SSH_PORT   SSH port (default 22)             (default of -RemotePort)
 *   MFA_REMOTE_USER       user name for SSH                 (default of -RemoteUserName)
 *   MFA_REMOTE_KEYFILE    private key file for SSH          (default of -RemoteKeyFilePath)
 *   MFA_REMOTE_KNOWN_HOSTS  known_hosts file that vouches for the server's host key (default: the user's own)
 *   MFA_REMOTE_NODE       node on the target when it is neither the module's bin\node.exe, MFA_NODE there, nor on PATH
 *   MFA_REMOTE_PER_CALL_CORE=1  start the core on the target for each batch of host calls instead of keeping one
 *                         running for the session (slower; for troubleshooting and to measure the difference)
 * -Credential and -Session are not settings of this file: they are objects of the admin's PowerShell, used there
 * (brokered-powershell.ts).
 */
import { CoreError } from '../../util/errors';

export type RemoteTransport = 'ssh' | 'wsman';

export interface RemoteOptions {
  computerName: string;
  transport: RemoteTransport;
  port?: number;
  userName?: string;
  keyFilePath?: string;
  knownHostsFile?: string;
  farNodeHint?: string;
  /** Start a core on the target per batch instead of keeping one running (MFA_REMOTE_PER_CALL_CORE). */
  perCallCore?: boolean;
}

/** What the command's parameters chose (validated by the contract's schema); unset ones fall back to the environment. */
export interface RemoteSettings {
  transport?: RemoteTransport;
  port?: number;
  userName?: string;
  keyFilePath?: string;
}

export function remoteOptionsFor(computerName: string, settings: RemoteSettings = {}, env: NodeJS.ProcessEnv = process.env): RemoteOptions {
  const t = (settings.transport ?? env.MFA_REMOTE_TRANSPORT ?? (process.platform === 'win32' ? 'wsman' : 'ssh')).toLowerCase();
  if (t !== 'ssh' && t !== 'wsman') {
    throw new CoreError('RemoteTransportInvalid', `MFA_REMOTE_TRANSPORT is '${env.MFA_REMOTE_TRANSPORT}'; use ssh or wsman.`, 'MFA_REMOTE_TRANSPORT');
  }
  let port: number | undefined = settings.port;
  if (port === undefined && env.MFA_REMOTE_SSH_PORT) {
    port = Number(env.MFA_REMOTE_SSH_PORT);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new CoreError('RemoteTransportInvalid', `MFA_REMOTE_SSH_PORT is '${env.MFA_REMOTE_SSH_PORT}', not a port number.`, 'MFA_REMOTE_SSH_PORT');
    }
  }
  return {
    computerName,
    transport: t,
    port,
    userName: settings.userName ?? (env.MFA_REMOTE_USER || undefined),
    keyFilePath: settings.keyFilePath ?? (env.MFA_REMOTE_KEYFILE || undefined),
    knownHostsFile: env.MFA_REMOTE_KNOWN_HOSTS || undefined,
    farNodeHint: env.MFA_REMOTE_NODE || undefined,
    perCallCore: env.MFA_REMOTE_PER_CALL_CORE === '1' || undefined,
  };
}

/** How the server is named in messages: the name the admin typed, with the SSH port when it is not the default. */
export const describeEndpoint = (o: RemoteOptions) =>
  o.transport === 'ssh' ? `${o.computerName} (PowerShell remoting over SSH${o.port ? `, port ${o.port}` : ''})` : `${o.computerName} (PowerShell remoting ` +
    `over WinRM)`;
