/**
 * webtier-after.json in the run folder: the web tier as probed when a run with -WebTier completed (the new endpoints),
 * for the report, beside readiness.json (whose WebTier rows are the same probe before the upgrade). Read back as a claim:
 * a file whose rows are not all well-formed is not used.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write';
import type { WebTierRow } from '../domain/readiness-types';

export const WEB_TIER_AFTER_FILE_NAME = 'webtier-after.json';

export async function saveWebTierAfter(folder: string, rows: WebTierRow[]): Promise<void> {
  await writeFileAtomic(path.join(folder, WEB_TIER_AFTER_FILE_NAME), Buffer.from(JSON.stringify(rows, null, 2) + '\n', 'utf8'));
}

/** The rows, or [] when there is no file or it does not hold web-tier rows. */
export async function loadWebTierAfter(folder: string): Promise<WebTierRow[]> {
  let rows: unknown;
  try {
    rows = JSON.parse(await fs.readFile(path.join(folder, WEB_TIER_AFTER_FILE_NAME), 'utf8'));
  } catch {
    return [];
  }
  return Array.isArray(rows) && rows.every(isWebTierRow) ? (rows as WebTierRow[]) : [];
}

function isWebTierRow(r: unknown): boolean {
  if (typeof r !== 'object' || r === null) return false;
  const row = r as Record<string, unknown>;
  return ['ComputerName', 'Role', 'Url', 'Source', 'Result', 'Detail'].every((k) => typeof row[k] === 'string') &&
    Array.isArray(row.Problems) && row.Problems.every((p) => typeof p === 'string');
}
