/** The shape of journal.json: what Invoke-MfaServerUpgrade records before and after every step. */
export const JOURNAL_FORMAT_VERSION = 1;
export const JOURNAL_FILE_NAME = 'journal.json';

export type JournalStepStatus = 'Pending' | 'Running' | 'Completed' | 'Failed' | 'Skipped' | 'Paused';
export type JournalRunStatus = 'Running' | 'Paused' | 'Failed' | 'Completed';

export const STEP_STATUSES: JournalStepStatus[] = ['Pending', 'Running', 'Completed', 'Failed', 'Skipped', 'Paused'];
export const RUN_STATUSES: JournalRunStatus[] = ['Running', 'Paused', 'Failed', 'Completed'];

/** Small facts a step leaves for later steps or for the report (BackupPath, ExitCode, RebootRequired…). */
export type JournalValue = string | number | boolean | null;
export type JournalData = Record<string, JournalValue>;

export interface JournalStep {
  Id: string;
  Order: number;
  Action: string;
  ComputerName: string;
  Kind: string;
  Status: JournalStepStatus;
  /** How many times the step was started (more than one after a resume re-ran it). */
  Attempts: number;
  StartedAt: string | null;
  EndedAt: string | null;
  DurationMs: number | null;
  Outcome: string | null;
  Data: JournalData;
}

export interface JournalDocument {
  FormatVersion: typeof JOURNAL_FORMAT_VERSION;
  RunId: string;
  CreatedAt: string;
  UpdatedAt: string;
  Status: JournalRunStatus;
  /** What the run was started with (installer path, naming, lab or computer names): no secrets. */
  Meta: JournalData;
  Steps: JournalStep[];
}

/** The part of a plan step the journal keeps (a PlanStep fits). */
export interface JournalPlanStep {
  Id: string;
  Order: number;
  Action: string;
  ComputerName: string;
  Kind: string;
}
