/**
 * What an Undo needs to know before it plans, read from the upgrade's records and checked, never trusted: which backup
 * each server's Backup step recorded (it must lie in the run's destination and verify against its manifest), what the
 * backup holds (inventory.json and RollbackMedia\rollback-media.json, read only as the manifest hashed them, and each
 * package still the product and version it is kept for), what the upgrade did on each server (its journal), and what
 * each server holds now. A product the Undo must reinstall without a verified package stops it before it changes
 * anything (UndoPackageMissing).
 */
import { createHash } from 'node:crypto';
import type { Host } from '../../host/host';
import type { PlanStep, UpgradePlan } from '../../domain/plan-types';
import type { ServerInventory } from '../../domain/inventory-types';
import type { JournalDocument } from '../../journal/journal-types';
import { inventoryServer } from '../../survey/inventory';
import { verifyBackup, readManifest } from '../../backup/index';
import { INVENTORY_FILE } from '../../backup/backup-items';
import { ROLLBACK_MEDIA_RECORD, type RollbackMediaRecord } from '../../backup/rollback-media-items';
import { rollbackMediaProblems } from '../../backup/verify-rollback-media';
import { recordedBackup, verifiedBackupFiles } from '../run/backup-gate';
import { consumerBackupRelativePath, consumerStepId } from '../../domain/plan-consumers';
import { CoreError, isCoreError } from '../../util/errors';
import type { UndoConsumer, UndoParameterValue, UndoServerPlanInput } from './undo-plan';

export interface UndoFacts {
  upgradeRunId: string;
  /** Servers the run changed (its backup step completed), in the upgrade plan's order. */
  servers: UndoServerPlanInput[];
  /** Servers the run never changed: nothing to undo there. */
  unchanged: string[];
}

/** The upgrade's records, already checked by loadRunRecords (run/run-records.ts). */
export interface UpgradeRecords {
  plan: UpgradePlan;
  journal: JournalDocument;
}

const NOT_RUN = ['Pending'];

export async function gatherUndoFacts(hosts: Host[], upgrade: UpgradeRecords, backupDestination: string): Promise<UndoFacts> {
  const status = (id: string) => upgrade.journal.Steps.find((s) => s.Id === id)?.Status ?? 'Pending';
  const data = (id: string) => upgrade.journal.Steps.find((s) => s.Id === id)?.Data;
  const facts: UndoFacts = { upgradeRunId: upgrade.journal.RunId, servers: [], unchanged: [] };
  for (const host of hosts) {
    const mine = upgrade.plan.Steps.filter((s) => s.ComputerName.toLowerCase() === host.computerName.toLowerCase());
    const backupStep = mine.find((s) => s.Action === 'Backup');
    // Nothing of a server runs before its backup step completed (the journal's own check, run-records.ts).
    if (!backupStep || status(backupStep.Id) !== 'Completed') {
      facts.unchanged.push(host.computerName);
      continue;
    }
    const backupPath = recordedBackup(backupStep.Id, { stepData: data, backupDestination });
    facts.servers.push(await serverFacts(host, backupPath, mine, status, data, hosts));
  }
  return facts;
}

async function serverFacts(
  host: Host,
  backupPath: string,
  steps: PlanStep[],
  status: (id: string) => string,
  data: (id: string) => Record<string, unknown> | undefined,
  hosts: Host[],
): Promise<UndoServerPlanInput> {
  const { inventory, record } = await checkedBackup(backupPath, host.computerName);
  const now = (await inventoryServer(host)).Components;
  const ran = (s: PlanStep) => !NOT_RUN.includes(status(s.Id));
  const installedByRun = new Set(steps.filter((s) => (s.Action === 'InstallServer' || s.Action === 'InstallComponent') && ran(s)).map((s) => s.Component));
  const uninstall = now
    .filter((c) => !c.IsLegacy && installedByRun.has(c.Component) && c.ProductCode)
    // Web components first, MFA Server last (its setup put the component installers into its folder).
    .sort((a, b) => Number(a.Component === 'MfaServer') - Number(b.Component === 'MfaServer'))
    .map((c) => ({
      component: c.Component,
      productCode: c.ProductCode!,
      displayName: c.DisplayName,
      virtualDirectory: c.VirtualDirectory,
      siteName: c.SiteName,
    }));

  const installedNow = new Set(now.map((c) => (c.ProductCode ?? '').toUpperCase()));
  const toReinstall = (record?.products ?? [])
    .filter((p) => !installedNow.has(p.productCode.toUpperCase()))
    .sort((a, b) => Number(b.component === 'Agent') - Number(a.component === 'Agent'));
  const noPackage = toReinstall.filter((p) => !p.package);
  const legacyGone = inventory.Components.filter((c) => c.IsLegacy && !installedNow.has((c.ProductCode ?? '').toUpperCase()));
  if (noPackage.length || (!record && legacyGone.length)) {
    const names = noPackage.length ? noPackage.map((p) => `${p.displayName} ${p.version}`) : legacyGone.map((c) => `${c.DisplayName} ${c.Version ?? ''}`);
    throw new CoreError(
      'UndoPackageMissing',
      `The backup ${backupPath} holds no verified package to reinstall ${names.join(', ')} on ${host.computerName}, so the Undo changed nothing: without ` +
        `it the PhoneFactor product cannot come back. Reinstall it from its original installer yourself (rollback-media.json in the backup names the ` +
        `folder, virtual directory and properties), then run Undo-MfaServerUpgrade again.`,
      backupPath,
      { products: names },
    );
  }
  return {
    computerName: host.computerName,
    isMfaServer: inventory.Components.some((c) => c.Component === 'Agent') || now.some((c) => c.Component === 'MfaServer'),
    uninstall,
    upgradeFiles: await upgradeFiles(steps, ran, (s) => stagedInstallerSha256(s, data, hosts), backupPath),
    reinstall: toReinstall.map((p) => ({ component: p.component, productCode: p.productCode, displayName: p.displayName, version: p.version })),
    backupPath,
    consumers: rewrittenConsumers(steps, ran),
    service: inventory.Components.some((c) => c.Component === 'Agent') ? 'PhoneFactor' : null,
  };
}

/**
 * The backup as the Undo will use it: it verifies against its manifest, its rollback packages are still what they are
 * kept for (Test-PhoneFactorBackup's check), and its inventory and rollback record are read as the manifest hashed them.
 */
export async function checkedBackup(backupPath: string, computerName: string): Promise<{ inventory: ServerInventory; record: RollbackMediaRecord | null }> {
  const check = await verifyBackup(backupPath);
  const manifest = check.Manifest ?? (await readManifest(backupPath).then((r) => (r.ok ? r.manifest : undefined)));
  const media = check.IsValid && manifest ? await rollbackMediaProblems(backupPath, manifest) : [];
  if (!check.IsValid || media.length) {
    const bad = check.Items.filter((i) => i.Status !== 'Ok').map((i) => `${i.RelativePath} (${i.Status})`);
    throw new CoreError(
      'UndoBackupInvalid',
      `The backup ${backupPath} the upgrade recorded for ${computerName} does not verify, so the Undo changed nothing: ` +
        `${[check.Reason, ...bad, ...media].filter(Boolean).join('; ')}. Put the backup back as it was made (Test-PhoneFactorBackup must pass), then run ` +
        `Undo-MfaServerUpgrade again.`,
      backupPath,
    );
  }
  const [inventoryFile] = await verifiedBackupFiles(backupPath, INVENTORY_FILE, computerName);
  const inventory = JSON.parse(inventoryFile.bytes.toString('utf8')) as ServerInventory;
  const record = await verifiedBackupFiles(backupPath, ROLLBACK_MEDIA_RECORD, computerName).then(
    ([r]) => JSON.parse(r.bytes.toString('utf8')) as RollbackMediaRecord,
    (e: unknown) => {
      if (isCoreError(e) && e.details.notListed === true) return null; // a backup made before rollback media: nothing to reinstall from
      throw e;
    },
  );
  return { inventory, record };
}

/** What the run wrote into each new web application (themes, files the old web.config named) and which installers it staged. */
async function upgradeFiles(
  steps: PlanStep[],
  ran: (s: PlanStep) => boolean,
  stagedSha256: (s: PlanStep) => Promise<string | null>,
  backupPath: string,
): Promise<UndoServerPlanInput['upgradeFiles']> {
  const byComponent = new Map<string, Record<string, UndoParameterValue>>();
  const entry = (s: PlanStep) => {
    const key = String(s.Component);
    if (!byComponent.has(key)) byComponent.set(key, { backupPath });
    return byComponent.get(key)!;
  };
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  for (const s of steps.filter(ran)) {
    if (s.Action === 'RestoreThemes') {
      Object.assign(entry(s), {
        virtualDirectory: text(s.Parameters.virtualDirectory),
        siteName: text(s.Parameters.siteName),
        themeNames: text(s.Parameters.themeNames),
        themesRelativePath: text(s.Parameters.backupRelativePath),
      });
    }
    if (s.Action === 'MergeWebConfig') {
      Object.assign(entry(s), {
        virtualDirectory: text(s.Parameters.virtualDirectory),
        siteName: text(s.Parameters.siteName),
        webConfigRelativePath: text(s.Parameters.referenceRelativePath),
      });
    }
    if (s.Action === 'CopyInstaller') {
      Object.assign(entry(s), { stagedInstaller: text(s.Parameters.destinationPath), stagedSha256: await stagedSha256(s) });
    }
  }
  return [...byComponent.entries()].map(([component, parameters]) => {
    const what = [
      parameters.themeNames ? `the theme(s) ${String(parameters.themeNames).replace(/\|/g, ', ')}` : '',
      parameters.webConfigRelativePath ? 'the files the old web.config named' : '',
      parameters.stagedInstaller ? `the staged installer ${String(parameters.stagedInstaller)}` : '',
    ].filter(Boolean);
    return { component, parameters, description: `Remove what the upgrade put in place for the new ${component}: ${what.join(', ') || 'nothing recorded'}` };
  });
}

/**
 * The SHA-256 of the installer a CopyInstaller step staged, which the Undo removes only while the file holds it: as the
 * step recorded it when it completed; for a step stopped before it completed (killed after it wrote the copy but before
 * the journal recorded it), the hash of the file it copies, read now from the MFA server (the copy is of those bytes,
 * written atomically, and the Undo uninstalls MFA Server only after it plans). Null when neither can be read: then a
 * staged file is left and named.
 */
async function stagedInstallerSha256(step: PlanStep, data: (id: string) => Record<string, unknown> | undefined, hosts: Host[]): Promise<string | null> {
  const recorded = data(step.Id)?.Sha256;
  if (typeof recorded === 'string') return recorded;
  const sourceName = step.Parameters.sourceComputerName;
  const sourcePath = step.Parameters.sourcePath;
  const source = hosts.find((h) => typeof sourceName === 'string' && h.computerName.toLowerCase() === sourceName.toLowerCase());
  const found = source && typeof sourcePath === 'string' ? await source.stat(sourcePath) : undefined;
  if (!source || typeof sourcePath !== 'string' || !found || found.isDirectory) return null;
  return createHash('sha256').update(await source.readFile(sourcePath)).digest('hex');
}

/**
 * The files of other SDK callers the upgrade's steps on this server may have rewritten, one per file with its changes
 * in the plan's order: a RewriteSdkConsumer step that ran (a file unsafe to edit was changed by the admin, never by the
 * tool: the Undo only checks it is back on the old URL, and stops for the admin until it is). The plan is a claim, so
 * a step is taken only as the planner makes it: its Id is the one of
 * its file and setting, its backup copy is where the Backup step keeps that file, every parameter is there; anything
 * else refuses the Undo before it changes anything (UndoRecordsMismatch).
 */
function rewrittenConsumers(steps: PlanStep[], ran: (s: PlanStep) => boolean): UndoConsumer[] {
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  const byFile = new Map<string, UndoConsumer>();
  for (const s of steps.filter((x) => x.Action === 'RewriteSdkConsumer' && ran(x))) {
    const [file, setting, oldUrl, newUrl, kind] = ['file', 'setting', 'oldUrl', 'newUrl', 'kind'].map((k) => text(s.Parameters[k]));
    const wrong = (why: string) =>
      new CoreError('UndoRecordsMismatch', `The upgrade's plan step ${s.Id} cannot be taken back: ${why}. Nothing was done.`, s.Id);
    if (!file || !setting || !oldUrl || !newUrl || !kind) throw wrong('it lacks its file, setting, URLs or kind');
    if (consumerStepId({ computerName: s.ComputerName, file, setting }).toLowerCase() !== s.Id.toLowerCase()) {
      throw wrong(`its Id is not the one of ${setting} in ${file}`);
    }
    const backupRelativePath = consumerBackupRelativePath(file);
    if (text(s.Parameters.backupRelativePath) !== backupRelativePath) throw wrong(`its backup copy is not where the backup keeps ${file}`);
    const known = byFile.get(file.toLowerCase());
    const restartService = text(s.Parameters.restartService);
    if (known) {
      known.changes.push({ setting, oldUrl, newUrl });
      known.restartService ??= restartService;
      continue;
    }
    // The backup keeps each file in a folder named by a hash of its path: the Undo's step is named by it too.
    const key = backupRelativePath.split('\\')[1];
    // A file unsafe to edit was the admin's to change (a Manual step): it is the admin's to change back.
    const byHand = !!text(s.Parameters.unsafe);
    const changes = [{ setting, oldUrl, newUrl }];
    byFile.set(file.toLowerCase(), { key, file, kind, backupRelativePath, restartService, byHand, changes });
  }
  return [...byFile.values()];
}
