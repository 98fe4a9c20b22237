/**
 * Where the logs are read from. Without -Path: the Logs folder of the server's install path (the product key's
 * InstallPath, as the MFA Server setup itself reads it). With -Path, the project's path rule: on a lab, a Windows
 * path (C:\...) is inside the lab and any other path is on this machine; on a remote server, the path is on that
 * server; without a target, on this machine (copies of a server's logs).
 */
import * as os from 'node:os';
import type { Host } from '../host/host';
import { isWindowsDrivePath } from '../util/windows-path';
import { WindowsFiles } from '../host/windows/windows-files';
import { readInstallPath } from '../survey/inventory';
import { LOGS_FOLDER, SERVICE_LOG_NAME } from '../domain/service-log';
import { CoreError } from '../util/errors';
import { logFilesAt, orderLogFiles, type LogFile, type LogFiles } from './log-files';

/** This machine's files by their own paths (also on Linux and macOS, where copies are read). */
const thisMachine = (): LogFiles => new WindowsFiles((p) => p, os.hostname());

function filesFor(host: Host | null, path: string): LogFiles {
  if (host === null || (host.labFolder !== null && !isWindowsDrivePath(path))) return thisMachine();
  return host;
}

/** The log files to read, oldest first; none found is UsageLogsNotFound naming where the command looked. */
export async function findLogFiles(host: Host | null, paths: string[] | undefined): Promise<LogFile[]> {
  if (paths && paths.length > 0) {
    const found = (await Promise.all(paths.map((p) => logFilesAt(filesFor(host, p), p, '-Path')))).flat();
    if (found.length === 0) throw notFound(`in ${paths.join(', ')}`, '-Path');
    return orderLogFiles(dedupe(found));
  }
  if (host === null) throw new CoreError('UsageLogsNotFound', 'Give -Path, or a server (-ComputerName, -LabPath) whose logs to read.', 'Path');
  const install = await readInstallPath(host);
  if (install === null) {
    throw new CoreError(
      'UsageLogsNotFound',
      `${host.computerName} has no MFA Server or PhoneFactor install path in its registry (InstallPath of the product key), so its Logs folder is ` +
        'unknown: give -Path with the folder that holds MultiFactorAuthSvc.log.',
      'Path',
    );
  }
  const folder = `${install}\\${LOGS_FOLDER}`;
  const stat = await host.stat(folder);
  const found = stat?.isDirectory ? await logFilesAt(host, folder, 'The install path') : [];
  if (found.length === 0) throw notFound(`in ${folder} on ${host.computerName}`, 'ComputerName');
  return orderLogFiles(found);
}

function notFound(where: string, parameter: string): CoreError {
  return new CoreError('UsageLogsNotFound', `No ${SERVICE_LOG_NAME} (nor a rolled-over copy of it) was found ${where}.`, parameter);
}

/** A file named twice (a folder and a file in it) is read once. */
function dedupe(files: LogFile[]): LogFile[] {
  const seen = new Set<string>();
  return files.filter((f) => {
    const key = f.path.toLowerCase().replace(/\//g, '\\');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
