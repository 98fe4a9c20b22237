/**
 * Why this file: the backup holds, for each PhoneFactor-era product, a package that can reinstall exactly it (chosen
 * and verified by survey/rollback-media.ts) with its external cabinets beside it, and a record of how to reinstall it
 * the same way (RollbackMedia\rollback-media.json: install folder, site and virtual directory, public properties with
 * what each rests on, what Windows Installer recorded, every candidate's verdict). Every file is hashed in the manifest
 * like the rest, so Test-PhoneFactorBackup sees a changed package. Windows Installer deletes its cached package when
 * the product is uninstalled: this copy is made by the backup, before any uninstall.
 */
import type { Host } from '../host/host';
import type { ServerInventory } from '../domain/inventory-types';
import { findRollbackMedia, type ProductRollbackMedia, type RollbackSource } from '../survey/rollback-media';
import type { BackupItem } from './backup-item';

export const ROLLBACK_MEDIA_FOLDER = 'RollbackMedia';
export const ROLLBACK_MEDIA_RECORD = `${ROLLBACK_MEDIA_FOLDER}\\rollback-media.json`;
export const ROLLBACK_MEDIA_FORMAT_VERSION = 1;

/** One row per product in the backup's output (RollbackMedia): where its package came from and whether it counts. */
export interface RollbackMediaRow {
  ComputerName: string;
  Component: string;
  DisplayName: string;
  ProductCode: string;
  Version: string;
  /** GivenMedia (-RollbackMediaPath), CachedPackage (Windows Installer's cache), OriginalSource (its SourceList); null when none verified. */
  Source: RollbackSource | null;
  /** The package's path on the server; null when none verified. */
  PackagePath: string | null;
  Verdict: 'Verified' | 'NoVerifiedPackage';
  Detail: string;
}

/** The record kept in the backup (rollback-media.json). */
export interface RollbackMediaRecord {
  formatVersion: typeof ROLLBACK_MEDIA_FORMAT_VERSION;
  computerName: string;
  products: (Omit<ProductRollbackMedia, 'chosen' | 'candidates'> & {
    source: RollbackSource | null;
    originalPath: string | null;
    /** Paths inside the backup: the package, then its external cabinets (same folder). */
    package: string | null;
    cabinets: string[];
    candidates: { source: RollbackSource; packagePath: string; verdict: string; detail: string }[];
  })[];
}

const fileName = (windowsPath: string) => windowsPath.slice(windowsPath.lastIndexOf('\\') + 1);

export function rollbackMediaRow(p: ProductRollbackMedia): RollbackMediaRow {
  const why = p.candidates.filter((c) => c.verdict !== 'Verified').map((c) => `${c.source}: ${c.detail}`);
  return {
    ComputerName: p.computerName,
    Component: p.component,
    DisplayName: p.displayName,
    ProductCode: p.productCode,
    Version: p.version,
    Source: p.chosen?.source ?? null,
    PackagePath: p.chosen?.packagePath ?? null,
    Verdict: p.verdict,
    Detail: p.chosen ? p.chosen.detail : `No package can reinstall ${p.displayName} ${p.version}. ${why.join(' ')}`,
  };
}

/** The backup items of the way back, and the rows the backup reports; read-only on the server. */
export async function planRollbackMediaItems(
  host: Host,
  inventory: ServerInventory,
  options: { mediaPath?: string } = {},
): Promise<{ items: BackupItem[]; rows: RollbackMediaRow[]; products: ProductRollbackMedia[] }> {
  const products = await findRollbackMedia(host, inventory.Components, { mediaPath: options.mediaPath });
  const items: BackupItem[] = [];
  const used = new Map<string, number>();
  const record: RollbackMediaRecord = { formatVersion: ROLLBACK_MEDIA_FORMAT_VERSION, computerName: host.computerName, products: [] };
  for (const p of products) {
    const n = (used.get(p.component) ?? 0) + 1;
    used.set(p.component, n);
    const folder = `${ROLLBACK_MEDIA_FOLDER}\\${n === 1 ? p.component : `${p.component}-${n}`}`;
    const chosen = p.chosen;
    const pkg = chosen ? `${folder}\\${fileName(chosen.packagePath)}` : null;
    const cabinets = (chosen?.cabinetPaths ?? []).map((c) => `${folder}\\${fileName(c)}`);
    if (chosen && pkg) {
      items.push({ component: p.component, kind: 'RollbackMedia', sourcePath: chosen.packagePath, relativePath: pkg });
      chosen.cabinetPaths.forEach((c, i) => items.push({ component: p.component, kind: 'RollbackMedia', sourcePath: c, relativePath: cabinets[i] }));
    }
    const { chosen: _chosen, candidates, ...facts } = p;
    record.products.push({
      ...facts,
      source: chosen?.source ?? null,
      originalPath: chosen?.packagePath ?? null,
      package: pkg,
      cabinets,
      candidates: candidates.map((c) => ({ source: c.source, packagePath: c.packagePath, verdict: c.verdict, detail: c.detail })),
    });
  }
  if (products.length > 0) {
    // A record, like inventory.json: kind Inventory (content the tool wrote, never restored); the packages are RollbackMedia.
    items.push({
      component: 'Inventory',
      kind: 'Inventory',
      sourcePath: `Rollback media of ${host.computerName}`,
      relativePath: ROLLBACK_MEDIA_RECORD,
      content: Buffer.from(JSON.stringify(record, null, 2) + '\n', 'utf8'),
    });
  }
  return { items, rows: products.map(rollbackMediaRow), products };
}
