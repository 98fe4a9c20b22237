/** The durable step journal of Invoke-MfaServerUpgrade (journal.json). */
export { Journal, type JournalMeta, type JournalOptions } from './journal';
export { parseJournal } from './journal-parse';
export {
  JOURNAL_FILE_NAME,
  JOURNAL_FORMAT_VERSION,
  type JournalData,
  type JournalDocument,
  type JournalPlanStep,
  type JournalRunStatus,
  type JournalStep,
  type JournalStepStatus,
  type JournalValue,
} from './journal-types';
