/**
 * Backup-PhoneFactor: one verified, hashed backup per server of everything the upgrade must not lose (S1, S5).
 * What goes in is decided in backup/backup-items.ts; how it is copied, hashed and made valid in backup/.
 * Batch: every piped object arrives at once, so components piped from Get-PhoneFactorComponent make ONE backup
 * per server, not one per component.
 */
import * as path from 'node:path';
import { Type } from '@sinclair/typebox';
import { defineOperation } from './contract/contract';
import type { OperationContext } from '../util/operation-context';
import { PathParameter } from './contract/schema-helpers';
import { TargetParameters, ThrottleLimitParameter, targetOf } from './contract/target-parameters';
import { pipeIdentity, targetsOf } from '../host/open-targets';
import type { Host } from '../host/host';
import { resolveTargetPath } from '../host/lab/open-lab';
import { applyRetention, createBackup, type BackupItem, type BackupResult, type RetentionEntry, type RetentionResult } from '../backup/index';
import { inventoryServer } from '../survey/inventory';
import type { ComponentRecord } from '../domain/inventory-types';
import { APPLICATION_HOST_CONFIG, extractApplicationSections, type IisSections } from '../host/iis';
import { listInstalledProducts } from '../host/installed-products';
import { planBackupItems } from '../backup/backup-items';
import { planRollbackMediaItems, type RollbackMediaRow } from '../backup/rollback-media-items';
import { RollbackMediaPathParameter, RollbackMediaRowSchema } from './contract/rollback-media-parameters';
import { findMfaServices } from '../survey/mfa-services';
import { withServicesStopped } from '../backup/with-service-stopped';
import { PRODUCT_KEY, PRODUCT_KEY_VIEW } from '../domain/catalog';
import { CoreError, isCoreError } from '../util/errors';
import { createLimiter, DEFAULT_THROTTLE_LIMIT, mapSettled, settle, type Settled } from '../util/pool';
import { resultsOrPartialFailure, serverError } from '../util/partial-failure';

const Input = Type.Object(
  {
    Destination: PathParameter(
      'The folder that receives the backup (a new PhoneFactorBackup-<COMPUTER>-<time> folder is made inside it). With -LabPath, a Windows path such as ' +
        'C:\\Backups lies inside the lab server. Must not be inside a folder being backed up.',
      { position: 0 },
    ),
    StopService: Type.Optional(
      Type.Boolean({
        description: 'Stop the running PhoneFactor / MFA Server service (PFSVC or MultiFactorAuth) while the data folder is copied, and start it again ' +
          'afterwards, also when the backup fails.',
      }),
    ),
    Retain: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'After a successful backup, keep only the newest n verified backups of each server in the destination folder, newest meaning most ' +
          'recently finished in that folder (never by a date a clock wrote). Never deleted: the backup this command made, one an unfinished ' +
          'Invoke-MfaServerUpgrade in the folder relies on, one that fails verification, and the newest verified one. KeptBackups and RemovedBackups say ' +
          'what was kept and removed, and the log says why.',
      }),
    ),
    RollbackMediaPath: RollbackMediaPathParameter,
    ...TargetParameters,
    ThrottleLimit: ThrottleLimitParameter,
  },
  { additionalProperties: false },
);

const Output = Type.Object({
  BackupPath: Type.String(),
  ComputerName: Type.String(),
  LabPath: Type.Union([Type.String(), Type.Null()]),
  Items: Type.Integer(),
  TotalBytes: Type.Integer(),
  IsVerified: Type.Boolean(),
  CreatedUtc: Type.String(),
  SkippedItems: Type.Array(Type.String()),
  StoppedServices: Type.Array(Type.String()),
  RemovedBackups: Type.Array(Type.String()),
  /** With -Retain: every other backup of this server in the destination that was kept, with why ("<path>: <reason>"). */
  KeptBackups: Type.Array(Type.String()),
  /** One row per PhoneFactor product: the package kept in the backup to reinstall it (source, version, verdict). */
  RollbackMedia: Type.Array(RollbackMediaRowSchema),
});
type BackupOutput = typeof Output.static;
type BackupInput = typeof Input.static;

export const backupPhoneFactorOperation = defineOperation({
  name: 'backup-phonefactor',
  cmdlet: 'Backup-PhoneFactor',
  synopsis: 'Backs up the PhoneFactor data folder, web.configs, custom themes and registry key into a verified, hashed backup.',
  description: [
    'Makes one backup per server of everything an upgrade from PhoneFactor Agent must keep: the whole data folder of the',
    'Agent / MFA Server (Phonefactor.pfdata and the activation state beside it), the User portal web.config and every',
    'custom theme folder under App_Themes, the Mobile App Web Service web.config, the Web Service SDK web.config where',
    'present, the product registry key in regedit (.reg) format, an inventory snapshot (inventory.json), the',
    'applicationHost.config sections of those web applications (IIS\\applications.json) and the list of installed products',
    '(products.json); the last two are kept for reference and for New-MfaLab -FromBackup, never restored.',
    'It also keeps, under RollbackMedia, a package that can reinstall each PhoneFactor product exactly (the installer given',
    'with -RollbackMediaPath, Windows Installer\'s cached package, or the original source its SourceList names; checked',
    'for ProductCode, ProductVersion, platform and every cabinet) with how to reinstall it the same way (install folder,',
    'site and virtual directory, public properties, each marked recorded or inferred): Windows Installer deletes its',
    'cached package when a product is uninstalled. RollbackMedia in the output says per product where the package came',
    'from, its version and verdict; a product without a verified package is a warning.',
    'Every file is copied once with its SHA-256, written to disk, read back and checked; manifest.json is written last and',
    'only then does the folder lose its .partial suffix, so a folder without it is always a complete backup.',
    'A file that changes while it is copied is copied again; use -StopService to stop the service that writes the data',
    'file during the copy. Components piped from Get-PhoneFactorComponent make one backup per server.',
    'The server itself is not changed (except for the service with -StopService).',
    'BACKUPS ARE SENSITIVE: the web.config files hold the Web Service SDK service account password in plain text, so',
    'each backup folder is limited to Administrators, SYSTEM and its owner before anything is written into it (icacls',
    '/inheritance:r /grant:r with SIDs; mode 0700 outside Windows). A destination whose permissions cannot be changed',
    '(FAT, some shares) is refused with BackupFolderNotProtected. The destination folder itself is left as it is.',
  ].join(' '),
  examples: [
    {
      title: 'Back up this server before the upgrade',
      code: "Backup-PhoneFactor -Destination 'D:\\Backups\\PhoneFactor' -StopService",
      remarks: 'Stops the PhoneFactor service during the copy and starts it again. Outputs the backup folder, file count and size.',
    },
    {
      title: 'Back up what Get-PhoneFactorComponent found, then check the backup',
      code: "Get-PhoneFactorComponent | Backup-PhoneFactor -Destination 'D:\\Backups\\PhoneFactor' | Test-PhoneFactorBackup",
      remarks: 'One backup per server, however many components are piped in.',
    },
    {
      title: 'Nightly backup from a scheduled task keeping a week of backups',
      code: "Backup-PhoneFactor -Destination 'D:\\Backups\\PhoneFactor' -Retain 7 -ErrorAction Stop",
      remarks: 'Keeps the newest 7 verified backups of each server in the folder and removes older ones.',
    },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.Backup',
  view: ['ComputerName', 'CreatedUtc', 'Items', 'TotalBytes', 'IsVerified', 'BackupPath'],
  changesState: { confirmImpact: 'Low' },
  batching: 'batch',
  timeoutSeconds: 3600,
  links: ['Test-PhoneFactorBackup', 'Restore-PhoneFactor', 'Get-PhoneFactorComponent'],
  handler: backUpServers,
});

interface BackupJob {
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
async function backUpServers(items: BackupInput[], ctx: OperationContext): Promise<BackupOutput[]> {
  const throttle = Math.min(...items.map((i) => i.ThrottleLimit ?? DEFAULT_THROTTLE_LIMIT));
  const { jobs, failures } = await planJobs(items, throttle);
  const limit = createLimiter(throttle);
  const prepared = jobs.map((job) => settle(limit(() => prepareBackup(job, ctx))));
  const running: Promise<Settled<BackupOutput | undefined>>[] = [];
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
  const outputs: BackupOutput[] = [];
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
async function planJobs(items: BackupInput[], throttle: number): Promise<{ jobs: BackupJob[]; failures: CoreError[] }> {
  const targets = items.flatMap((item) => targetsOf(targetOf(item)).map((target) => ({ item, target })));
  const opened = await mapSettled(targets, throttle, ({ target }) => target.open());
  const jobs = new Map<string, BackupJob>();
  const failures: CoreError[] = [];
  for (const [i, o] of opened.entries()) {
    const { item, target } = targets[i];
    if (!o.ok) {
      failures.push(serverError(o.error, target.name ?? item.LabPath ?? 'this machine'));
      continue;
    }
    for (const host of o.value) {
      const destination = destinationFor(host, item.Destination);
      const key = `${serverKey(host)}|${destination.toLowerCase()}`;
      const job = jobs.get(key) ?? { host, destination, stopService: false };
      job.stopService ||= item.StopService === true;
      // Objects of one pipeline carry the same -Retain; if they differ, the larger one deletes less.
      if (item.Retain !== undefined) job.retain = Math.max(job.retain ?? 0, item.Retain);
      job.rollbackMediaPath ??= item.RollbackMediaPath;
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

/** The lab path rule (as resolveFileTarget): in a lab a Windows drive path lies inside the lab server. */
function destinationFor(host: Host, destination: string): string {
  return host.labFolder !== null ? resolveTargetPath(host, destination).localPath : path.resolve(destination);
}

/** What one server's backup will copy (read from the server), and the work that makes it. */
async function prepareBackup(job: BackupJob, ctx: OperationContext) {
  const { host, destination } = job;
  ctx.progress('Backup-PhoneFactor', `Inventory of ${host.computerName}`);
  const inventory = await inventoryServer(host);
  for (const w of inventory.Warnings) ctx.log('warning', `${host.computerName}: ${w}`);
  const registryText = (await host.getRegistryKey(PRODUCT_KEY, PRODUCT_KEY_VIEW))
    ? await host.exportRegistryKey(PRODUCT_KEY, PRODUCT_KEY_VIEW)
    : undefined;
  if (registryText === undefined) ctx.log('verbose', `${host.computerName}: the registry key ${PRODUCT_KEY} does not exist; it is not part of the backup.`);
  const items = planBackupItems(inventory, {
    registryExport: registryText === undefined ? undefined : { key: PRODUCT_KEY, text: registryText },
    iisSections: await readIisSections(host, inventory.Components),
    products: await listInstalledProducts(host),
  });
  // The way back: a package per PhoneFactor product, copied now (an uninstall deletes Windows Installer's cached one).
  const rollback = await planRollbackMediaItems(host, inventory, { mediaPath: job.rollbackMediaPath });
  items.push(...rollback.items);
  for (const r of rollback.rows.filter((x) => x.Verdict !== 'Verified')) ctx.log('warning', `${host.computerName}: ${r.Detail}`);

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
  return { action, run, serviceNames, rollbackMedia: rollback.rows };
}

/** Our applications' sections of applicationHost.config; undefined when IIS is not installed. */
async function readIisSections(host: Host, components: ComponentRecord[]): Promise<IisSections | undefined> {
  if (!(await host.stat(APPLICATION_HOST_CONFIG))) return undefined;
  const wanted = components.filter((c) => c.SiteName && c.VirtualDirectory).map((c) => ({ siteName: c.SiteName!, applicationPath: `/${c.VirtualDirectory}` }));
  const text = (await host.readFile(APPLICATION_HOST_CONFIG)).toString('utf8');
  return extractApplicationSections(text, wanted, APPLICATION_HOST_CONFIG);
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

function toOutput(host: Host, made: BackupResult, serviceNames: string[], rollbackMedia: RollbackMediaRow[]): BackupOutput {
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

/** Why retention kept or removed a folder, in the words the log and KeptBackups use. */
const RETENTION_WHY: Record<RetentionEntry['Reason'], string> = {
  BeyondRetention: 'older than the newest ones kept (ordered by when each backup was finished in this folder, not by any clock)',
  StalePartial: 'an interrupted backup (.partial) older than a day',
  WithinRetention: 'among the newest verified backups of its server',
  NotVerified: 'it fails verification; kept for you to look at',
  PartialInProgress: 'a backup still being made (or interrupted less than a day ago)',
  MadeNow: 'made by this command',
  UsedByUnfinishedUpgrade: 'an upgrade that has not completed relies on it',
  UpgradeJournalUnreadable: 'an upgrade journal in this folder cannot be read, so no backup it might name is deleted',
};

/**
 * -Retain runs once per destination, after that destination received at least one new backup. Retention works per
 * server (one server's backups never push out another's), so a shared destination stays fair to every server.
 */
async function retainPerDestination(jobs: BackupJob[], outputs: BackupOutput[], ctx: OperationContext): Promise<void> {
  const byDestination = new Map<string, { destination: string; keep: number }>();
  for (const job of jobs) {
    if (job.retain === undefined) continue;
    const wrote = ctx.dryRun || outputs.some((o) => path.dirname(o.BackupPath).toLowerCase() === job.destination.toLowerCase());
    if (!wrote) continue;
    const entry = byDestination.get(job.destination.toLowerCase());
    byDestination.set(job.destination.toLowerCase(), { destination: job.destination, keep: Math.max(entry?.keep ?? 0, job.retain) });
  }
  for (const { destination, keep } of byDestination.values()) {
    const result: RetentionResult | undefined = await ctx.act(
      {
        id: `retain:${destination.toLowerCase()}`,
        target: destination,
        description: `Remove backups beyond the newest ${keep} verified one(s) of each server (and interrupted .partial folders older than a day)`,
      },
      () => applyRetention(destination, keep, { madeNow: outputs.map((o) => o.BackupPath) }),
    );
    if (!result) continue;
    const ownerOf = (e: RetentionEntry) =>
      outputs.find(
        (o) => o.ComputerName.toLowerCase() === e.ComputerName.toLowerCase() && path.dirname(o.BackupPath).toLowerCase() === destination.toLowerCase(),
      );
    for (const removed of result.Removed) {
      ctx.log('info', `Retention removed ${removed.Path}: ${RETENTION_WHY[removed.Reason]}.`);
      ownerOf(removed)?.RemovedBackups.push(removed.Path);
    }
    for (const kept of result.Kept) {
      const why = `${RETENTION_WHY[kept.Reason]}${kept.Detail ? ` (${kept.Detail})` : ''}`;
      ctx.log(kept.Reason === 'NotVerified' || kept.Reason === 'UpgradeJournalUnreadable' ? 'warning' : 'verbose', `Retention kept ${kept.Path}: ${why}.`);
      const owner = ownerOf(kept);
      if (owner && kept.Path !== owner.BackupPath) owner.KeptBackups.push(`${kept.Path}: ${why}`);
    }
    for (const failed of result.Failed) ctx.log('warning', `Retention could not remove ${failed.Path}: ${failed.Message}`);
  }
}
