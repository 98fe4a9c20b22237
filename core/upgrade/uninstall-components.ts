/**
 * Uninstall-PhoneFactor's story: remove the PhoneFactor-era products of a server in the documented order (User portal,
 * Mobile App Web Service, Web Service SDK, Agent), only after the backup is shown to hold what they would take along.
 */
import { assertBackupCovers } from '../backup/backup-coverage';
import { UNINSTALL_ORDER } from '../domain/plan-servers';
import type { Host } from '../host/host';
import { inventoryServer } from '../survey/inventory';
import { CoreError } from '../util/errors';
import type { OperationContext } from '../util/operation-context';
import { uninstallProduct } from './installers';

export interface UninstallRequest {
  host: Host;
  /** The backup that must cover the components (a local folder); required unless force. */
  backupPath?: string;
  /** The admin backed up by other means: no backup is checked. */
  force: boolean;
}

export interface UninstalledComponent {
  ComputerName: string;
  Component: string;
  DisplayName: string;
  ProductCode: string;
  ExitCode: number;
  Outcome: string;
  RebootRequired: boolean;
  LogPath: string;
}

export async function uninstallComponents(req: UninstallRequest, ctx: OperationContext): Promise<UninstalledComponent[]> {
  const { host } = req;
  const legacy = (await inventoryServer(host)).Components.filter((c) => c.IsLegacy && c.ProductCode);
  const ordered = UNINSTALL_ORDER.flatMap((name) => legacy.filter((c) => c.Component === name));
  if (!req.force) {
    if (req.backupPath === undefined) throw new CoreError(
      'BackupRequired',
      `No verified backup was given: run Backup-PhoneFactor first and pass its BackupPath (or pipe it in), or use -Force if you backed up by other means.`,
      'BackupPath',
    );
    // The same test the upgrade engine makes before its first uninstall: verified, of this server, and holding what
    // exactly these components would lose.
    await assertBackupCovers(req.backupPath, host, ordered);
  }
  const out: UninstalledComponent[] = [];
  for (const c of ordered) {
    const r = await ctx.act({
      id: `uninstall:${host.computerName}:${c.ProductCode}`,
      target: `${host.computerName}: ${c.DisplayName} ${c.Version ?? ''}`.trim(),
      description: `Uninstall ${c.Component} (${c.ProductCode})`,
    }, () =>
      uninstallProduct(host, c.ProductCode!, c.DisplayName),
    );
    if (!r) continue;
    ctx.log('info', `${host.computerName}: ${c.DisplayName}: ${r.Message}`);
    out.push({
      ComputerName: host.computerName,
      Component: c.Component,
      DisplayName: c.DisplayName,
      ProductCode: c.ProductCode!,
      ExitCode: r.ExitCode,
      Outcome: r.Outcome,
      RebootRequired: r.RebootRequired,
      LogPath: r.LogPath,
    });
  }
  return out;
}
