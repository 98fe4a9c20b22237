/** The shape of journal.json: what Invoke-MfaServerUpgrade records before and after every step. */
/** 2: the run's servers (identity and what the run found), the plan's SHA-256 and the re-plans are recorded. */
export const JOURNAL_FORMAT_VERSION = 2;
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

/**
 * One server of the run as the run found it: which machine it is (a rebuilt server or another machine with the same
 * name has another MachineId) and what was installed on it when the run started (Get-PhoneFactorComponent's records).
 */
export interface JournalServer {
  ComputerName: string;
  /** Windows' MachineGuid (HKLM\SOFTWARE\Microsoft\Cryptography), a lab's own id; null when the server has none. */
  MachineId: string | null;
  /** The inventory the run started from (no secrets: what Get-PhoneFactorComponent prints). */
  Found: unknown;
}

export interface JournalDocument {
  FormatVersion: typeof JOURNAL_FORMAT_VERSION;
  RunId: string;
  CreatedAt: string;
  UpdatedAt: string;
  Status: JournalRunStatus;
  /** What the run was started with (installer path, naming, lab or computer names): no secrets. */
  Meta: JournalData;
  /** SHA-256 (hex) of plan.json's bytes as the run wrote them: a plan changed since is not this run's plan. */
  PlanSha256: string;
  Servers: JournalServer[];
  /** Each re-plan an admin asked for (-Replan): when, and which parameters changed from what to what. */
  Replans: JournalData[];
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
