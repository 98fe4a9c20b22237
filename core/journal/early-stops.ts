/**
 * A run stopped after it took its run folder but before its journal was written (its claims on the servers may be
 * written already): its last words had no journal to go into, and only the log said so, where no next run, journal or
 * report looked. They are kept in the run folder instead (stops-before-journal.json, written synchronously, like any
 * last words), and the next run's journal takes them over as its first stops (Journal.recordEarlierStops): the report's
 * table of stops shows them, and that run says so.
 */
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomicSync } from '../util/atomic-write';
import { stopProblem } from './journal-parse';
import type { JournalStop } from './journal-types';

export const EARLY_STOPS_FILE = 'stops-before-journal.json';

/** Adds a stop to the folder's list (synchronously: the process exits right after). */
export function saveEarlyStopSync(folder: string, stop: JournalStop): string {
  const file = path.join(folder, EARLY_STOPS_FILE);
  let kept: JournalStop[];
  try {
    kept = validStops(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    kept = []; // none yet (or unreadable: it is replaced)
  }
  writeFileAtomicSync(file, JSON.stringify([...kept, stop], null, 2) + '\n');
  return file;
}

/** The stops kept in the folder, oldest first, and the file gone; entries that are not stops are left out. */
export async function takeEarlyStops(folder: string): Promise<JournalStop[]> {
  const file = path.join(folder, EARLY_STOPS_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return [];
  }
  let stops: JournalStop[];
  try {
    stops = validStops(JSON.parse(text));
  } catch {
    stops = [];
  }
  await fs.rm(file, { force: true });
  return stops.sort((a, b) => a.At.localeCompare(b.At));
}

function validStops(value: unknown): JournalStop[] {
  return Array.isArray(value) ? value.filter((s): s is JournalStop => stopProblem(s) === null) : [];
}
