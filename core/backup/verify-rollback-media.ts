/**
 * Why this file: a backup's rollback packages are claims like the rest of it. Hashes prove the files are the ones the
 * backup wrote; this proves they still are what rollback-media.json says: each package reads as an MSI of the recorded
 * ProductCode and version, its embedded cabinets are inside it and its external cabinets beside it in the backup.
 */
import { promises as fs } from 'node:fs';
import { CABINET_SIGNATURE } from '../msi/media';
import { readMsi } from '../msi/reader';
import { isCoreError } from '../util/errors';
import { localPathInside } from '../util/windows-path';
import type { BackupManifest } from './manifest';
import { ROLLBACK_MEDIA_RECORD, type RollbackMediaRecord } from './rollback-media-items';

/** What is wrong with the backup's rollback media ([] when it has none, or all of it holds). */
export async function rollbackMediaProblems(backup: string, manifest: BackupManifest): Promise<string[]> {
  const entry = manifest.files.find((f) => f.relativePath.toLowerCase() === ROLLBACK_MEDIA_RECORD.toLowerCase());
  if (!entry) return [];
  let record: RollbackMediaRecord;
  try {
    record = JSON.parse(await fs.readFile(localPathInside(backup, entry.relativePath), 'utf8')) as RollbackMediaRecord;
  } catch (e) {
    return [`${ROLLBACK_MEDIA_RECORD} cannot be read: ${(e as Error).message}`];
  }
  const listed = new Set(manifest.files.map((f) => f.relativePath.toLowerCase()));
  const problems: string[] = [];
  for (const p of Array.isArray(record.products) ? record.products : []) {
    if (!p.package) continue;
    const label = `the rollback package of ${p.displayName} ${p.version} (${p.package})`;
    if (![p.package, ...p.cabinets].every((f) => listed.has(f.toLowerCase()))) {
      problems.push(`${label} or one of its cabinets is not in the manifest`);
      continue;
    }
    try {
      const info = readMsi(await fs.readFile(localPathInside(backup, p.package)), p.package);
      if ((info.productCode ?? '').toUpperCase() !== p.productCode.toUpperCase() || info.productVersion !== p.version) {
        problems.push(`${label} installs ${info.productCode ?? '?'} ${info.productVersion ?? '?'}, not ${p.productCode} ${p.version}`);
      }
      for (const cab of info.cabinets) {
        if (cab.embedded && cab.stream !== 'Present') problems.push(`${label} lacks its embedded cabinet ${cab.cabinet}`);
        if (cab.embedded) continue;
        const beside = p.cabinets.find((c) => c.slice(c.lastIndexOf('\\') + 1).toLowerCase() === cab.cabinet.toLowerCase());
        const head = beside ? await readHead(localPathInside(backup, beside)) : undefined;
        if (!head?.equals(CABINET_SIGNATURE)) problems.push(`${label} has no cabinet ${cab.cabinet} beside it in the backup`);
      }
    } catch (e) {
      if (!isCoreError(e)) throw e;
      problems.push(`${label}: ${e.message}`);
    }
  }
  return problems;
}

async function readHead(file: string): Promise<Buffer | undefined> {
  const handle = await fs.open(file, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await handle.read(buf, 0, 4, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
