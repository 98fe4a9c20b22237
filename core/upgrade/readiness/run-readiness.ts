/**
 * Every readiness check for the servers of one upgrade (the same list Invoke-MfaServerUpgrade would plan for).
 * Servers that could not be reached come as failures of their own (Reachable). Read-only, except the backup
 * destination's probe folder (made and removed again).
 */
import type { Host } from '../../host/host';
import { readInstalledProducts } from '../../host/installed-products';
import { inventoryServer } from '../../survey/inventory';
import { isCoreError } from '../../util/errors';
import { checkElevated, checkInstallationInProgress, checkPendingRestart, checkServiceStoppable } from './machine-checks';
import { checkInstallerMedia } from './media-check';
import { backupEstimate, checkBackupDestination, checkInstallSpace, writesPerDrive } from './space-check';
import { checkSdkAccount, checkSdkUrl, checkVcRuntime, sdkAccounts, sdkEndpoints } from './web-checks';
import { checkActivation, checkRollbackMedia } from './rollback-checks';
import { checkWebTier } from './webtier-check';
import type { ProbeOptions } from '../../webtier/index';
import { READINESS_CHECKS, row, type ReadinessCheckName, type ReadinessRow } from '../../domain/readiness-types';
import { LEARN, basis } from '../../domain/learn-sources';

export interface ReadinessRequest {
  hosts: Host[];
  /** Servers named but not reached: their name and why. */
  unreachable?: { name: string; error: unknown }[];
  installerPath?: string;
  /** Local folder (on the machine running the core) for the backups. */
  backupDestination?: string;
  /** -RollbackMediaPath: a folder on each server holding the previous installers. */
  rollbackMediaPath?: string;
  /** -WebTier: probe the endpoints as they answer now (the old ones); undefined: no network probe. */
  webTier?: ProbeOptions;
  warn?: (message: string) => void;
}

const REACH_BASIS = basis(
  'Subordinate servers are upgraded first and connect to the primary; only the servers named in this run can be checked (Inference: the group\'s ' +
    'members are not listed anywhere documented [?])',
  LEARN.upgradeLatest,
);

export async function runReadiness(req: ReadinessRequest): Promise<ReadinessRow[]> {
  const rows: ReadinessRow[] = [];
  for (const u of req.unreachable ?? []) {
    const why = isCoreError(u.error) ? u.error.message : String((u.error as Error)?.message ?? u.error);
    rows.push(row(
      u.name,
      'Reachable',
      'Failed',
      `Not reachable: ${why}`,
      `Make ${u.name} reachable by PowerShell remoting (Test-WSMan ${u.name}), or leave it out of the run on purpose.`,
      REACH_BASIS,
    ));
  }
  const inventories = await Promise.all(req.hosts.map((h) => inventoryServer(h)));
  const mediaIndex = Math.max(0, inventories.findIndex((s) => s.Components.some((c) => c.Component === 'Agent' || c.Component === 'MfaServer')));
  const mediaHost = req.hosts[mediaIndex];
  const media = mediaHost && req.installerPath ? { host: mediaHost, folder: req.installerPath.replace(/[\\/]+$/, '') } : undefined;
  const endpoints = await sdkEndpoints(req.hosts, inventories);
  const groupHosts = req.hosts.filter((_, i) =>
    inventories[i].Components.some((c) => c.Component === 'Agent' || c.Component === 'MfaServer' || c.Component === 'WebServiceSdk'),
  );
  const backups: { host: Host; bytes: number }[] = [];
  const rollbackRows: ReadinessRow[] = [];

  for (const [i, host] of req.hosts.entries()) {
    const inv = inventories[i];
    const own: ReadinessRow[] = [];
    if (host.kind === 'remote') own.push(row(host.computerName, 'Reachable', 'Passed', `Reached by PowerShell remoting.`, null, REACH_BASIS));
    own.push(await checkElevated(host));
    if (i === mediaIndex) own.push(await checkInstallerMedia(host, req.installerPath, inventories));
    own.push(...(await checkInstallSpace(host, await writesPerDrive(host, inv, media, i === mediaIndex, inventories))));
    backups.push({ host, bytes: await backupEstimate(host, inv) });
    own.push(await checkPendingRestart(host));
    own.push(await checkInstallationInProgress(host));
    const service = await checkServiceStoppable(host, inv);
    if (service) own.push(service);
    const vc = checkVcRuntime(host, inv, (await readInstalledProducts(host)).products);
    if (vc) own.push(vc);
    for (const c of inv.Components.filter((x) => x.IsLegacy && x.SdkUrl)) own.push(checkSdkUrl(host, c, endpoints));
    for (const a of await sdkAccounts(host, inv)) own.push(await checkSdkAccount(host, a.account, a.file, groupHosts.length ? groupHosts : [host]));
    const rollback = await checkRollbackMedia(host, inv, req.rollbackMediaPath);
    if (rollback) {
      own.push(rollback.row);
      rollbackRows.push(rollback.row);
    }
    rows.push(...own);
  }
  // Activation says whether the way back was proven on every server of the run, so it comes after all of them.
  for (const [i, host] of req.hosts.entries()) {
    const activation = checkActivation(host, inventories[i], rollbackRows);
    if (activation) rows.push(activation);
  }
  rows.push(...(await checkBackupDestination(req.backupDestination, backups)));
  if (req.webTier) rows.push(...(await checkWebTier(req.hosts, req.webTier, req.warn ?? (() => undefined))));
  return sortRows(rows, req.hosts.map((h) => h.computerName));
}

/** Server by server (in the order given), checks in the order of READINESS_CHECKS. */
function sortRows(rows: ReadinessRow[], order: string[]): ReadinessRow[] {
  const serverIndex = (n: string) => {
    const i = order.findIndex((o) => o.toLowerCase() === n.toLowerCase());
    return i < 0 ? -1 : i;
  };
  return rows
    .map((r, i) => ({ r, i }))
    .sort(
      (a, b) =>
        serverIndex(a.r.ComputerName) - serverIndex(b.r.ComputerName) ||
        READINESS_CHECKS.indexOf(a.r.Check) - READINESS_CHECKS.indexOf(b.r.Check) ||
        a.i - b.i,
    )
    .map((x) => x.r);
}

/** Failed checks not accepted by -SkipReadiness. */
export function blockingRows(rows: ReadinessRow[]): ReadinessRow[] {
  return rows.filter((r) => r.Result === 'Failed' && !r.Accepted);
}

/** Marks the Failed rows of the named checks as accepted risks. */
export function acceptRisks(rows: ReadinessRow[], skip: ReadinessCheckName[]): ReadinessRow[] {
  const names = new Set(skip.map((s) => s.toLowerCase()));
  return rows.map((r) => (r.Result === 'Failed' && names.has(r.Check.toLowerCase()) ? { ...r, Accepted: true } : r));
}
