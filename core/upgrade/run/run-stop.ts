/**
 * How a run's stop before it finished is put on record: one entry in journal.json (JournalStop) and one warning line
 * in the CMTrace log, both saying what happened, when, and in which step. The causes are core/util/core-stop.ts's.
 */
import type { CmTraceLog } from '../../log/index';
import type { Journal, JournalStop, JournalStopRecorder } from '../../journal/index';
import { STOP_EXPLANATIONS, type CoreStop } from '../../util/core-stop';

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
 * cannot be written still leaves the log line, which says so.
 */
export function recordStopNow(journal: Journal | undefined, log: CmTraceLog | undefined, stop: CoreStop): void {
  let entry: JournalStop = { At: stop.at.toISOString(), Cause: stop.cause, Detail: stop.detail, Step: null, RecordedBy: 'Core', ProcessId: process.pid };
  let unrecorded = '';
  try {
    if (journal) {
      journal.recordStopSync(stop, 'Core', process.pid);
      entry = journal.stops.at(-1) ?? entry;
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
