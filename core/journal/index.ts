/** The durable step journal of Invoke-MfaServerUpgrade (journal.json). */
export { Journal, removeStaleTempFiles, type JournalMeta, type JournalOptions, type JournalRecord } from './journal';
export { parseJournal } from './journal-parse';
export { EARLY_STOPS_FILE, saveEarlyStopSync, takeEarlyStops } from './early-stops';
export {
  JOURNAL_FILE_NAME,
  JOURNAL_FORMAT_VERSION,
  type JournalData,
  type JournalDocument,
  type JournalPlanStep,
  type JournalRunStatus,
  type JournalStep,
  type JournalStepStatus,
  type JournalStop,
  type JournalStopRecorder,
  type JournalValue,
} from './journal-types';
