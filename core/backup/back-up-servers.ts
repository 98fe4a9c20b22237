/**
 * Backup-PhoneFactor's story: one verified backup per server, several servers at once. Servers named by several
 * objects (the components of one server) are backed up once per destination; -WhatIf/-Confirm see each server's
 * backup as one action, in the order the servers were given; -Retain runs per destination afterwards.
 */
import type { Host } from '../host/host';
import { localFolderFor, pipeIdentity, targetsOf, type TargetSelection } from '../host/open-targets';
import { inventoryServer } from '../survey/inventory';
import { findMfaServices } from '../survey/mfa-services';
import { PRODUCT_KEY } from '../domain/catalog';
import { CoreError, isCoreError } from '../util/errors';
import type { OperationContext } from '../util/operation-context';
import { resultsOrPartialFailure, serverError } from '../util/partial-failure';
import { createLimiter, DEFAULT_THROTTLE_LIMIT, mapSettled, settle, type Settled } from '../util/pool';
import type { BackupItem } from './backup-item';
import { createBackup, type BackupResult } from './create-backup';
import { retainPerDestination } from './retain-per-destination';
import { serverBackupItems } from './server-backup-items';
import type { RollbackMediaRow } from './rollback-media-items';
import { withServicesStopped } from './with-service-stopped';

/** One object's worth of Backup-PhoneFactor: which server(s), where to, how. */
export interface ServerToBackUp {
  target: TargetSelection;
  /** As given: on a lab server a Windows path lies inside the lab. */
  destination: string;
  stopService: boolean;
  retain?: number;
  /** A folder of installers the admin names as the way back (-RollbackMediaPath). */
  rollbackMediaPath?: string;
}

export interface BackupRequest {
  servers: ServerToBackUp[];
  /** Servers backed up at the same time (default DEFAULT_THROTTLE_LIMIT). */
  throttle?: number;
}

/** One server's backup as the cmdlet outputs it (named by ComputerName + LabPath so it pipes back to the server). */
export interface ServerBackup {
  BackupPath: string;
  ComputerName: string;
  LabPath: string | null;
  Items: number;
  TotalBytes: number;
  IsVerified: boolean;
  CreatedUtc: string;
  SkippedItems: string[];
  StoppedServices: string[];
  RemovedBackups: string[];
  KeptBackups: string[];
  /** One row per PhoneFactor product: the package kept in the backup to reinstall it (source, version, verdict). */
  RollbackMedia: RollbackMediaRow[];
}

export interface BackupJob {
  host: Host;
  destination: string;
  stopService: boolean;
  retain?: number;
  rollbackMediaPath?: string;
}

/**
 * Servers are backed up in parallel, at most -ThrottleLimit at once. What each backup would do is asked for (ctx.act)
 * in the order the servers were given, so -WhatIf and -Confirm list them the same way every time. A server that fails
 * reports its own error; the other servers' backups still come back.
 */
export async function backUpServers(req: BackupRequest, ctx: OperationContext): Promise<ServerBackup[]> {
  const throttle = req.throttle ?? DEFAULT_THROTTLE_LIMIT;
  const { jobs, failures } = await planJobs(req.servers, throttle);
  const limit = createLimiter(throttle);
  const prepared = jobs.map((job) => settle(limit(() => prepareBackup(job, ctx))));
  const running: Promise<Settled<ServerBackup | undefined>>[] = [];
  for (const [i, job] of jobs.entries()) {
    const ready = await prepared[i];
    if (!ready.ok) {
      running.push(Promise.resolve(ready));
      continue;
    }
    const { action, run } = ready.value;
    const { serviceNames, rollbackMedia } = ready.value;
    running.push(settle(ctx.act(action, () => limit(run)).then((made) => (made ? toOutput(job.host, made, serviceNames, rollbackMedia) : undefined))));
  }
  const outputs: ServerBackup[] = [];
  for (const [i, outcome] of (await Promise.all(running)).entries()) {
    const { host, destination } = jobs[i];
    if (outcome.ok) {
      if (outcome.value) {
        outputs.push(outcome.value);
        ctx.log('info', `Backed up ${outcome.value.Items} file(s), ${outcome.value.TotalBytes} bytes, of ${host.computerName} to ${outcome.value.BackupPath}.`);
      }
      continue;
    }
    const e = outcome.error;
    failures.push(isCoreError(e) ? serverError(e, host.computerName) : new CoreError(
      'BackupIncomplete',
      `The backup of ${host.computerName} failed: ${(e as Error).message}`,
      destination,
    ));
  }
  await retainPerDestination(jobs, outputs, ctx);
  return resultsOrPartialFailure(outputs, failures);
}

/**
 * One job per server and destination, however many objects named the server (components of one server). The servers
 * are opened in parallel; one that cannot be opened becomes a failure of its own.
 */
async function planJobs(servers: ServerToBackUp[], throttle: number): Promise<{ jobs: BackupJob[]; failures: CoreError[] }> {
  const targets = servers.flatMap((item) => targetsOf(item.target).map((target) => ({ item, target })));
  const opened = await mapSettled(targets, throttle, ({ target }) => target.open());
  const jobs = new Map<string, BackupJob>();
  const failures: CoreError[] = [];
  for (const [i, o] of opened.entries()) {
    const { item, target } = targets[i];
    if (!o.ok) {
      failures.push(serverError(o.error, target.name ?? item.target.labPath ?? 'this machine'));
      continue;
    }
    for (const host of o.value) {
      const destination = localFolderFor(host, item.destination);
      const key = `${serverKey(host)}|${destination.toLowerCase()}`;
      const job = jobs.get(key) ?? { host, destination, stopService: false };
      job.stopService ||= item.stopService;
      // Objects of one pipeline carry the same -Retain; if they differ, the larger one deletes less.
      if (item.retain !== undefined) job.retain = Math.max(job.retain ?? 0, item.retain);
      job.rollbackMediaPath ??= item.rollbackMediaPath;
      jobs.set(key, job);
    }
  }
  return { jobs: [...jobs.values()], failures };
}

/** A server as the same server whichever object named it: a remote one by the name that reached it and its far lab folder. */
const serverKey = (host: Host) => {
  const id = pipeIdentity(host);
  return `${(host.labFolder ?? '').toLowerCase()}|${id.ComputerName.toLowerCase()}|${host.computerName.toLowerCase()}|${(id.LabPath ?? '').toLowerCase()}`;
};

/** What one server's backup will copy (read from the server), and the work that makes it. */
async function prepareBackup(job: BackupJob, ctx: OperationContext) {
  const { host, destination } = job;
  ctx.progress('Backup-PhoneFactor', `Inventory of ${host.computerName}`);
  const inventory = await inventoryServer(host);
  for (const w of inventory.Warnings) ctx.log('warning', `${host.computerName}: ${w}`);
  const { items, warnings, hasRegistryKey, rollbackMedia } = await serverBackupItems(host, inventory, { rollbackMediaPath: job.rollbackMediaPath });
  if (!hasRegistryKey) ctx.log('verbose', `${host.computerName}: the registry key ${PRODUCT_KEY} does not exist; it is not part of the backup.`);
  for (const w of warnings) ctx.log('warning', `${host.computerName}: ${w}`);
  for (const r of rollbackMedia.filter((x) => x.Verdict !== 'Verified')) ctx.log('warning', `${host.computerName}: ${r.Detail}`);

  const services = job.stopService ? (await findMfaServices(host)).filter((s) => s.state !== 'Stopped') : [];
  if (job.stopService && services.length === 0) {
    ctx.log(
      'warning',
      `${host.computerName}: no running PhoneFactor / MFA Server service was found to stop; the data folder is copied with the service as it is (every file ` +
        `is still checked for changes during its copy).`,
    );
  }
  const serviceNames = services.map((s) => s.name);

  const run = () =>
    withServicesStopped(host, serviceNames, () =>
      createBackup(host, {
        destination,
        items,
        toolVersion: ctx.toolVersion,
        productVersions: productVersions(inventory.Components),
        onProgress: progressReporter(host.computerName, ctx),
      }),
    );
  const action = { id: `backup:${serverKey(host)}`, target: destination, ...describeBackup(host, items, serviceNames) };
  return { action, run, serviceNames, rollbackMedia };
}

function productVersions(components: { DisplayName: string; Version: string | null }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of components) if (c.Version) out[c.DisplayName] = c.Version;
  return out;
}

function progressReporter(computerName: string, ctx: OperationContext) {
  let lastFile = -1;
  return (p: { relativePath: string; fileIndex: number; fileCount: number }) => {
    if (p.fileIndex === lastFile) return;
    lastFile = p.fileIndex;
    ctx.progress(`Backup of ${computerName}`, p.relativePath, Math.floor((100 * p.fileIndex) / Math.max(1, p.fileCount)));
  };
}

function describeBackup(host: Host, items: BackupItem[], serviceNames: string[]): { description: string; details: string[] } {
  const details = items.map((i) => `${i.sourcePath ?? i.relativePath} -> ${i.relativePath}`);
  if (serviceNames.length > 0) details.push(`Stop ${serviceNames.join(', ')} during the copy and start it again afterwards`);
  return { description: `Back up ${items.length} item(s) of ${host.computerName} into a new backup folder`, details };
}

function toOutput(host: Host, made: BackupResult, serviceNames: string[], rollbackMedia: RollbackMediaRow[]): ServerBackup {
  return {
    BackupPath: made.Path,
    // Named so that the object pipes back to the same server (Restore-PhoneFactor binds ComputerName and LabPath).
    ...pipeIdentity(host),
    Items: made.FileCount,
    TotalBytes: made.TotalBytes,
    // createBackup re-reads every file after writing it and marks it Verified; anything else would have thrown.
    IsVerified: made.Manifest.files.every((f) => f.status === 'Verified'),
    CreatedUtc: made.CreatedUtc,
    SkippedItems: made.Manifest.skippedItems.map((s) => `${s.originalPath} (${s.reason})`),
    StoppedServices: serviceNames,
    RemovedBackups: [],
    KeptBackups: [],
    RollbackMedia: rollbackMedia,
  };
}
