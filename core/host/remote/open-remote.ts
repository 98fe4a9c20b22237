/**
 * Hosts on a remote server: the server itself (a real Windows server), or the servers of a lab folder on it. One
 * remoting connection per server name and settings for one command, shared by every host on that server; a failed
 * open is not cached, so the next command tries again.
 */
import { CoreError } from '../../util/errors';
import { ownPowerShell, RemoteConnection } from './remote-connection';
import { localModuleBuild } from './module-deploy';
import { activeBroker } from './brokered-powershell';
import { RemoteHost } from './remote-host';
import { remoteOptionsFor, type RemoteSettings } from './remote-options';
import type { FarIdentity, FarTarget } from './host-rpc';

const connections = new Map<string, Promise<RemoteConnection>>();

function connectionTo(computerName: string, settings: RemoteSettings): Promise<RemoteConnection> {
  // One connection per server and way of reaching it (a command's parameters choose the way).
  const key = `${computerName.toLowerCase()}|${JSON.stringify(settings)}`;
  let c = connections.get(key);
  if (!c) {
    const broker = activeBroker();
    const options = remoteOptionsFor(computerName, settings);
    c = broker
      ? RemoteConnection.open(options, localModuleBuild(), () => broker.channel(computerName), (m) => broker.warn(m))
      : RemoteConnection.open(options, localModuleBuild(), ownPowerShell);
    connections.set(key, c);
    c.catch(() => connections.delete(key));
  }
  return c;
}

/** Every host the target addresses on the remote server (several when a far lab holds several servers). */
export async function openRemoteHosts(computerName: string, labPath?: string, settings: RemoteSettings = {}): Promise<RemoteHost[]> {
  const connection = await connectionTo(computerName, settings);
  const base: FarTarget = labPath === undefined ? {} : { labPath };
  const identities = (await connection.call({ target: base, method: 'describe', args: [] })) as FarIdentity[];
  if (!Array.isArray(identities) || identities.length === 0) {
    throw new CoreError('RemoteProtocolError', `[${computerName}] The server did not say which host it is.`, computerName);
  }
  return identities.map((id) => new RemoteHost(connection, id.labServer === null ? base : { ...base, labServer: id.labServer }, id));
}

/**
 * Closes every open session (the command has ended, or the core is about to exit): sessions we opened through the
 * caller's PowerShell are kept there for its next command (parked, with their far cores, which forget this command's
 * secrets first); others end with their far cores (sessions we opened in a pwsh of our own are removed, sessions the
 * admin gave stay open). A server that does not answer within `limitMs` is left to the process ending (which drops
 * our own pwsh and its sessions).
 */
export async function closeRemoteConnections(limitMs = 15_000, report: (line: string) => void = () => undefined): Promise<void> {
  const all = [...connections.values()];
  connections.clear();
  const closing = Promise.all(
    all.map((c) =>
      c
        .then(async (x) => {
          await x.close();
          report(describeStats(x));
        })
        .catch(() => undefined),
    ),
  );
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([closing, new Promise((resolve) => (timer = setTimeout(resolve, limitMs)))]);
  clearTimeout(timer);
}

/** What a command asked of one server, for the verbose stream (issue 29: the round trips a command costs). */
function describeStats(connection: RemoteConnection): string {
  const { roundTrips, calls, scripts } = connection.stats;
  return `${connection.name}: ${roundTrips} batch(es) of host calls (${calls} call(s)), ${scripts} remoting script(s) in all, closing included.`;
}
