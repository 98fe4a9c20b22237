/**
 * Everything the plan builder needs, read from the servers: their inventories, the MFA Server version on the media,
 * and for each web component the MSI property (if any) that sets its virtual directory.
 */
import type { Host } from '../host/host';
import { inventoryServer } from '../survey/inventory';
import type { PlanInput, VirtualDirectoryNaming } from '../domain/plan-types';
import type { ServerInventory } from '../domain/inventory-types';
import { WEB_COMPONENTS, type WebComponentName } from '../domain/catalog';
import { inspectServerSetup, vdirPropertyOf } from './installers';
import { CoreError } from '../util/errors';
import { gatherConsumers } from './plan-consumers';

export interface PlanRequest {
  hosts: Host[];
  installerPath: string;
  naming: VirtualDirectoryNaming;
  backupDestination: string;
  /** The inventories to plan from (a re-plan uses those the run started from); read from the servers when absent. */
  servers?: ServerInventory[];
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
    mediaHost,
  };
}
