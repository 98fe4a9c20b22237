/** What Undo-MfaServerUpgrade returns (its contract is core/cmdlets/undo-upgrade.ts). */
import type { StepReport } from '../run/upgrade-result';

export interface UndoResult {
  Status: 'Completed' | 'Paused' | 'Failed' | 'Planned';
  ExitCode: number;
  Message: string;
  NextAction: string | null;
  /** The Undo's own steps (undo-plan.json) and where each stands. */
  Steps: StepReport[];
  /** The backups the Undo put back (one per server the upgrade changed). */
  BackupPath: string[];
  /** The Undo's journal (undo-journal.json in the run folder; after a completed Undo, its set-aside name). */
  JournalPath: string;
  LogPath: string | null;
  /** report.html of the run folder with its rollback section (after a completed Undo, its set-aside name). */
  ReportPath: string | null;
  RebootRequired: boolean;
  /** Where the upgrade's and the Undo's records were kept once the Undo completed (a new upgrade then starts afresh). */
  SetAside: string[];
}
