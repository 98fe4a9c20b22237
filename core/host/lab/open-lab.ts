/**
 * Opening a lab given by -LabPath: a server folder (server.json) or a multi-server lab (lab.json), and the
 * issue's path rule for lab targets: a Windows drive path (C:\...) means a path inside the lab server; any
 * other path is a path on the machine running the tool.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Host } from '../host';
import { CoreError } from '../../util/errors';
import { LabHost } from './lab-host';
import { isWindowsDrivePath, pathSegmentFromName } from '../../util/windows-path';
import { LAB_FILE, SERVER_FILE } from './server-file';
import type { LabFile } from './lab-file';

export async function openLab(path: string): Promise<LabHost[]> {
  const folder = resolve(path);
  if (!existsSync(folder)) throw new CoreError('LabNotFound', `There is no lab at ${folder}.`, folder);
  if (existsSync(join(folder, SERVER_FILE))) return [await LabHost.open(folder)];
  const labFile = join(folder, LAB_FILE);
  if (!existsSync(labFile)) {
    throw new CoreError('NotALab', `${folder} is not a lab: it has neither ${SERVER_FILE} nor ${LAB_FILE}. Create one with New-MfaLab.`, folder);
  }
  let lab: LabFile;
  try {
    lab = JSON.parse((await readFile(labFile, 'utf8')).replace(/^\uFEFF/, '')) as LabFile;
  } catch (e) {
    throw new CoreError('NotALab', `${labFile} is not valid JSON: ${(e as Error).message}`, labFile);
  }
  if (!Array.isArray(lab.servers) || lab.servers.length === 0) {
    throw new CoreError('NotALab', `${labFile} lists no servers.`, labFile);
  }
  const hosts: LabHost[] = [];
  for (const s of lab.servers) {
    // A server folder named in lab.json is a name inside the lab ('.' for a one-server lab), never a path out of it.
    const name = s === '.' ? s : pathSegmentFromName(String(s), `The server folder named in ${labFile}`, labFile);
    const serverFolder = resolve(folder, name);
    if (!existsSync(join(serverFolder, SERVER_FILE))) {
      throw new CoreError('NotALab', `${labFile} names the server folder '${s}', which has no ${SERVER_FILE}.`, serverFolder);
    }
    hosts.push(await LabHost.open(serverFolder));
  }
  return hosts;
}

/** One server of a lab by computer name (case-insensitive); the only server when the name is omitted. */
export async function openLabServer(path: string, computerName?: string): Promise<LabHost> {
  const hosts = await openLab(path);
  if (computerName === undefined) {
    if (hosts.length === 1) return hosts[0];
    throw new CoreError(
      'LabServerAmbiguous',
      `The lab at ${resolve(path)} has several servers (${hosts.map((h) => h.computerName).join(', ')}); name one.`,
      path,
    );
  }
  const host = hosts.find((h) => h.computerName.toLowerCase() === computerName.toLowerCase());
  if (!host) throw new CoreError('LabServerNotFound', `The lab at ${resolve(path)} has no server named ${computerName}.`, computerName);
  return host;
}

/**
 * Where a path given to a cmdlet really is. For a lab target a Windows drive path resolves inside the lab
 * (`insideLab: true`, `localPath` is the real file); any other path is on the machine running the tool.
 * For other hosts the path is returned as given (it is already a path on that host).
 */
export function resolveTargetPath(host: Host, path: string): { localPath: string; insideLab: boolean } {
  if (host.labFolder !== null && isWindowsDrivePath(path)) {
    return { localPath: host.localPath(path) as string, insideLab: true };
  }
  return { localPath: host.labFolder !== null ? resolve(path) : path, insideLab: false };
}
