/**
 * The installers a lab server's PhoneFactor products were set up from (assets/lab-media/phonefactor, stand-ins built
 * with wixl): placed where an admin would have downloaded them, which the products' SourceList then names, and what
 * the lab's Windows Installer caches (without embedded cabinets) under C:\Windows\Installer.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ComponentName } from '../../domain/catalog';
import type { LabHost } from './lab-host';
import { joinWindowsPath } from '../../util/windows-path';
import { labMediaFile } from './media';

export const ORIGINAL_MEDIA_PATH = 'C:\\Users\\Administrator\\Downloads\\PhoneFactor';
export const PHONEFACTOR_MEDIA_FOLDER = 'phonefactor';

interface StandInEntry {
  file: string;
  component: ComponentName;
  platform: string;
  /** As the Media table names them: '#x.cab' embedded, 'X.CAB' a file beside the package. */
  cabinets: string[];
}

/** Where each PhoneFactor-era product of a lab can be reinstalled from: what a lab server starts with. */
export type LabRollbackMedia = 'Original' | 'CachedOnly' | 'None';

async function standIns(mediaFolder: string): Promise<StandInEntry[]> {
  try {
    const manifest = JSON.parse(await readFile(join(mediaFolder, PHONEFACTOR_MEDIA_FOLDER, 'media.json'), 'utf8')) as { files?: StandInEntry[] };
    return manifest.files ?? [];
  } catch {
    return []; // media without the stand-ins (an older MFA_LAB_MEDIA folder): products are registered without a package
  }
}

/**
 * Copies the product's stand-in installer (and its external cabinets) into the original media folder; the lab path
 * of the package, or undefined when the media has no stand-in for it.
 */
export async function placeOriginalMedia(lab: LabHost, mediaFolder: string, component: ComponentName, platform: 'x86' | 'x64'): Promise<string | undefined> {
  const entry = (await standIns(mediaFolder)).find((e) => e.component === component && e.platform === platform);
  if (!entry) return undefined;
  const from = (name: string) => readFile(labMediaFile(join(mediaFolder, PHONEFACTOR_MEDIA_FOLDER), name));
  for (const cab of entry.cabinets.filter((c) => !c.startsWith('#'))) await lab.placeFile(joinWindowsPath(ORIGINAL_MEDIA_PATH, cab), await from(cab));
  const packagePath = joinWindowsPath(ORIGINAL_MEDIA_PATH, entry.file);
  await lab.placeFile(packagePath, await from(entry.file));
  return packagePath;
}

/**
 * A lab rebuilt from a backup gets the packages the backup kept (RollbackMedia) as its original media: the backed-up
 * server could reinstall from them, so the lab can too. `files`: the package first, then its cabinets.
 */
export async function placeBackedUpMedia(lab: LabHost, component: string, files: { name: string; bytes: Buffer }[]): Promise<string | undefined> {
  if (files.length === 0) return undefined;
  const folder = joinWindowsPath(ORIGINAL_MEDIA_PATH, component);
  for (const f of files) await lab.placeFile(joinWindowsPath(folder, f.name), f.bytes);
  return joinWindowsPath(folder, files[0].name);
}
