/**
 * Which server an operation works on: `-LabPath` (a simulated server in a folder) or `-ComputerName`
 * (default: this machine). Shared by every host-touching operation, so the rule is written once.
 */
import { Type, type Static } from '@sinclair/typebox';
import * as path from 'node:path';
import * as os from 'node:os';
import { CoreError } from '../util/errors';
import type { Host } from '../host/host';
import { openLab, resolveTargetPath } from '../host/lab/open-lab';
import { createLocalWindowsHost } from '../host/local';

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

/** The hosts an input addresses: every server of a lab (or the one named), or this machine. */
export async function openTargetHosts(input: TargetInput): Promise<Host[]> {
  if (input.LabPath !== undefined) {
    const servers = await openLab(input.LabPath);
    if (input.ComputerName === undefined) return servers;
    const chosen = servers.filter((s) => s.computerName.toLowerCase() === input.ComputerName!.toLowerCase());
    if (chosen.length === 0) {
      throw new CoreError('ComputerNotInLab', `The lab ${input.LabPath} has no server named ${input.ComputerName} (it has: ${servers.map((s) => s.computerName).join(', ')}).`, 'ComputerName');
    }
    return chosen;
  }
  if (input.ComputerName !== undefined && !isLocalName(input.ComputerName)) {
    throw new CoreError('RemoteNotAvailable', `Working on a remote server (${input.ComputerName}) through PowerShell remoting is not available in this version; run the module on that server, or rehearse with -LabPath.`, 'ComputerName');
  }
  return [createLocalWindowsHost()];
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
  if (input.LabPath === undefined) return path.resolve(file);
  const host = await openTargetHost(input);
  return resolveTargetPath(host, file).localPath;
}
