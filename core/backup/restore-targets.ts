/**
 * Restore only where a backup came from. A manifest's originalPath is a claim; a restore writes there as SYSTEM, so a
 * manifest edited to name C:\Windows\System32\..., applicationHost.config or another drive would make Restore-PhoneFactor
 * an arbitrary-file writer. Every file a restore would write must lie where the backup's own inventory (inventory.json,
 * hashed in the same manifest) puts its component:
 * - DataFolder: inside the data folder (or install folder) of a record of that component;
 * - WebConfig: the web.config of a record of that component (WebConfigPath, or web.config in its physical folder);
 * - Theme: inside one of that record's theme folders (or App_Themes of its physical folder);
 * - ConfigFile (a file the web.config names): inside the folder of that record's web.config.
 * Whatever the inventory says, a target is never under <drive>:\Windows, never an applicationHost.config, never a
 * relative, UNC, device (\\?\) or stream (a second ':') path, never holds '.' or '..' segments, and no two entries
 * share a target. A restore-undo folder is judged against the inventory of the backup it lives in.
 */
import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { readManifest, type BackupManifest, type ManifestFileEntry } from './manifest';
import { isInsideWindowsPath, joinWindowsPath, localPathInside, sameWindowsPath, windowsParent, windowsPathKey } from '../util/windows-path';
import { INVENTORY_FILE } from './backup-items';
import type { ComponentRecord, ServerInventory } from '../domain/inventory-types';
import type { BackupItemKind } from './backup-item';
import { resolveReference, webConfigOf } from './web-config-references';
import { referencedFiles, type WebConfigReference } from '../webconfig/referenced-files';

/** Kinds a restore writes to the server (the others are records kept for reference). */
export const RESTORED_KINDS: ReadonlySet<string> = new Set<BackupItemKind>(['DataFolder', 'WebConfig', 'ConfigFile', 'Theme']);

/** Why a Windows path can never be a restore target, or undefined. */
function unsafePath(p: string): string | undefined {
  if (!/^[A-Za-z]:\\/.test(p.replace(/\//g, '\\'))) return 'is not a full path on a drive';
  const rest = p.slice(2);
  if (rest.includes(':')) return 'names a stream (a second ":")';
  const segments = rest.split(/[\\/]/).filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..')) return 'holds "." or ".." segments';
  if (segments.length < 2) return 'is at the root of a drive';
  if (segments[0].toLowerCase() === 'windows') return 'lies in the Windows folder';
  if (segments.some((s) => s.toLowerCase() === 'applicationhost.config')) return 'is an IIS configuration file';
  return undefined;
}

/** Strictly below `root` (a root that could never be a target itself is no root). */
const inside = (p: string, root: string | null | undefined) => !!root && !unsafePath(root) && isInsideWindowsPath(p, root) && !sameWindowsPath(p, root);
const same = (p: string, q: string | null | undefined) => !!q && sameWindowsPath(p, q);

function allowedFor(entry: ManifestFileEntry, records: ComponentRecord[]): boolean {
  const mine = records.filter((r) => r.Component.toLowerCase() === entry.component.toLowerCase());
  const p = entry.originalPath;
  switch (entry.kind) {
    case 'DataFolder':
      return mine.some((r) => inside(p, r.DataPath) || inside(p, r.InstallPath));
    case 'WebConfig':
      return mine.some((r) => same(p, r.WebConfigPath) || (!!r.PhysicalPath && same(p, joinWindowsPath(r.PhysicalPath, 'web.config'))));
    case 'ConfigFile':
      return mine.some((r) => {
        const webConfig = webConfigOf(r);
        return !!webConfig && inside(p, windowsParent(webConfig));
      });
    case 'Theme':
      return mine.some((r) => r.ThemePaths.some((t) => inside(p, t)) || (!!r.PhysicalPath && inside(p, joinWindowsPath(r.PhysicalPath, 'App_Themes'))));
    default:
      return false;
  }
}

/** What a backup's targets are judged by: its own inventory, and the files its own web.configs name (both hash-checked). */
export interface TargetBasis {
  inventory: ServerInventory | undefined;
  /** Server paths (normalised) of every file a web.config of the backup names inside its application folder. */
  namedFiles: Set<string>;
}

/** Every restorable entry of `manifest` whose target is refused, with why ("<target> (<component> <kind>): <why>"). */
export function restoreTargetProblems(manifest: BackupManifest, basis: TargetBasis): string[] {
  const { inventory } = basis;
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const entry of manifest.files.filter((f) => RESTORED_KINDS.has(f.kind))) {
    const label = `${entry.originalPath} (${entry.component} ${entry.kind}, ${entry.relativePath})`;
    const unsafe = unsafePath(entry.originalPath);
    const key = windowsPathKey(entry.originalPath);
    if (unsafe) problems.push(`${label} ${unsafe}`);
    else if (seen.has(key)) problems.push(`${label} is also the target of ${seen.get(key)}`);
    else if (!inventory) problems.push(`${label} cannot be checked: the backup holds no verified ${INVENTORY_FILE}`);
    else if (!allowedFor(entry, inventory.Components)) problems.push(`${label} is not a place the backup's inventory names for ${entry.component}`);
    // A file of the application folder is restored only as a file one of the backup's own web.configs names: a manifest
    // entry alone could otherwise put any file (a DLL in bin) into the application.
    else if (entry.kind === 'ConfigFile' && !basis.namedFiles.has(key)) problems.push(`${label} is not named by a web.config of the backup`);
    seen.set(key, entry.relativePath);
  }
  return problems;
}

/**
 * The basis a backup folder's targets are judged by: its own inventory.json and web.configs, or for a restore-undo
 * folder those of the backup it lives in; only files whose bytes match the hash their manifest gives count.
 */
export async function targetBasis(folder: string, manifest: BackupManifest): Promise<TargetBasis> {
  let owner = folder;
  let ownerManifest = manifest;
  if (manifest.purpose === 'RestoreUndo') {
    owner = path.dirname(path.resolve(folder));
    const read = await readManifest(owner);
    if (!read.ok) return { inventory: undefined, namedFiles: new Set() };
    ownerManifest = read.manifest;
  }
  return { inventory: await inventoryOf(owner, ownerManifest), namedFiles: await namedFilesOf(owner, ownerManifest) };
}

/** The bytes of a manifest entry when they still match its hash. */
async function verifiedBytes(folder: string, entry: ManifestFileEntry): Promise<Buffer | undefined> {
  const bytes = await fs.readFile(localPathInside(folder, entry.relativePath)).catch(() => undefined);
  return bytes && createHash('sha256').update(bytes).digest('hex') === entry.sha256 ? bytes : undefined;
}

async function inventoryOf(owner: string, ownerManifest: BackupManifest): Promise<ServerInventory | undefined> {
  const entry = ownerManifest.files.find((f) => f.kind === 'Inventory' && f.relativePath.toLowerCase() === INVENTORY_FILE.toLowerCase());
  const bytes = entry && (await verifiedBytes(owner, entry));
  if (!bytes) return undefined;
  try {
    const inventory = JSON.parse(bytes.toString('utf8')) as ServerInventory;
    return Array.isArray(inventory?.Components) ? {
      ...inventory,
      Components: inventory.Components.map((c) => ({ ...c, ThemePaths: Array.isArray(c.ThemePaths) ? c.ThemePaths : [] })),
    } : undefined;
  } catch {
    return undefined;
  }
}

async function namedFilesOf(owner: string, ownerManifest: BackupManifest): Promise<Set<string>> {
  const named = new Set<string>();
  for (const entry of ownerManifest.files.filter((f) => f.kind === 'WebConfig')) {
    const bytes = await verifiedBytes(owner, entry);
    if (!bytes) continue;
    let references: WebConfigReference[];
    try {
      references = referencedFiles({ path: entry.originalPath, bytes });
    } catch {
      continue; // a web.config that is not XML names nothing
    }
    for (const reference of references) {
      const resolved = resolveReference(entry.originalPath, reference.value);
      if ('path' in resolved) named.add(windowsPathKey(resolved.path));
    }
  }
  return named;
}
