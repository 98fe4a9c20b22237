/**
 * The PhoneFactor product key as a backup holds it (Registry\\PhoneFactor.reg, an export of PRODUCT_KEY in its view),
 * read as the manifest hashed it: the values an Undo puts back and then checks.
 */
import type { RegistryValue } from '../../host/host';
import { REGISTRY_FILE } from '../../backup/backup-items';
import { PRODUCT_KEY } from '../../domain/catalog';
import { readExport, decodeRegFileBytes } from '../../host/registry-file';
import { isCoreError } from '../../util/errors';
import { verifiedBackupFiles } from '../run/backup-gate';

/** Every value of the product key's export in the backup, with the key it belongs to (PRODUCT_KEY or a subkey); null without one. */
export async function backupRegistryValues(backup: string, computerName: string): Promise<{ key: string; value: RegistryValue }[] | null> {
  const files = await verifiedBackupFiles(backup, REGISTRY_FILE, computerName).catch((e: unknown) => {
    if (isCoreError(e) && e.details.notListed === true) return null;
    throw e;
  });
  if (!files) return null;
  const exported = readExport(decodeRegFileBytes(files[0].bytes), `${backup}\\${REGISTRY_FILE}`);
  if (!exported) return [];
  const out: { key: string; value: RegistryValue }[] = [];
  for (const k of exported.tree.all()) {
    if (k.path.toLowerCase() !== exported.rootPath.toLowerCase() && !k.path.toLowerCase().startsWith(`${exported.rootPath.toLowerCase()}\\`)) continue;
    const key = `${PRODUCT_KEY}${k.path.slice(exported.rootPath.length)}`;
    for (const value of k.values) out.push({ key, value });
  }
  return out;
}

export function sameValue(a: RegistryValue, b: RegistryValue): boolean {
  return a.type === b.type && JSON.stringify(a.data) === JSON.stringify(b.data);
}
