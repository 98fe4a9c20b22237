import type { CoreStopCause } from '../util/core-stop';

/** The shape of journal.json: what Invoke-MfaServerUpgrade records before and after every step. */
/** 2: the run's servers (identity and what the run found), the plan's SHA-256 and the re-plans are recorded. */
export const JOURNAL_FORMAT_VERSION = 2;
export const JOURNAL_FILE_NAME = 'journal.json';
/** The journal of an Undo of the upgrade (Undo-MfaServerUpgrade), beside the upgrade's own in its run folder. */
export const UNDO_JOURNAL_FILE_NAME = 'undo-journal.json';

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

/**
 * One end of a run before it finished: when, why (core/util/core-stop.ts), in which step, and who wrote it down (the
 * core itself, the module's transport after the core was killed, or the next run when nobody could).
 */
export interface JournalStop {
  At: string;
  Cause: CoreStopCause;
  Detail: string;
  /** The step that was Running, or null between steps. */
  Step: string | null;
  RecordedBy: JournalStopRecorder;
  /** The core process that ran the run, when known. */
  ProcessId: number | null;
}

export type JournalStopRecorder = 'Core' | 'Module' | 'NextRun';

/**
 * One run of the upgrade (the first, and each -Resume or -Replan that continued it): when it began, who ran it from
 * where, and the change number it was run under. A resume under another change number is recorded, not refused.
 */
export interface JournalRun {
  At: string;
  /** `DOMAIN\user`, or the SID `S-1-5-18` for SYSTEM. */
  Account: string;
  /** The computer the command ran on. */
  Machine: string;
  /** -ChangeId, or null when none was given. */
  ChangeId: string | null;
  /** False for the run that started the journal. */
  Resumed: boolean;
}

/** Who starts or continues a run: a JournalRun without its time and kind. */
export type JournalRunBy = Pick<JournalRun, 'Account' | 'Machine' | 'ChangeId'>;
export const STOP_RECORDERS: JournalStopRecorder[] = ['Core', 'Module', 'NextRun'];

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
  /** Every stop of the run before it finished, oldest first (absent in journals written before it was recorded). */
  Stops: JournalStop[];
  /** Every run of the upgrade, oldest first (absent in journals written before it was recorded). */
  Runs: JournalRun[];
}

/** The part of a plan step the journal keeps (a PlanStep fits). */
export interface JournalPlanStep {
  Id: string;
  Order: number;
  Action: string;
  ComputerName: string;
  Kind: string;
}
