/**
 * Everything the plan builder needs, read from the servers: their inventories, the MFA Server version on the media,
 * and for each web component the MSI property (if any) that sets its virtual directory.
 */
import type { Host } from '../host/host';
import { inventoryServer } from '../survey/inventory';
import type { ForeignSdkConsumer, PlanInput, UpgradeGoal, VirtualDirectoryNaming } from '../domain/plan-types';
import type { ServerInventory } from '../domain/inventory-types';
import { WEB_COMPONENTS, type WebComponentName } from '../domain/catalog';
import { inspectServerSetup, vdirPropertyOf } from './installers';
import { CoreError } from '../util/errors';
import { gatherConsumers } from './plan-consumers';
import { findSdkConsumers } from '../webtier/index';
import { joinWindowsPath, sameWindowsPath } from '../util/windows-path';

export interface PlanRequest {
  hosts: Host[];
  installerPath: string;
  naming: VirtualDirectoryNaming;
  backupDestination: string;
  /** The inventories to plan from (a re-plan uses those the run started from); read from the servers when absent. */
  servers?: ServerInventory[];
  /** Absent: Upgrade. */
  goal?: UpgradeGoal;
  /** -KeepWebComponent (Migrate only). */
  keepWebComponents?: WebComponentName[];
  /** Where the SDK-consumer inventory's warnings go (a file that cannot be read is someone else's). */
  warn?: (message: string) => void;
}

export async function gatherPlanInput(req: PlanRequest): Promise<PlanInput & { mediaHost: Host }> {
  const servers = req.servers ?? (await Promise.all(req.hosts.map((h) => inventoryServer(h))));
  // The media sits on the server that will run MFA Server: the one with the Agent (or, failing that, the first).
  const index = Math.max(0, servers.findIndex((s) => s.Components.some((c) => c.Component === 'Agent' || c.Component === 'MfaServer')));
  const mediaHost = req.hosts[index];
  if (!(await mediaHost.stat(req.installerPath))?.isDirectory) {
    throw new CoreError(
      'InstallerPathNotFound',
      `The MFA Server media folder ${req.installerPath} does not exist on ${mediaHost.computerName}.`,
      'InstallerPath',
    );
  }
  const setup = await inspectServerSetup(mediaHost, req.installerPath);
  const vdirProperty: Partial<Record<WebComponentName, string | null>> = {};
  for (const component of Object.keys(WEB_COMPONENTS) as WebComponentName[]) {
    for (const bits of [64, 32] as const) {
      const msi = `${req.installerPath.replace(/[\\/]+$/, '')}\\${WEB_COMPONENTS[component].msiFileName(bits)}`;
      if (!(await mediaHost.stat(msi))) continue;
      vdirProperty[component] = await vdirPropertyOf(mediaHost, msi, component);
      break;
    }
  }
  const goal = req.goal ?? 'Upgrade';
  if (goal === 'Upgrade' && (req.keepWebComponents ?? []).length > 0) {
    throw new CoreError('InvalidParameter', '-KeepWebComponent belongs to -Goal Migrate: an upgrade brings every web component back.', 'KeepWebComponent');
  }
  const consumers = await gatherConsumers(req.hosts, servers, req.naming);
  return {
    servers,
    consumers: consumers.consumers,
    consumerNotes: consumers.notes,
    installerPath: req.installerPath,
    naming: req.naming,
    backupDestination: req.backupDestination,
    newVersion: setup.version,
    vdirProperty,
    goal,
    keepWebComponents: req.keepWebComponents ?? [],
    sdkConsumers: goal === 'Migrate' ? await foreignSdkConsumers(req.hosts, servers, req.naming, req.warn) : [],
    mediaHost,
  };
}

/**
 * The SDK's callers other than our own web components (their web.configs call it and go with them): an IIS
 * application of someone else, an AD FS adapter, MIM, read by the SDK-consumer inventory (Get-MfaSdkConsumer).
 */
async function foreignSdkConsumers(
  hosts: Host[],
  servers: ServerInventory[],
  naming: VirtualDirectoryNaming,
  warn: (message: string) => void = () => undefined,
): Promise<ForeignSdkConsumer[]> {
  const own = servers.flatMap((s) =>
    s.Components.flatMap((c) => {
      const file = c.WebConfigPath ?? (c.PhysicalPath ? joinWindowsPath(c.PhysicalPath, 'web.config') : null);
      return file ? [{ computerName: s.ComputerName.toLowerCase(), file }] : [];
    }),
  );
  const consumers = await findSdkConsumers(hosts, { naming }, warn);
  const foreign = consumers.filter((c) => !own.some((o) => o.computerName === c.computerName.toLowerCase() && sameWindowsPath(o.file, c.file)));
  // One entry per file: a file naming the SDK twice is one caller.
  const seen = new Set<string>();
  return foreign
    .filter((c) => {
      const key = `${c.computerName.toLowerCase()}|${c.file.toLowerCase()}`;
      return seen.has(key) ? false : (seen.add(key), true);
    })
    .map((c) => ({ computerName: c.computerName, kind: c.kind, file: c.file }));
}
