/**
 * How a run's stop before it finished is put on record: one entry in journal.json (JournalStop) and one warning line
 * in the CMTrace log, both saying what happened, when, and in which step. The causes are core/util/core-stop.ts's.
 */
import type { CmTraceLog } from '../../log/index';
import { saveEarlyStopSync, type Journal, type JournalStop, type JournalStopRecorder } from '../../journal/index';
import { STOP_EXPLANATIONS, type CoreStop } from '../../util/core-stop';
import * as path from 'node:path';

/** The name of a run's CMTrace log (in C:\Windows\Logs\Software of its first server, or in its run folder). */
export const RUN_LOG_FILE_NAME = 'MfaServerUpgrade.log';

/**
 * The run's own log as its journal records it (Meta.LogPath), or null: journals written before it was recorded, or
 * a path that is not a run log by name (the journal is protected; this is one more lock on the door).
 */
export function runLogOf(journal: Journal): string | null {
  const recorded = journal.document.Meta.LogPath;
  if (typeof recorded !== 'string' || !path.isAbsolute(recorded)) return null;
  return path.basename(recorded).toLowerCase() === RUN_LOG_FILE_NAME.toLowerCase() ? recorded : null;
}

/** The log line of a stop: cause, meaning, detail, where the run stood, and what to do. */
export function stopLogLine(stop: JournalStop): string {
  const where = stop.Step ? `in step ${stop.Step} (left Running: -Resume checks the server and runs it again)` : 'between steps';
  return (
    `Run stopped (${stop.Cause}) at ${stop.At} ${where}. ${STOP_EXPLANATIONS[stop.Cause]} ${stop.Detail} ` +
    'Run the same command again with -Resume to continue.'
  );
}

/**
 * The run's own last words (the core is about to exit): journal first, then the log, both synchronous. A journal that
 * cannot be written still leaves the log line, which says so. Before the run's journal exists, the stop is kept in its
 * run folder (early-stops.ts) for the next run's journal to take over.
 */
export function recordStopNow(journal: Journal | undefined, log: CmTraceLog | undefined, stop: CoreStop, folder?: string): void {
  let entry: JournalStop = { At: stop.at.toISOString(), Cause: stop.cause, Detail: stop.detail, Step: null, RecordedBy: 'Core', ProcessId: process.pid };
  let unrecorded = '';
  try {
    if (journal) {
      journal.recordStopSync(stop, 'Core', process.pid);
      entry = journal.stops.at(-1) ?? entry;
    } else if (folder) {
      const file = saveEarlyStopSync(folder, entry);
      unrecorded = ` (The run had no journal yet: the stop is kept in ${file}, and the next run's journal takes it over.)`;
    }
  } catch (e) {
    unrecorded = ` (The journal could not record this stop: ${(e as Error).message})`;
  }
  log?.warning(stopLogLine(entry) + unrecorded, entry.Step ? { component: entry.Step } : {});
}

/** A stop recorded after the fact (by the transport, or by the next run): queued on the journal, then logged. */
export async function recordStopLater(
  journal: Journal,
  log: CmTraceLog | undefined,
  stop: CoreStop,
  by: JournalStopRecorder,
  processId: number | null,
): Promise<JournalStop> {
  await journal.recordStop(stop, by, processId);
  const entry = journal.stops.at(-1)!;
  log?.warning(stopLogLine(entry), entry.Step ? { component: entry.Step } : {});
  return entry;
}

/**
 * The journal shows a run that never ended (Status Running) and no stop recorded since its last change: whatever
 * ended it left no word. The next run writes that down before it goes on, so every end of the run is on record.
 */
export function endedWithoutRecord(journal: Journal): boolean {
  const doc = journal.document;
  const last = doc.Stops.at(-1);
  return doc.Status === 'Running' && !(last && last.At >= doc.UpdatedAt);
}
