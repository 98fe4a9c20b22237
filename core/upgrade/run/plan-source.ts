/**
 * What a plan was computed from (domain/plan.ts buildUpgradePlan's whole input, PlanInput), as the reviewed plan file
 * keeps it: the options, the media's facts and, per server, its identity, its inventory and the SDK callers found on
 * it, with a fingerprint (SHA-256 of the server's part, canonical JSON). A run with -PlanPath gathers the same input
 * from the live servers and compares the two (reviewed-plan-check.ts).
 */
import type { PlanInput } from '../../domain/plan-types';
import type { ServerInventory } from '../../domain/inventory-types';
import { canonicalSha256 } from '../../util/canonical-json';
import type { ServerIdentity } from './server-identity';
import type { PlanSource, ServerPlanSource } from './reviewed-plan-schema';

export function planSourceOf(input: PlanInput, identities: ServerIdentity[]): PlanSource {
  return {
    Options: {
      InstallerPath: input.installerPath,
      VirtualDirectoryNaming: input.naming,
      Goal: input.goal ?? 'Upgrade',
      KeepWebComponent: input.keepWebComponents ?? [],
      BackupDestination: input.backupDestination,
    },
    Media: { Version: input.newVersion, VirtualDirectoryProperty: { ...input.vdirProperty } },
    Servers: input.servers.map((inventory, i) => serverSource(input, inventory, identities[i])),
    Notes: input.consumerNotes ?? [],
  };
}

function serverSource(input: PlanInput, inventory: ServerInventory, identity: ServerIdentity): ServerPlanSource {
  const here = (c: { computerName: string }) => c.computerName.toLowerCase() === inventory.ComputerName.toLowerCase();
  const found = {
    Inventory: inventory,
    SdkConsumerSettings: (input.consumers ?? []).filter(here).map((c) => ({ ...c })),
    OtherSdkCallers: (input.sdkConsumers ?? []).filter(here).map((c) => ({ ...c })),
  };
  return { ComputerName: identity.ComputerName, MachineId: identity.MachineId, Fingerprint: serverFingerprint(found), ...found };
}

/** The fingerprint of what was found on one server: its inventory and the SDK callers found on it. */
export function serverFingerprint(found: Pick<ServerPlanSource, 'Inventory' | 'SdkConsumerSettings' | 'OtherSdkCallers'>): string {
  return canonicalSha256({ Inventory: found.Inventory, SdkConsumerSettings: found.SdkConsumerSettings, OtherSdkCallers: found.OtherSdkCallers });
}
