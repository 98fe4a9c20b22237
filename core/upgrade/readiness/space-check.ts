/**
 * Free space against what this upgrade will write, per drive of each server, and on the backup destination.
 * What is counted (an estimate, stated in the Detail):
 * - MFA server: the media it installs (the setup copies every MSI into the install folder, facts §1 step 10) on the
 *   install drive; the data folder (the setup upgrades the data file: room for one more copy) on the install drive;
 * - every server: Windows Installer keeps a copy of each package it installs under C:\Windows\Installer, and a web
 *   server stages its MSIs under C:\Windows\Temp; the new web folders are about as large as the old ones, under
 *   C:\inetpub\wwwroot;
 * - backup: the data folder, the web.configs and the custom themes of every server.
 * Margin: the estimate plus 20 % plus 200 MiB (logs, temporary files of the installers) — an inference, not a
 * documented figure.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Host } from '../../host/host';
import type { ServerInventory } from '../../domain/inventory-types';
import { DEFAULT_WWWROOT, MFA_SERVER_SETUP_FILE } from '../../domain/catalog';
import { protectFolder } from '../../backup/protect-folder';
import { folderSize } from './folder-size';
import { neededMsis } from './media-check';
import { formatBytes, row, type ReadinessRow } from '../../domain/readiness-types';
import { LEARN, basis, inference } from '../../domain/learn-sources';

export const MARGIN_FACTOR = 1.2;
export const MARGIN_BYTES = 200 * 1024 * 1024;
export const withMargin = (bytes: number) => Math.ceil(bytes * MARGIN_FACTOR) + MARGIN_BYTES;
const MARGIN_TEXT = 'estimate + 20 % + 200 MiB';
const BASIS = inference('sizes of the data folder, web folders and media on this server, with a stated margin', LEARN.upgradePhoneFactor);

const driveOf = (p: string) => (/^([A-Za-z]):/.exec(p)?.[1] ?? 'C').toUpperCase();

/** The bytes one server's backup will hold: data folder, web.configs, custom themes. */
export async function backupEstimate(host: Host, inv: ServerInventory): Promise<number> {
  let total = 0;
  const seen = new Set<string>();
  for (const c of inv.Components) {
    if (c.DataPath && !seen.has(c.DataPath.toLowerCase())) {
      seen.add(c.DataPath.toLowerCase());
      total += await folderSize(host, c.DataPath);
    }
    if (c.WebConfigPath) total += (await host.stat(c.WebConfigPath))?.size ?? 0;
    for (const t of c.ThemePaths) total += await folderSize(host, t);
  }
  return total;
}

/** Bytes per drive letter this server will receive. */
export async function writesPerDrive(
  host: Host,
  inv: ServerInventory,
  media: { host: Host; folder: string } | undefined,
  isMediaServer: boolean,
  all: ServerInventory[],
): Promise<Map<string, number>> {
  const writes = new Map<string, number>();
  const add = (drive: string, n: number) => writes.set(drive, (writes.get(drive) ?? 0) + n);
  const mediaSize = async (file: string) => (media ? ((await media.host.stat(`${media.folder}\\${file}`))?.size ?? 0) : 0);
  if (isMediaServer && media) {
    const agent = inv.Components.find((c) => c.Component === 'Agent' || c.Component === 'MfaServer');
    const installDrive = driveOf(agent?.InstallPath ?? 'C:');
    const allMedia = await folderSize(media.host, media.folder);
    add(installDrive, allMedia - (await mediaSize(MFA_SERVER_SETUP_FILE)));
    add('C', await mediaSize(MFA_SERVER_SETUP_FILE)); // the installer cache
    if (agent?.DataPath) add(installDrive, await folderSize(host, agent.DataPath));
  }
  for (const need of neededMsis(all).filter((n) => n.servers.includes(inv.ComputerName))) {
    const size = await mediaSize(need.file);
    add('C', isMediaServer ? size : 2 * size); // the installer cache, and on a web server the staged copy
  }
  for (const c of inv.Components.filter((x) => x.IsLegacy && x.PhysicalPath)) add(driveOf(DEFAULT_WWWROOT), await folderSize(host, c.PhysicalPath!));
  return writes;
}

export async function checkInstallSpace(host: Host, writes: Map<string, number>): Promise<ReadinessRow[]> {
  const rows: ReadinessRow[] = [];
  for (const [drive, bytes] of [...writes.entries()].sort()) {
    const need = withMargin(bytes);
    const space = await host.getVolumeSpace(`${drive}:\\`);
    if (!space) {
      rows.push(row(
        host.computerName,
        'FreeSpace',
        'Failed',
        `Drive ${drive}: does not exist on ${host.computerName}, and the upgrade writes ${formatBytes(bytes)} there.`,
        `Check the install path and the media folder of ${host.computerName}.`,
        BASIS,
      ));
      continue;
    }
    const detail = `Drive ${drive}: has ${formatBytes(space.freeBytes)} free; the upgrade writes about ${formatBytes(bytes)} there, ${formatBytes(need)} ` +
      `with the margin (${MARGIN_TEXT}).`;
    rows.push(row(
      host.computerName,
      'FreeSpace',
      space.freeBytes >= need ? 'Passed' : 'Failed',
      detail,
      `Free at least ${formatBytes(need - space.freeBytes)} on drive ${drive}: of ${host.computerName}, then run again.`,
      BASIS,
    ));
  }
  return rows;
}

/** The nearest folder of a local path that exists (the destination itself may not exist yet). */
async function existingAncestor(p: string): Promise<string> {
  let current = path.resolve(p);
  for (;;) {
    if (await fs.stat(current).then((s) => s.isDirectory(), () => false)) return current;
    const parent = path.dirname(current);
    if (parent === current) return current;
    current = parent;
  }
}

/**
 * The backup destination (a folder on the machine running the core; inside a lab server when it lies in one): room
 * for every server's backup, and whether a folder there can be limited to administrators (the backup's rule:
 * protect-folder.ts). The probe makes an empty folder and removes it again; nothing else is written.
 */
export async function checkBackupDestination(destination: string | undefined, backups: { host: Host; bytes: number }[]): Promise<ReadinessRow[]> {
  const why = basis(
    'The data file and the web.configs are backed up first; a web.config holds the SDK account\'s password, so the backup folder is for administrators only',
    LEARN.upgradePhoneFactor,
    LEARN.userPortal,
  );
  if (destination === undefined) {
    return backups.map((b) => row(
      b.host.computerName,
      'BackupDestination',
      'Warning',
      'Not checked: no -BackupDestination was given.',
      'Run again with -BackupDestination <the folder Invoke-MfaServerUpgrade will use>.',
      why,
    ));
  }
  const total = backups.reduce((n, b) => n + b.bytes, 0);
  const need = withMargin(total);
  const folder = await existingAncestor(destination);
  const lab = backups.find((b) => b.host.kind === 'lab' && isInside(folder, b.host.localPath('C:\\') ?? '', 1));
  let free: number | undefined;
  if (lab) {
    const drive = path.basename(path.relative(path.dirname(lab.host.localPath('C:\\')!), folder).split(path.sep)[0] ?? 'C');
    free = (await lab.host.getVolumeSpace(`${drive}:\\`))?.freeBytes;
  } else {
    const s = await fs.statfs(folder).catch(() => undefined);
    free = s ? Number(s.bavail) * Number(s.bsize) : undefined;
  }
  let protectable: string | null = null;
  const probe = path.join(folder, `.mfa-readiness-${process.pid}-${Date.now()}`);
  try {
    await fs.mkdir(probe);
    await protectFolder(probe);
  } catch (e) {
    protectable = (e as Error).message;
  } finally {
    await fs.rm(probe, { recursive: true, force: true }).catch(() => undefined);
  }
  const spaceOk = free !== undefined && free >= need;
  const detail = [
    free === undefined ? `The free space of ${folder} cannot be read.` : `${destination} has ${formatBytes(free)} free; the backups ` +
      `of ${backups.map((b) => b.host.computerName).join(', ')} hold about ${formatBytes(total)}, ${formatBytes(need)} with the margin (${MARGIN_TEXT}).`,
    protectable === null ? 'A folder there can be limited to administrators.' : `A folder there cannot be limited to administrators: ${protectable}`,
  ].join(' ');
  const result = spaceOk && protectable === null ? 'Passed' : 'Failed';
  const action = !spaceOk ? `Free space on the destination or choose another -BackupDestination with at least ${formatBytes(need)} free.` : 'Choose a ' +
    '-BackupDestination on an NTFS volume where this account may change permissions.';
  return backups.map((b) => row(b.host.computerName, 'BackupDestination', result, detail, action, why));
}

function isInside(child: string, parentDrive: string, up: number): boolean {
  let base = parentDrive.replace(/[\\/]+$/, '');
  for (let i = 0; i < up; i++) base = path.dirname(base);
  const rel = path.relative(base, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) && /^[A-Z]$/.test(rel.split(path.sep)[0]);
}
