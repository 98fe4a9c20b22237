/**
 * Where the lab's installer media (real MSI databases, see assets/lab-media/media.json) is found on the machine
 * running the core: $MFA_LAB_MEDIA, else the first `assets/lab-media` folder above this code (the repository
 * in development; the module folder once packaged — the package must ship assets/lab-media beside lib/).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CoreError } from '../../util/errors';

export const MEDIA_MANIFEST = 'media.json';

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
