/**
 * Get-PhoneFactorComponent's story: the inventory of many servers at once. Each component is named by the server it
 * came from (ComputerName, LabPath) so it pipes back to the same server.
 */
import type { ComponentRecord } from '../domain/inventory-types';
import { pipeIdentity, targetsOf, type NamedTarget, type TargetSelection } from '../host/open-targets';
import type { CoreError } from '../util/errors';
import type { OperationContext } from '../util/operation-context';
import { resultsOrPartialFailure, serverError } from '../util/partial-failure';
import { DEFAULT_THROTTLE_LIMIT, mapSettled } from '../util/pool';
import { inventoryServer } from './inventory';

export interface InventoryRequest {
  targets: TargetSelection[];
  /** Servers inventoried at the same time (default DEFAULT_THROTTLE_LIMIT). */
  throttle?: number;
}

/** A component as found, with the identity that addresses its server again. */
export type InventoriedComponent = ComponentRecord & { ComputerName: string; LabPath: string | null };

/**
 * Every server of every piped object in parallel (at most -ThrottleLimit at once); the components come back in the
 * order the servers were given, and a server that fails reports its own error without holding back the others.
 */
export async function inventoryServers(req: InventoryRequest, ctx: OperationContext): Promise<InventoriedComponent[]> {
  const targets: NamedTarget[] = req.targets.flatMap((selection) => targetsOf(selection));
  const outcomes = await mapSettled(targets, req.throttle ?? DEFAULT_THROTTLE_LIMIT, async (target) => {
    const out: InventoriedComponent[] = [];
    for (const host of await target.open()) {
      ctx.progress('Inventory', host.computerName);
      const inventory = await inventoryServer(host);
      for (const w of inventory.Warnings) ctx.log('warning', `${host.computerName}: ${w}`);
      // Named so that each object pipes back to the same server (Backup-PhoneFactor, Restore-PhoneFactor).
      const identity = pipeIdentity(host);
      out.push(...inventory.Components.map((c) => ({ ...c, ...identity })));
    }
    return out;
  });
  const results: InventoriedComponent[] = [];
  const errors: CoreError[] = [];
  for (const [i, o] of outcomes.entries()) {
    if (o.ok) results.push(...o.value);
    else errors.push(serverError(o.error, targets[i].name ?? req.targets[0]?.labPath ?? 'this machine'));
  }
  return resultsOrPartialFailure(results, errors);
}
