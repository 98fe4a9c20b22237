/**
 * readiness.json in the run folder: the readiness checks of a run's start, kept beside the journal for the report and
 * for later -Resume runs. A record of the run like the journal, so the report reads it without reaching up into the
 * upgrade that wrote it.
 *
 * Like every record the tool reads back, it is a claim: each row is checked for its shape, and once the run has a
 * journal, the file must still hash to the SHA-256 the journal keeps (Meta.ReadinessSha256). A file that fails either
 * is not used (a run and its report then show no readiness rows) and the reason is returned, for the caller to say.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write';
import { READINESS_CHECKS, type ReadinessRow } from '../domain/readiness-types';

export const READINESS_FILE_NAME = 'readiness.json';

/** Writes the rows; returns the SHA-256 (hex) of the bytes written, for the journal to keep. */
export async function saveReadiness(folder: string, rows: ReadinessRow[]): Promise<string> {
  await fs.mkdir(folder, { recursive: true });
  const bytes = Buffer.from(JSON.stringify(rows, null, 2) + '\n', 'utf8');
  await writeFileAtomic(path.join(folder, READINESS_FILE_NAME), bytes);
  return sha256(bytes);
}

export interface LoadedReadiness {
  rows: ReadinessRow[];
  /** Why the file was not used; null when it was (or when there is none, which is not a problem). */
  problem: string | null;
}

/** The rows, when the file is there, well-formed and (given `expectedSha256`) unchanged since the run wrote it. */
export async function loadReadiness(folder: string, expectedSha256?: string): Promise<LoadedReadiness> {
  const file = path.join(folder, READINESS_FILE_NAME);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch {
    return { rows: [], problem: null };
  }
  if (expectedSha256 && sha256(bytes) !== expectedSha256) {
    return { rows: [], problem: `${file} was changed since the run wrote it (its SHA-256 is not the one the journal keeps); its rows are not used.` };
  }
  let rows: unknown;
  try {
    rows = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { rows: [], problem: `${file} is not valid JSON; its rows are not used.` };
  }
  const bad = Array.isArray(rows) ? rows.findIndex((r) => !isReadinessRow(r)) : 0;
  if (bad >= 0) return { rows: [], problem: `${file} does not hold readiness rows (row ${bad + 1} is not one); its rows are not used.` };
  return { rows: rows as ReadinessRow[], problem: null };
}

function isReadinessRow(r: unknown): boolean {
  if (typeof r !== 'object' || r === null) return false;
  const row = r as Record<string, unknown>;
  return (
    typeof row.ComputerName === 'string' &&
    (READINESS_CHECKS as readonly unknown[]).includes(row.Check) &&
    ['Passed', 'Warning', 'Failed'].includes(row.Result as string) &&
    typeof row.Detail === 'string' &&
    (row.Action === null || typeof row.Action === 'string') &&
    typeof row.Basis === 'string' &&
    typeof row.Accepted === 'boolean'
  );
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
