/**
 * Making a folder of this machine (a backup destination, a run folder) with the folders above it. When a file stands
 * where a folder is to be (the path itself, or a folder above it), node says "EEXIST: file already exists, mkdir …"
 * or ENOTDIR; the admin reads which path is in the way instead (NotADirectory).
 */
import { promises as fs } from 'node:fs';
import { CoreError } from './errors';

export async function makeLocalFolder(folder: string): Promise<void> {
  try {
    await fs.mkdir(folder, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOTDIR') throw e;
    throw new CoreError(
      'NotADirectory',
      `${folder} cannot be made a folder: a file of that name (or of a folder above it) is in the way. Nothing was written there; choose another path.`,
      folder,
    );
  }
}
