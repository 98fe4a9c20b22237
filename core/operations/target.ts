/**
 * Which server an operation works on: `-LabPath` (a simulated server in a folder) or `-ComputerName`
 * (default: this machine). Shared by every host-touching operation, so the rule is written once.
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
import * as path from 'node:path';
import * as os from 'node:os';
import { CoreError } from '../util/errors';
import { isSameOrInside } from '../util/windows-path';
import type { Host } from '../host/host';
import { openLab, resolveTargetPath } from '../host/lab/open-lab';
import { createLocalWindowsHost } from '../host/local';
import { openRemoteHosts } from '../host/remote/open-remote';
import { DEFAULT_THROTTLE_LIMIT, mapSettled } from '../util/pool';
import type { RemoteSettings } from '../host/remote/remote-options';
import { StringEnum } from './schema-helpers';

// How the core reaches a server named by -ComputerName. Not with -Session (a session already is a connection): they
// sit in the 'ComputerName' parameter set. Each defaults to its MFA_REMOTE_* environment variable, then to the
// platform's default (README, "Several servers").
const REMOTE_SETTING = { sets: ['ComputerName'] };

export const TargetParameters = {
  LabPath: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'A lab server folder made by New-MfaLab (a simulated server). Windows paths (C:\\...) then resolve inside the lab.',
      'x-mfa': { pipeline: true, path: true },
    }),
  ),
  ComputerName: Type.Optional(
    Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      description:
        'The server(s) to work on. Default: this machine. Within a lab holding several servers, picks one of them; any other name is a remote server reached ' +
          'by PowerShell remoting (then -LabPath, if given, is a lab folder on that server).',
      'x-mfa': { pipeline: true, aliases: ['CN', 'Server'] },
    }),
  ),
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

/** -ThrottleLimit of the commands that work on many servers at once (inventory, backups). */
export const ThrottleLimitParameter = Type.Optional(
  Type.Integer({
    minimum: 1,
    maximum: 64,
    description: `How many servers are worked on at the same time. Default: ${DEFAULT_THROTTLE_LIMIT}. Output keeps the order the servers were given in.`,
  }),
);

export type TargetInput = Static<TObject<typeof TargetParameters>>;

/** The remoting choices of an input (parameters); remote-options.ts fills the rest from the environment. */
function remoteSettingsOf(input: TargetInput): RemoteSettings {
  return {
    transport: input.RemoteTransport === undefined ? undefined : input.RemoteTransport === 'SSH' ? 'ssh' : 'wsman',
    port: input.RemotePort,
    userName: input.RemoteUserName,
    keyFilePath: input.RemoteKeyFilePath,
  };
}

const isLocalName = (name: string) => ['.', 'localhost', os.hostname().toLowerCase()].includes(name.toLowerCase());

/** One name given to -ComputerName (or none: this machine, or every server of the lab) and how to open its hosts. */
export interface NamedTarget {
  name: string | undefined;
  open(): Promise<Host[]>;
}

/** The servers an input names: -ComputerName, else the computers of the sessions given with -Session. */
const namesOf = (input: TargetInput): string[] | undefined => input.ComputerName ?? input.Session;

/** Names reached through a session the admin gave: remote even when the session is to this machine. */
const isSessionName = (input: TargetInput, name: string) => (input.Session ?? []).some((s) => s.toLowerCase() === name.toLowerCase());

/** One target per server name (see namesOf), in the order given (a name given twice counts once). */
export function targetsOf(input: TargetInput): NamedTarget[] {
  const seen = new Set<string>();
  const names = (namesOf(input) ?? [undefined]).filter((n) => {
    const key = (n ?? '').toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const remote = remoteSettingsOf(input);
  return names.map((name) => ({
    name,
    open: () => (name !== undefined && isSessionName(input, name) ? openRemote(name, remote, input.LabPath) : openNamed(input.LabPath, name, remote)),
  }));
}

/**
 * The hosts an input addresses: every server of a lab (or the ones named), this machine, or remote servers. Several
 * names open in parallel (at most `throttle` at once); any failure fails the whole call (callers that can carry on
 * without a server use targetsOf and report each server's failure on its own).
 */
export async function openTargetHosts(input: TargetInput, throttle: number = DEFAULT_THROTTLE_LIMIT): Promise<Host[]> {
  const opened = await mapSettled(targetsOf(input), throttle, (t) => t.open());
  const failed = opened.find((o) => !o.ok);
  if (failed && !failed.ok) throw failed.error;
  return opened.flatMap((o) => (o.ok ? o.value : []));
}

async function openNamed(labPath: string | undefined, name: string | undefined, remote: RemoteSettings): Promise<Host[]> {
  if (labPath !== undefined) {
    const local = await localLabServers(labPath, name);
    if (name === undefined) return local.servers ?? openLab(labPath);
    const chosen = (local.servers ?? []).filter((s) => s.computerName.toLowerCase() === name.toLowerCase());
    if (chosen.length > 0) return chosen;
    if (!isLocalName(name)) return openRemote(name, remote, labPath, local.servers);
    if (!local.servers) await openLab(labPath); // the lab's own error (LabNotFound, NotALab)
    throw new CoreError(
      'ComputerNotInLab',
      `The lab ${labPath} has no server named ${name} (it has: ${(local.servers ?? []).map((s) => s.computerName).join(', ')}).`,
      'ComputerName',
    );
  }
  if (name !== undefined && !isLocalName(name)) return openRemote(name, remote);
  return [createLocalWindowsHost()];
}

/**
 * How a host is named in output objects so that they pipe back to the same server: ComputerName and LabPath together
 * must address it again. A lab server: its own name and its server folder. A remote server: the name it was reached
 * by (an IP address or DNS name may be the only one that reaches it), and for a lab there the server folder on that
 * machine (LabPath keeps meaning "lab folder on the server named by ComputerName").
 */
export function pipeIdentity(host: Host): { ComputerName: string; LabPath: string | null } {
  return { ComputerName: host.address.computerName, LabPath: host.address.labPath };
}

/** The servers of the lab at the path on this machine, or none when there is no readable lab there. */
async function localLabServers(labPath: string, name: string | undefined): Promise<{ servers?: Host[] }> {
  // Without -ComputerName the lab must be here: let its own errors through.
  if (name === undefined) return { servers: await openLab(labPath) };
  try {
    return { servers: await openLab(labPath) };
  } catch {
    return {};
  }
}

async function openRemote(name: string, remote: RemoteSettings, labPath?: string, localLab?: Host[]): Promise<Host[]> {
  try {
    return await openRemoteHosts(name, labPath, remote);
  } catch (e) {
    // A mistyped lab server name also ends up here: say so, it is the likelier mistake.
    if (localLab && e instanceof CoreError && e.code === 'RemoteUnreachable') {
      throw new CoreError(
        e.code,
        `${e.message} (${name} is not a server of the lab at ${labPath} on this machine either; that lab ` +
          `has: ${localLab.map((s) => s.computerName).join(', ')}.)`,
        e.target,
        e.details,
      );
    }
    throw e;
  }
}

/**
 * The hosts of every piped object, each server once: objects from Get-PhoneFactorComponent name their server once per
 * component, and a lab opened twice would give two hosts that do not coordinate their writes.
 */
export async function openTargetHostsOfItems(items: TargetInput[], throttle: number = DEFAULT_THROTTLE_LIMIT): Promise<Host[]> {
  const inputs = new Map<string, TargetInput>();
  for (const item of items) {
    for (const name of namesOf(item) ?? [undefined]) {
      const key = `${item.LabPath === undefined ? '' : path.resolve(item.LabPath)}|${(name ?? '').toLowerCase()}`;
      if (!inputs.has(key)) inputs.set(key, { ...item, ComputerName: name === undefined ? undefined : [name] });
    }
  }
  const hosts = new Map<string, Host>();
  for (const group of await Promise.all([...inputs.values()].map((input) => openTargetHosts(input, throttle)))) {
    for (const host of group) {
      const id = pipeIdentity(host);
      const key = `${host.labFolder ?? ''}|${id.ComputerName.toLowerCase()}|${id.LabPath ?? ''}`;
      if (!hosts.has(key)) hosts.set(key, host);
    }
  }
  return [...hosts.values()];
}

/** Exactly one host: the operation acts on a single server. */
export async function openTargetHost(input: TargetInput): Promise<Host> {
  const names = namesOf(input) ?? [];
  if (names.length > 1) {
    const parameter = input.ComputerName ? 'ComputerName' : 'Session';
    throw new CoreError(
      'AmbiguousTarget',
      `This command works on one server at a time, and -${parameter} names ${names.length} (${names.join(', ')}): pipe one object per server instead.`,
      parameter,
    );
  }
  const hosts = await openTargetHosts(input);
  if (hosts.length !== 1) {
    throw new CoreError(
      'AmbiguousTarget',
      `The lab ${input.LabPath} holds ${hosts.length} servers (${hosts.map((h) => h.computerName).join(', ')}); name one with -ComputerName.`,
      'ComputerName',
    );
  }
  return hosts[0];
}

/**
 * Where a folder of this machine given for a server (a -BackupDestination, a -Destination, a -BackupPath) is: on a lab
 * server a Windows path (C:\Backups) lies inside the lab, as the parameters' help says, except a path that already
 * lies inside the lab folder (as Backup-PhoneFactor reports BackupPath, which on Windows starts with a drive letter),
 * which is taken as it is; any other path is this machine's.
 */
export function localFolderFor(host: Host | undefined, folder: string): string {
  if (host === undefined || host.labFolder === null) return path.resolve(folder);
  const asLocal = path.resolve(folder);
  if (isSameOrInside(asLocal, host.labFolder)) return asLocal;
  return resolveTargetPath(host, folder).localPath;
}

/**
 * A file path as a path on this machine. In a lab, a Windows path (C:\...) lives inside the lab; any other path is a
 * path on the machine running the tool (the path rule).
 */
export async function resolveFileTarget(input: TargetInput, file: string): Promise<string> {
  if (input.LabPath === undefined) {
    const remote = input.Session?.[0] ?? input.ComputerName?.find((n) => !isLocalName(n));
    if (remote !== undefined) throw remoteFilesNotSupported(remote);
    return path.resolve(file);
  }
  const host = await openTargetHost(input);
  if (host.localPath('C:\\') === undefined) throw remoteFilesNotSupported(host.address.computerName);
  return resolveTargetPath(host, file).localPath;
}

function remoteFilesNotSupported(name: string): CoreError {
  return new CoreError(
    'RemoteFilesNotSupported',
    `This command works on files of this machine or of a lab on it, not on files of the remote server ${name}: run it on that server, or copy ` +
      `the files here first.`,
    'ComputerName',
  );
}
