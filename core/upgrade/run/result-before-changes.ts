/**
 * The result of a run that ended before it changed anything on a server (readiness, run guards, refused records):
 * one shape for all of them, so each says only why it stopped and what to do.
 */
import { notice } from '../../domain/plan';
import type { ReadinessRow } from '../../domain/readiness-types';
import type { UpgradeResult } from './upgrade-result';

export interface BeforeChanges {
  exitCode: number;
  message: string;
  nextAction: string;
  journalPath: string;
  readiness?: ReadinessRow[];
}

export function resultBeforeChanges(r: BeforeChanges): UpgradeResult {
  return {
    Status: 'Failed',
    ExitCode: r.exitCode,
    Message: r.message,
    NextAction: r.nextAction,
    Steps: [],
    BackupPath: [],
    JournalPath: r.journalPath,
    LogPath: null,
    ReportPath: null,
    RebootRequired: false,
    FollowUps: [],
    Notice: notice(),
    Readiness: r.readiness ?? [],
  };
}
