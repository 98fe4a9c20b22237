/**
 * readiness.json in the run folder: the readiness checks of a run's start, kept beside the journal for the report and
 * for later -Resume runs. A record of the run like the journal, so the report reads it without reaching up into the
 * upgrade that wrote it.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write';
import type { ReadinessRow } from '../domain/readiness-types';

export const READINESS_FILE_NAME = 'readiness.json';

export async function saveReadiness(folder: string, rows: ReadinessRow[]): Promise<void> {
  await fs.mkdir(folder, { recursive: true });
  await writeFileAtomic(path.join(folder, READINESS_FILE_NAME), Buffer.from(JSON.stringify(rows, null, 2) + '\n', 'utf8'));
}

export async function loadReadiness(folder: string): Promise<ReadinessRow[]> {
  try {
    const rows = JSON.parse(await fs.readFile(path.join(folder, READINESS_FILE_NAME), 'utf8')) as unknown;
    return Array.isArray(rows) ? (rows as ReadinessRow[]) : [];
  } catch {
    return [];
  }
}
