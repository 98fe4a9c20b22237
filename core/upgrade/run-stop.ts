/**
 * How a run's stop before it finished is put on record: one entry in journal.json (JournalStop) and one warning line
 * in the CMTrace log, both saying what happened, when, and in which step. The causes are core/util/core-stop.ts's.
 */
import type { CmTraceLog } from '../log/index';
import type { Journal, JournalStop, JournalStopRecorder } from '../journal/index';
import type { CoreStop, CoreStopCause } from '../util/core-stop';

/** What each cause means, for the admin reading the log or the journal. */
export const STOP_EXPLANATIONS: Record<CoreStopCause, string> = {
  Cancelled: 'The command running this upgrade was stopped (Ctrl+C, Stop-Job or a stopped pipeline) before the run finished.',
  TimedOut: 'The command running this upgrade ran past its time limit, so the module stopped it.',
  CommandFailed: 'The PowerShell command running this upgrade failed while the upgrade worked, so the module stopped it.',
  CallerGone: 'The PowerShell running this upgrade ended without stopping it (killed, or its window closed).',
  PipeClosed: 'The pipe this upgrade reports through was closed: nobody read its output any more.',
  CoreCrashed: 'An unexpected error stopped the process running this upgrade (a bug: report it with this log).',
  CoreKilled: 'The process running this upgrade was ended from outside (killed by Task Manager, Stop-Process or a time limit, or Node.js itself failed).',
  NotRecorded:
    'A run of this upgrade ended without recording why (the machine restarted or lost power, or its processes were killed together); ' +
    'found by the next run.',
};

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
  log?.warning(stopLogLine(entry) + unrecorded);
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
  log?.warning(stopLogLine(entry));
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
