/**
 * The SDK's other callers the plan must carry (Get-MfaSdkConsumer's BrokenByRename), read from the servers: every
 * setting whose URL the SDK's new virtual directory breaks, except the web.configs of the PhoneFactor components the
 * upgrade replaces (their merge step carries the URL), each tried with the rewrite the step will make, so the plan says
 * now which ones the admin must change by hand and why.
 */
import type { Host } from '../host/host';
import type { ServerInventory } from '../domain/inventory-types';
import type { PlanConsumer, VirtualDirectoryNaming } from '../domain/plan-types';
import { findSdkConsumers, type SdkConsumer } from '../webtier/index';
import { rewriteSdkUrl } from '../webconfig/index';
import { isCoreError } from '../util/errors';
import { showSetting } from '../util/secrets';
import { joinWindowsPath, sameWindowsPath } from '../util/windows-path';

export interface GatheredConsumers {
  consumers: PlanConsumer[];
  /** Files that could not be read or judged (for the plan's notes). */
  notes: string[];
}

/** The web.configs of the web components on a server (old and new): the merge steps own those. */
function componentWebConfigs(inventory: ServerInventory): string[] {
  return inventory.Components.flatMap((c) => {
    const p = c.WebConfigPath ?? (c.PhysicalPath ? joinWindowsPath(c.PhysicalPath, 'web.config') : null);
    return p ? [p] : [];
  });
}

export async function gatherConsumers(hosts: Host[], servers: ServerInventory[], naming: VirtualDirectoryNaming): Promise<GatheredConsumers> {
  const notes: string[] = [];
  // Legacy keeps every virtual directory: no URL breaks by a rename.
  if (naming === 'Legacy') return { consumers: [], notes };
  const found = await findSdkConsumers(hosts, { naming, inventories: servers }, (m) => notes.push(m));
  const consumers: PlanConsumer[] = [];
  for (const c of found) {
    if (!c.effects.includes('BrokenByRename') || c.newUrl === null) continue;
    const i = hosts.findIndex((h) => h.address.computerName.toLowerCase() === c.computerName.toLowerCase());
    if (i < 0 || componentWebConfigs(servers[i]).some((p) => sameWindowsPath(p, c.file))) continue;
    consumers.push(await judged(hosts[i], c));
  }
  return { consumers, notes };
}

/** The consumer with what the step's rewrite would do to its file now: null, or why it is not safe. */
async function judged(host: Host, c: SdkConsumer): Promise<PlanConsumer> {
  const base = { computerName: host.computerName, kind: c.kind, file: c.file, setting: c.setting };
  const oldShown = showSetting(c.setting, c.url);
  const newShown = showSetting(c.setting, c.newUrl!);
  // A URL that carries a secret (user:password@, a key in its query) is never written into the plan or a log.
  if (oldShown !== c.url || newShown !== c.newUrl) {
    return { ...base, oldUrl: oldShown, newUrl: newShown, unsafe: 'the URL carries credentials, which this tool does not write into its plan or logs' };
  }
  let unsafe: string | null;
  try {
    const r = rewriteSdkUrl({ path: c.file, bytes: await host.readFile(c.file) }, { setting: c.setting, oldUrl: c.url, newUrl: c.newUrl });
    unsafe = r.kind === 'Unsafe' ? r.reason : null;
  } catch (e) {
    unsafe = `it could not be read (${isCoreError(e) ? e.message : String(e)})`;
  }
  return { ...base, oldUrl: c.url, newUrl: c.newUrl, unsafe };
}
