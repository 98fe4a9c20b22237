/**
 * Why this file: Windows Installer caches a package without its embedded cabinets ("To conserve disk space, the
 * installer removes any cabinets embedded in the .msi file before caching the installation package", Microsoft's
 * "Cabinet" data type page). The lab's Windows Installer does the same, so a cached package is never kinder than
 * Windows': this removes the streams the Media table names with '#'.
 *
 * The compound file is rewritten by `cfb` (its directory rebuilt; cfb also adds its 4-byte placeholder stream
 * "\u0001Sh33tJ5", which no MSI table names and Windows Installer ignores). Checked with msitools in
 * test/unit/msi/strip-cabinets.test.ts.
 */
import type * as CFB from 'cfb';
import { msiCorrupt } from './msi-corrupt';
import { readMsi } from './reader';
import { decodeMsiStreamName } from './stream-names';

export function withoutEmbeddedCabinets(bytes: Buffer, source: string): Buffer {
  const embedded = new Set(readMsi(bytes, source).cabinets.filter((c) => c.embedded).map((c) => c.cabinet.slice(1)));
  if (embedded.size === 0) return bytes;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily as in reader.ts (start-up cost)
  const cfb = require('cfb') as typeof CFB;
  const container = cfb.parse(bytes, { type: 'buffer' });
  // By index, not by cfb.utils.cfb_del: its name lookup does not know MSI's packed stream names.
  for (let i = container.FileIndex.length - 1; i > 0; i--) {
    const entry = container.FileIndex[i];
    const { name, isTable } = decodeMsiStreamName(entry.name);
    if (entry.type === 2 && !isTable && embedded.has(name)) {
      container.FileIndex.splice(i, 1);
      container.FullPaths.splice(i, 1);
    }
  }
  const out = Buffer.from(cfb.write(container, { type: 'buffer' }) as Uint8Array);
  if (readMsi(out, source).cabinets.some((c) => c.embedded && c.stream !== 'Missing')) {
    throw msiCorrupt(source, 'its embedded cabinets could not be removed');
  }
  return out;
}
