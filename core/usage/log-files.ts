/**
 * Which files hold the service log, oldest first. The current file is MultiFactorAuthSvc.log; the console keeps
 * "backups" of it (mfa-server-facts §4) whose names are not documented [?], so any name that starts with
 * MultiFactorAuthSvc and ends in .log or .log.<n> counts (MultiFactorAuthSvc.log.1, MultiFactorAuthSvc_2024-05-01.log).
 * Names say nothing reliable about order, so the order comes from each file's first timestamp, then its last write
 * time; the current file is always last.
 */
import type { Host } from '../host/host';
import { CoreError } from '../util/errors';
import { SERVICE_LOG_NAME } from '../domain/service-log';
import { timestampEnd } from './line-parser';
import { timestampValue } from './timestamps';

export type LogFiles = Pick<Host, 'stat' | 'listDirectory' | 'readFileRange'>;

const ROLLED_OVER = /^MultiFactorAuthSvc(?:[._ -][^\\/]*)?\.log(?:\.\d+)?$/i;

export const isServiceLogName = (name: string) => ROLLED_OVER.test(name);
const isCurrent = (path: string) => baseName(path).toLowerCase() === SERVICE_LOG_NAME.toLowerCase();
const baseName = (path: string) => path.replace(/^.*[\\/]/, '');

export interface LogFile {
  path: string;
  /** Where the file is read from: the server, or this machine for a copy given with -Path. */
  files: LogFiles;
  size: number;
  mtimeMs: number;
  /** The first timestamp among the file's first lines, or null when they hold none. */
  firstTimestamp: string | null;
}

/** How far into a file its first timestamp is looked for. */
const HEAD_BYTES = 64 * 1024;

/** The service log files of a folder, or the file itself; a path that is neither is FileNotFound naming it. */
export async function logFilesAt(files: LogFiles, path: string, parameter: string): Promise<LogFile[]> {
  const stat = await files.stat(path);
  if (stat === undefined) throw new CoreError('FileNotFound', `${parameter} names ${path}, which does not exist.`, path);
  if (!stat.isDirectory) return [await describe(files, path, stat.size, stat.mtimeMs)];
  const sep = path.includes('/') && !path.includes('\\') ? '/' : '\\';
  const folder = path.replace(/[\\/]+$/, '');
  const found: LogFile[] = [];
  for (const entry of await files.listDirectory(path)) {
    if (entry.isDirectory || !isServiceLogName(entry.name)) continue;
    const file = `${folder}${sep}${entry.name}`;
    const s = await files.stat(file);
    if (s !== undefined) found.push(await describe(files, file, s.size, s.mtimeMs));
  }
  return found;
}

async function describe(files: LogFiles, path: string, size: number, mtimeMs: number): Promise<LogFile> {
  const head = size > 0 ? (await files.readFileRange(path, 0, HEAD_BYTES)).toString('utf8') : '';
  let firstTimestamp: string | null = null;
  for (const line of head.split('\n')) {
    const end = timestampEnd(line.replace(/^\uFEFF/, ''));
    if (end > 0) {
      firstTimestamp = line.replace(/^\uFEFF/, '').slice(0, end);
      break;
    }
  }
  return { path, files, size, mtimeMs, firstTimestamp };
}

/** Oldest first: by first timestamp (files without one first, by write time), the current file last. */
export function orderLogFiles(files: LogFile[]): LogFile[] {
  const key = (f: LogFile) => {
    const first = f.firstTimestamp === null ? null : timestampValue(f.firstTimestamp);
    return [isCurrent(f.path) ? 1 : 0, first === null ? 0 : 1, first ?? 0, f.mtimeMs, f.path.toLowerCase()] as const;
  };
  return [...files].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
    return 0;
  });
}
