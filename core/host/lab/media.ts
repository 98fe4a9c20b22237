/**
 * Where the lab's installer media (real MSI databases, see assets/lab-media/media.json) is found on the machine
 * running the core: $MFA_LAB_MEDIA, else the first `assets/lab-media` folder above this code (the repository
 * in development; the module folder once packaged — the package must ship assets/lab-media beside lib/).
 *
 * The package ships them (New-MfaLab needs them), so each installer file there is named `LAB-STANDIN-<name>`: nobody
 * can take one for Microsoft's. A lab server simulates a real one, so it gets each file under `<name>` (the name the
 * real media has and the upgrade looks for) inside the lab folder; labMediaFile is the one place that maps the two.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CoreError } from '../../util/errors';

export const MEDIA_MANIFEST = 'media.json';

/** The prefix of every installer file (and external cabinet) in a lab media folder. */
export const STAND_IN_PREFIX = 'LAB-STANDIN-';

/** The file in a lab media folder that a lab places as `name` (MultiFactorAuthenticationServerSetup.exe, PFUP64.CAB). */
export function labMediaFile(folder: string, name: string): string {
  return join(folder, STAND_IN_PREFIX + name);
}

/** The names a lab gives the installer files of a media folder listing (files without the prefix are not media). */
export function labMediaNames(fileNames: string[]): string[] {
  return fileNames.filter((f) => f.startsWith(STAND_IN_PREFIX)).map((f) => f.slice(STAND_IN_PREFIX.length));
}

export interface LabMediaEntry {
  file: string;
  component: string;
  bits: 32 | 64;
  platform: string;
  productName: string;
  productVersion: string;
  productCode: string;
  upgradeCode: string;
  manufacturer: string;
}

export function findLabMediaFolder(explicit?: string): string {
  const candidates: string[] = [];
  if (explicit) candidates.push(resolve(explicit));
  if (process.env.MFA_LAB_MEDIA) candidates.push(resolve(process.env.MFA_LAB_MEDIA));
  let dir = typeof __dirname === 'string' ? __dirname : process.cwd();
  for (let i = 0; i < 8; i++) {
    candidates.push(join(dir, 'assets', 'lab-media'));
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  const found = candidates.find((c) => existsSync(join(c, MEDIA_MANIFEST)));
  if (!found) {
    throw new CoreError(
      'LabMediaMissing',
      'The lab installer media (assets/lab-media with media.json) was not found; set MFA_LAB_MEDIA to its folder.',
      candidates[0],
      { searched: candidates },
    );
  }
  return found;
}
