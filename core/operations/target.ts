/**
 * Which server an operation works on: `-LabPath` (a simulated server in a folder) or `-ComputerName`
 * (default: this machine). Shared by every host-touching operation, so the rule is written once.
 *
 * The rule for both together: -ComputerName first names a server of the lab at -LabPath on this machine (a lab can
 * hold several). When it is no server of such a lab (or there is no lab at that path here) and it is not this
 * machine, it is a remote server, and -LabPath is the lab folder ON that server (give it as a full path there):
 * the rehearsal of remote work. A remote -ComputerName alone is the real server, reached by PowerShell remoting.
 */
import { Type, type Static } from '@sinclair/typebox';
import * as path from 'node:path';
import * as os from 'node:os';
import { CoreError } from '../util/errors';
import type { Host } from '../host/host';
import { openLab, resolveTargetPath } from '../host/lab/open-lab';
import { createLocalWindowsHost } from '../host/local';
import { openRemoteHosts } from '../host/remote/open-remote';

export const TargetParameters = {
  LabPath: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'A lab server folder made by New-MfaLab (a simulated server). Windows paths (C:\\...) then resolve inside the lab.',
      'x-mfa': { pipeline: true, path: true },
    }),
  ),
  ComputerName: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'The server to work on. Default: this machine. Within a lab holding several servers, picks one of them.',
      'x-mfa': { pipeline: true, aliases: ['CN', 'Server'] },
    }),
  ),
};

const Target = Type.Object(TargetParameters);
export type TargetInput = Static<typeof Target>;

const isLocalName = (name: string) => ['.', 'localhost', os.hostname().toLowerCase()].includes(name.toLowerCase());

/** The hosts an input addresses: every server of a lab (or the one named), this machine, or a remote server. */
export async function openTargetHosts(input: TargetInput): Promise<Host[]> {
  const name = input.ComputerName;
  if (input.LabPath !== undefined) {
    const local = await localLabServers(input.LabPath, name);
    if (name === undefined) return local.servers ?? openLab(input.LabPath);
    const chosen = (local.servers ?? []).filter((s) => s.computerName.toLowerCase() === name.toLowerCase());
    if (chosen.length > 0) return chosen;
    if (!isLocalName(name)) return openRemote(name, input.LabPath, local.servers);
    if (!local.servers) await openLab(input.LabPath); // the lab's own error (LabNotFound, NotALab)
    throw new CoreError('ComputerNotInLab', `The lab ${input.LabPath} has no server named ${name} (it has: ${(local.servers ?? []).map((s) => s.computerName).join(', ')}).`, 'ComputerName');
  }
  if (name !== undefined && !isLocalName(name)) return openRemote(name);
  return [createLocalWindowsHost()];
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

async function openRemote(name: string, labPath?: string, localLab?: Host[]): Promise<Host[]> {
  try {
    return await openRemoteHosts(name, labPath);
  } catch (e) {
    // A mistyped lab server name also ends up here: say so, it is the likelier mistake.
    if (localLab && e instanceof CoreError && e.code === 'RemoteUnreachable') {
      throw new CoreError(e.code, `${e.message} (${name} is not a server of the lab at ${labPath} on this machine either; that lab has: ${localLab.map((s) => s.computerName).join(', ')}.)`, e.target, e.details);
    }
    throw e;
  }
}

/** Exactly one host: the operation acts on a single server. */
export async function openTargetHost(input: TargetInput): Promise<Host> {
  const hosts = await openTargetHosts(input);
  if (hosts.length !== 1) {
    throw new CoreError('AmbiguousTarget', `The lab ${input.LabPath} holds ${hosts.length} servers (${hosts.map((h) => h.computerName).join(', ')}); name one with -ComputerName.`, 'ComputerName');
  }
  return hosts[0];
}

/**
 * A file path as a path on this machine. In a lab, a Windows path (C:\...) lives inside the lab; any other path is a
 * path on the machine running the tool (the path rule).
 */
export async function resolveFileTarget(input: TargetInput, file: string): Promise<string> {
  if (input.LabPath === undefined) {
    if (input.ComputerName !== undefined && !isLocalName(input.ComputerName)) throw remoteFilesNotSupported(input.ComputerName);
    return path.resolve(file);
  }
  const host = await openTargetHost(input);
  if (host.kind === 'remote') throw remoteFilesNotSupported(input.ComputerName ?? host.computerName);
  return resolveTargetPath(host, file).localPath;
}

function remoteFilesNotSupported(name: string): CoreError {
  return new CoreError('RemoteFilesNotSupported', `This command works on files of this machine or of a lab on it, not on files of the remote server ${name}: run it on that server, or copy the files here first.`, 'ComputerName');
}
