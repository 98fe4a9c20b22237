/**
 * What Invoke-MfaServerUpgrade returns: the engine's result and the refusals written before a run changes anything
 * (run guards, readiness gate) share this shape, so it lives apart from the engine they are called by.
 */
import type { ReadinessRow } from '../../domain/readiness-types';
import type { Journal } from '../../journal/index';

export interface StepReport {
  Order: number;
  Id: string;
  Action: string;
  ComputerName: string;
  Kind: string;
  Status: string;
  DurationMs: number | null;
  Outcome: string | null;
}

/** Each step of a plan (the upgrade's or the Undo's) as the result shows it: where its journal says it stands. */
export function stepReports(steps: readonly Pick<StepReport, 'Order' | 'Id' | 'Action' | 'ComputerName' | 'Kind'>[], journal: Journal | null): StepReport[] {
  return steps.map((s) => {
    const j = journal?.has(s.Id) ? journal.step(s.Id) : undefined;
    return {
      Order: s.Order,
      Id: s.Id,
      Action: s.Action,
      ComputerName: s.ComputerName,
      Kind: s.Kind,
      Status: j?.Status ?? 'Planned',
      DurationMs: j?.DurationMs ?? null,
      Outcome: j?.Outcome ?? null,
    };
  });
}

export interface UpgradeResult {
  Status: 'Completed' | 'Paused' | 'Failed' | 'Planned';
  ExitCode: number;
  Message: string;
  NextAction: string | null;
  Steps: StepReport[];
  BackupPath: string[];
  JournalPath: string;
  LogPath: string | null;
  /** report.html in the run folder, written at every end of a run; null for a dry run or when it could not be written. */
  ReportPath: string | null;
  RebootRequired: boolean;
  FollowUps: string[];
  Notice: string;
  /** The readiness checks of the run's start (readiness.json in the run folder); [] for a dry run. */
  Readiness: ReadinessRow[];
}

/** What a paused run asks of the admin: the step's instruction, then -Resume (the result and Get-MfaUpgradeRun say it alike). */
export function pausedNextAction(stepId: string | undefined, instruction: string): string {
  return `${stepId ? `${stepId}: ` : ''}${instruction} Then run Invoke-MfaServerUpgrade again with -Resume.`;
}
