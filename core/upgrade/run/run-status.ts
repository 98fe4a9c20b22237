/**
 * Get-MfaUpgradeRun: where each upgrade recorded under a backup destination stands, read back from its run folder
 * (journal.json, plan.json) without touching a server. The records are checked exactly as a -Resume checks them
 * (run-records.ts loadRunRecords): records a resume would refuse are reported with the same named error, never
 * described as if they could be trusted.
 */
import { promises as fs, existsSync } from 'node:fs';
import * as path from 'node:path';
import { UPGRADE_RUN_FOLDER_PREFIX } from '../../backup/retention';
import { JOURNAL_FILE_NAME, type Journal, type JournalStep } from '../../journal/index';
import type { UpgradePlan } from '../../domain/plan-types';
import { runLockHolder } from '../../journal/run-lock';
import { REPORT_FILE_NAME } from '../../report/index';
import { CoreError, isCoreError, type ErrorCode } from '../../util/errors';
import { resultsOrPartialFailure } from '../../util/partial-failure';
import { failureAdvice } from './engine';
import { PLAN_FILE_NAME } from '../../report/report-input';
import { loadRunRecords } from './run-records';
import { stopLogLine } from './run-stop';
import { pausedNextAction } from './upgrade-result';

export interface RunStatusRequest {
  /** The -BackupDestination of the runs, a folder of this machine. */
  backupDestination: string;
}

export interface UpgradeRunStatus {
  RunFolder: string;
  ComputerName: string[];
  Status: 'Running' | 'Paused' | 'Failed' | 'Completed';
  /** The step a -Resume continues with; null when every step is done. */
  NextStep: string | null;
  StepsCompleted: number;
  StepsTotal: number;
  /** Every stop before the run finished, as the log and the report tell it, oldest first. */
  Stops: string[];
  BackupPath: string[];
  NextAction: string | null;
  /** Every change number the runs were done under, in order. */
  ChangeId: string[];
  /** `<path> (SHA-256 <content hash>)` of the reviewed plan the run runs (-PlanPath); null for a plan made at run time. */
  ReviewedPlan: string | null;
  /** Who ran it last (`DOMAIN\user` on MACHINE), null for a journal written before runs were recorded. */
  LastRunBy: string | null;
  StartedUtc: string;
  UpdatedUtc: string;
  JournalPath: string;
  ReportPath: string | null;
}

export async function getUpgradeRuns(req: RunStatusRequest): Promise<UpgradeRunStatus[]> {
  const destination = path.resolve(req.backupDestination);
  const entries = await fs.readdir(destination, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    throw new CoreError(
      e.code === 'ENOENT' ? 'DestinationNotFound' : 'AccessDenied',
      `The backup destination ${destination} cannot be listed (${e.code}): give the folder the upgrade used as -BackupDestination.`,
      destination,
    );
  });
  const results: UpgradeRunStatus[] = [];
  const errors: CoreError[] = [];
  // A run folder without a journal is a run that recorded nothing (refused before it started): nothing to report.
  const folders = entries
    .filter((e) => e.isDirectory() && e.name.startsWith(UPGRADE_RUN_FOLDER_PREFIX) && existsSync(path.join(destination, e.name, JOURNAL_FILE_NAME)))
    .map((e) => path.join(destination, e.name))
    .sort();
  for (const folder of folders) {
    try {
      results.push(await runStatus(folder, destination));
    } catch (e) {
      if (!isCoreError(e)) throw e;
      errors.push(e);
    }
  }
  return resultsOrPartialFailure(results, errors);
}

async function runStatus(folder: string, destination: string): Promise<UpgradeRunStatus> {
  const journalPath = path.join(folder, JOURNAL_FILE_NAME);
  const { journal, plan } = await loadRunRecords({
    journalPath,
    planPath: path.join(folder, PLAN_FILE_NAME),
    backupDestination: destination,
    replan: false,
    readOnly: true,
  });
  const doc = journal.document;
  const done = doc.Steps.filter((s) => s.Status === 'Completed' || s.Status === 'Skipped');
  const next = journal.nextStep();
  const backups = plan.Steps.filter((s) => s.Action === 'Backup')
    .map((s) => journal.step(s.Id).Data.BackupPath)
    .filter((p): p is string => typeof p === 'string');
  const last = doc.Runs.at(-1);
  const report = path.join(folder, REPORT_FILE_NAME);
  return {
    RunFolder: folder,
    ComputerName: doc.Servers.map((s) => s.ComputerName),
    Status: doc.Status,
    NextStep: next?.Id ?? null,
    StepsCompleted: done.length,
    StepsTotal: doc.Steps.length,
    Stops: doc.Stops.map(stopLogLine),
    BackupPath: backups,
    NextAction: await nextAction(folder, doc.Status, next, plan, journal, backups),
    ChangeId: [...new Set(doc.Runs.map((r) => r.ChangeId).filter((c): c is string => c !== null))],
    ReviewedPlan: reviewedPlanOf(doc.Meta),
    LastRunBy: last ? `${last.Account} on ${last.Machine}` : null,
    StartedUtc: doc.CreatedAt,
    UpdatedUtc: doc.UpdatedAt,
    JournalPath: journalPath,
    ReportPath: existsSync(report) ? report : null,
  };
}

/** What the admin does next, in the words the run itself used when it ended. */
async function nextAction(
  folder: string,
  status: UpgradeRunStatus['Status'],
  next: JournalStep | null,
  plan: UpgradePlan,
  journal: Journal,
  backups: string[],
): Promise<string | null> {
  if (status === 'Completed') return null;
  if (status === 'Paused' && next) {
    const instruction = next.Data.Instruction;
    return pausedNextAction(next.Id, typeof instruction === 'string' ? instruction : (next.Outcome ?? ''));
  }
  if (status === 'Failed' && next) {
    const step = plan.Steps.find((s) => s.Id === next.Id);
    const code = next.Data.ErrorCode;
    // The advice the run gave when the step failed depends on the error's code, which the journal kept.
    const error = new CoreError((typeof code === 'string' ? code : 'InternalError') as ErrorCode, next.Outcome ?? '');
    return failureAdvice(plan, journal, step, error, backups).next;
  }
  const holder = await runLockHolder(folder);
  if (holder !== 'none' && holder !== 'unreadable' && holder.alive) {
    const { owner } = holder;
    return `A run is going on now (process ${owner.pid} of ${owner.user} on ${owner.computerName}, started ${owner.startedUtc}): wait for it to end.`;
  }
  return `The run stopped in ${next?.Id ?? 'its last step'} without finishing. Run the same Invoke-MfaServerUpgrade command with -Resume to continue.`;
}

/** The reviewed plan a run records in its journal (engine.ts), as one line an admin can match with the ticket's file. */
function reviewedPlanOf(meta: Record<string, unknown>): string | null {
  const { ReviewedPlanPath: file, ReviewedPlanSha256: sha } = meta;
  return typeof file === 'string' && typeof sha === 'string' ? `${file} (SHA-256 ${sha})` : null;
}
