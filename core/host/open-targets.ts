/**
 * Which server a command works on, and opening it: `labPath` (a simulated server in a folder) or computer names
 * (default: this machine). Shared by every host-touching command, so the rule is written once.
 *
 * The rule for both together: a computer name first names a server of the lab at labPath on this machine (a lab can
 * hold several). When it is no server of such a lab (or there is no lab at that path here) and it is not this
 * machine, it is a remote server, and labPath is the lab folder ON that server (give it as a full path there):
 * the rehearsal of remote work. A remote name alone is the real server, reached by PowerShell remoting.
 * Several names may be given; the rule applies to each. One labPath serves every name, so servers that each
 * need their own lab folder come as separate selections (ComputerName + LabPath of each piped object).
 */
import * as path from 'node:path';
import * as os from 'node:os';
import { CoreError } from '../util/errors';
import { isSameOrInside } from '../util/windows-path';
import type { Host } from './host';
import { openLab, resolveTargetPath } from './lab/open-lab';
import { createLocalWindowsHost } from './local';
import { openRemoteHosts } from './remote/open-remote';
import { DEFAULT_THROTTLE_LIMIT, mapSettled } from '../util/pool';
import type { RemoteSettings } from './remote/remote-options';

/**
 * Which servers a command names: a lab folder, computer names, sessions the caller holds (their computer names), and
 * how to reach remote ones (remote-options.ts fills what is unset from the environment).
 */
export interface TargetSelection {
  labPath?: string;
  computerNames?: string[];
  sessions?: string[];
  remote: RemoteSettings;
}

/** This machine itself (a path given for it is a path here, never inside a lab). */
export const THIS_MACHINE: TargetSelection = { remote: {} };

const isLocalName = (name: string) => ['.', 'localhost', os.hostname().toLowerCase()].includes(name.toLowerCase());

/** One name given to -ComputerName (or none: this machine, or every server of the lab) and how to open its hosts. */
export interface NamedTarget {
  name: string | undefined;
  open(): Promise<Host[]>;
}

/** The servers an input names: -ComputerName, else the computers of the sessions given with -Session. */
const namesOf = (input: TargetSelection): string[] | undefined => input.computerNames ?? input.sessions;

/** Names reached through a session the admin gave: remote even when the session is to this machine. */
const isSessionName = (input: TargetSelection, name: string) => (input.sessions ?? []).some((s) => s.toLowerCase() === name.toLowerCase());

/** One target per server name (see namesOf), in the order given (a name given twice counts once). */
export function targetsOf(input: TargetSelection): NamedTarget[] {
  const seen = new Set<string>();
  const names = (namesOf(input) ?? [undefined]).filter((n) => {
    const key = (n ?? '').toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const remote = input.remote;
  return names.map((name) => ({
    name,
    open: () => (name !== undefined && isSessionName(input, name) ? openRemote(name, remote, input.labPath) : openNamed(input.labPath, name, remote)),
  }));
}

/**
 * The hosts an input addresses: every server of a lab (or the ones named), this machine, or remote servers. Several
 * names open in parallel (at most `throttle` at once); any failure fails the whole call (callers that can carry on
 * without a server use targetsOf and report each server's failure on its own).
 */
export async function openTargetHosts(input: TargetSelection, throttle: number = DEFAULT_THROTTLE_LIMIT): Promise<Host[]> {
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
export async function openTargetHostsOfItems(items: TargetSelection[], throttle: number = DEFAULT_THROTTLE_LIMIT): Promise<Host[]> {
  const inputs = new Map<string, TargetSelection>();
  for (const item of items) {
    for (const name of namesOf(item) ?? [undefined]) {
      const key = `${item.labPath === undefined ? '' : path.resolve(item.labPath)}|${(name ?? '').toLowerCase()}`;
      if (!inputs.has(key)) inputs.set(key, { ...item, computerNames: name === undefined ? undefined : [name] });
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
export async function openTargetHost(input: TargetSelection): Promise<Host> {
  const names = namesOf(input) ?? [];
  if (names.length > 1) {
    const parameter = input.computerNames ? 'ComputerName' : 'Session';
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
      `The lab ${input.labPath} holds ${hosts.length} servers (${hosts.map((h) => h.computerName).join(', ')}); name one with -ComputerName.`,
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
export async function resolveFileTarget(input: TargetSelection, file: string): Promise<string> {
  if (input.labPath === undefined) {
    const remote = input.sessions?.[0] ?? input.computerNames?.find((n) => !isLocalName(n));
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

/** Every server the items name, each once; a server that cannot be opened is reported, not fatal. */
export async function openReachable(
  items: TargetSelection[],
  throttle: number,
): Promise<{ hosts: Host[]; unreachable: { name: string; error: unknown }[] }> {
  const targets = items.flatMap((item) => targetsOf(item).map((t) => ({ item, t })));
  const opened = await mapSettled(targets, throttle, ({ t }) => t.open());
  const hosts = new Map<string, Host>();
  const unreachable: { name: string; error: unknown }[] = [];
  for (const [i, o] of opened.entries()) {
    if (!o.ok) {
      unreachable.push({ name: targets[i].t.name ?? targets[i].item.labPath ?? 'this machine', error: o.error });
      continue;
    }
    for (const h of o.value) {
      const id = pipeIdentity(h);
      const key = `${h.kind}|${id.ComputerName.toLowerCase()}|${id.LabPath ?? ''}`;
      if (!hosts.has(key)) hosts.set(key, h);
    }
  }
  return { hosts: [...hosts.values()], unreachable };
}
