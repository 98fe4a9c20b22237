/**
 * Writes report.html into the run folder at every end of a run (Completed, Paused, Failed). A report that cannot be
 * written never changes the run's outcome: the failure is logged and ReportPath stays null.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { JOURNAL_FILE_NAME } from '../journal/journal-types';
import { writeFileAtomic } from '../util/atomic-write';
import { loadReportInput, loadRollbackReportInput, type ReportRollback, type ReportResult } from './report-input';
import { renderReport } from './render-report';
import type { LeavingServer } from '../migration/index';

export const REPORT_FILE_NAME = 'report.html';

export async function writeUpgradeReport(runFolder: string, result: ReportResult, toolVersion: string, leaving: LeavingServer[] | null = null):
  Promise<string> {
  const input = { ...(await loadReportInput(runFolder, result, toolVersion)), leaving };
  const file = path.join(runFolder, REPORT_FILE_NAME);
  await writeFileAtomic(file, Buffer.from(renderReport(input), 'utf8'));
  return file;
}

/** The engine's hook: the result with ReportPath set; a dry run (Status Planned) writes nothing. */
export async function withUpgradeReport<R extends ReportResult>(
  runFolder: string,
  result: R,
  toolVersion: string,
  warn: (message: string) => void,
  /** The servers' way out of MFA Server (Completed runs; null: not looked at). */
  leaving: LeavingServer[] | null = null,
): Promise<R & { ReportPath: string | null }> {
  if (result.Status === 'Planned') return { ...result, ReportPath: null };
  try {
    const existing = path.join(runFolder, REPORT_FILE_NAME);
    if (await isNewerThanJournal(existing, path.join(runFolder, JOURNAL_FILE_NAME))) return { ...result, ReportPath: existing };
    return { ...result, ReportPath: await writeUpgradeReport(runFolder, result, toolVersion, leaving) };
  } catch (e) {
    warn(`The upgrade report could not be written to ${runFolder}: ${(e as Error).message}`);
    return { ...result, ReportPath: null };
  }
}

/**
 * A run that changed nothing (an upgrade that had already completed, run again) keeps the report of the run that did
 * the work: it is rewritten only when the journal changed after it was written.
 */
async function isNewerThanJournal(report: string, journal: string): Promise<boolean> {
  const [r, j] = await Promise.all([fs.stat(report).catch(() => undefined), fs.stat(journal).catch(() => undefined)]);
  return r !== undefined && j !== undefined && r.mtimeMs >= j.mtimeMs;
}

/**
 * An Undo's hook: report.html of the run folder written again with its rollback section (the Undo's status, steps and
 * what an Undo cannot bring back) above the upgrade's own account. A report that cannot be written never changes the
 * Undo's outcome.
 */
export async function withRollbackReport<R extends ReportRollback['result']>(
  runFolder: string,
  undo: R,
  toolVersion: string,
  warn: (message: string) => void,
): Promise<R & { ReportPath: string | null }> {
  try {
    const input = await loadRollbackReportInput(runFolder, undo, toolVersion);
    const file = path.join(runFolder, REPORT_FILE_NAME);
    await writeFileAtomic(file, Buffer.from(renderReport(input), 'utf8'));
    return { ...undo, ReportPath: file };
  } catch (e) {
    warn(`The report could not be written to ${runFolder}: ${(e as Error).message}`);
    return { ...undo, ReportPath: null };
  }
}
