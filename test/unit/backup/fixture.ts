/** A small PhoneFactor-like server tree in a temp folder, and the backup items that describe it. */
import { randomBytes } from 'node:crypto';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BackupItem } from '../../../core/backup/backup-item';
import { LocalFolderHost } from './local-folder-host';

export const DATA = 'C:\\Program Files\\PhoneFactor\\Data';
export const PFDATA = `${DATA}\\Phonefactor.pfdata`;
export const PORTAL = 'C:\\inetpub\\wwwroot\\PhoneFactor';
export const WEB_CONFIG = `${PORTAL}\\web.config`;
export const THEMES = `${PORTAL}\\App_Themes`;
/** Small chunks so that even the test files take many reads and writes. */
export const CHUNK = 64 * 1024;

export interface Fixture {
  root: string;
  host: LocalFolderHost;
  destination: string;
  items: BackupItem[];
  cleanup(): Promise<void>;
}

export async function makeFixture(options: { remote?: boolean; computerName?: string } = {}): Promise<Fixture> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'mfa-backup-test-'));
  const host = new LocalFolderHost(path.join(root, 'server'), options.computerName ?? 'PFSRV01', options.remote);
  await write(host, PFDATA, randomBytes(CHUNK * 5 + 123));
  await write(host, `${DATA}\\Logs\\pfsvc.log`, Buffer.from('started\r\n'));
  await write(host, WEB_CONFIG, Buffer.from('<?xml version="1.0"?>\r\n<configuration><appSettings/></configuration>\r\n'));
  await write(host, `${THEMES}\\Contoso\\style.css`, Buffer.from('body { color: navy; }'));
  await write(host, `${THEMES}\\Contoso\\logo.png`, randomBytes(2000));
  const items: BackupItem[] = [
    { component: 'Agent', kind: 'DataFolder', sourcePath: DATA, relativePath: 'Agent\\Data' },
    { component: 'UserPortal', kind: 'WebConfig', sourcePath: WEB_CONFIG, relativePath: 'UserPortal\\web.config' },
    { component: 'UserPortal', kind: 'Theme', sourcePath: THEMES, relativePath: 'UserPortal\\App_Themes' },
    {
      component: 'Agent',
      kind: 'Registry',
      sourcePath: 'HKLM\\SOFTWARE\\Wow6432Node\\Positive Networks\\PhoneFactor',
      relativePath: 'Registry\\PhoneFactor.reg',
      content: Buffer.from('Windows Registry Editor Version 5.00\r\n', 'utf16le'),
    },
  ];
  return {
    root,
    host,
    destination: path.join(root, 'backups'),
    items,
    cleanup: () => fs.rm(root, { recursive: true, force: true }),
  };
}

export async function write(host: LocalFolderHost, windowsPath: string, data: Buffer): Promise<void> {
  await fs.mkdir(path.dirname(host.real(windowsPath)), { recursive: true });
  await fs.writeFile(host.real(windowsPath), data);
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Every file below a folder with its bytes' hash: to prove a tree is untouched. */
export async function snapshot(folder: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string) => {
    for (const e of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else out[path.relative(folder, full)] = sha256(await fs.readFile(full));
    }
  };
  await walk(folder);
  return out;
}

export async function listNames(folder: string): Promise<string[]> {
  return fs.readdir(folder).catch(() => []);
}
