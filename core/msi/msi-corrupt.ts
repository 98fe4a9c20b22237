/** Why this file: every MSI reader failure becomes the same MsiCorrupt error, naming the file. */
import { CoreError } from '../util/errors';

/** One place builds the MsiCorrupt error so every reader failure names the file the same way. */
export function msiCorrupt(source: string, problem: string): CoreError {
  return new CoreError(
    'MsiCorrupt',
    `'${source}' is not a readable Windows Installer database: ${problem}. Download or copy the installer again.`,
    source,
  );
}
