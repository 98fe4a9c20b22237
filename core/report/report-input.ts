/**
 * What the report is made of, read from the run folder: plan.json and journal.json (written by the engine), and for
 * each backup its manifest.json (files and SHA-256) and inventory.json (what Get-PhoneFactorComponent found).
 * A missing or damaged record leaves its section empty with a note; the report is still written.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { UpgradePlan } from '../domain/plan-types';
import type { ServerInventory } from '../domain/inventory-types';
import { INVENTORY_FILE } from '../backup/backup-items';
import { loadReadiness } from '../journal/readiness-record';
import type { ReadinessRow, WebTierRow } from '../domain/readiness-types';
import { loadWebTierAfter } from '../journal/webtier-record';
import type { JournalDocument } from '../journal/journal-types';
import { JOURNAL_FILE_NAME, UNDO_JOURNAL_FILE_NAME } from '../journal/journal-types';
import { parseJournal } from '../journal/journal-parse';
import { parsePlan } from '../domain/plan-parse';
import { readManifest, type BackupManifest } from '../backup/manifest';
import { readWebConfigSettings } from '../webconfig/read-settings';
import { isSecret, redactor } from '../util/secrets';
import type { LeavingServer } from '../migration/index';

/** The fields of Invoke-MfaServerUpgrade's result the report shows (core/upgrade/run/upgrade-result.ts UpgradeResult). */
export interface ReportResult {
  Status: string;
  ExitCode: number;
  Message: string;
  NextAction: string | null;
  Steps: { Order: number; Id: string; Action: string; ComputerName: string; Kind: string; Status: string; DurationMs: number | null; Outcome: string | null }[];
  BackupPath: string[];
  JournalPath: string;
  LogPath: string | null;
  RebootRequired: boolean;
  FollowUps: string[];
  Notice: string;
}

export interface ReportBackup {
  path: string;
  manifest: BackupManifest | null;
  /** Why the manifest could not be read. */
  problem: string | null;
}

/** An Undo of the upgrade (Undo-MfaServerUpgrade): its result and its journal (undo-journal.json), for the rollback section. */
export interface ReportRollback {
  result: Pick<ReportResult, 'Status' | 'ExitCode' | 'Message' | 'NextAction' | 'Steps' | 'JournalPath' | 'LogPath' | 'RebootRequired'>;
  journal: JournalDocument | null;
}

export interface ReportInput {
  result: ReportResult;
  /** Set when the report is an Undo's: the header and the rollback section are the Undo's, the rest the upgrade's. */
  rollback?: ReportRollback | null;
  plan: UpgradePlan | null;
  journal: JournalDocument | null;
  inventories: ServerInventory[];
  backups: ReportBackup[];
  runFolder: string;
  toolVersion: string;
  generatedAt: Date;
  /** The readiness checks of the run's start (readiness.json); [] when none were run. */
  readiness: ReadinessRow[];
  /** The web tier probed when the run completed (-WebTier, webtier-after.json); [] when not asked for. */
  webTierAfter: WebTierRow[];
  /** The MFA servers' way out (usage, migration readiness), looked at when the run completed; null otherwise. */
  leaving?: LeavingServer[] | null;
}

export const PLAN_FILE_NAME = 'plan.json';

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** The readiness rows as the run wrote them (checked against the journal's hash when there is one), or none. */
async function readinessFor(runFolder: string, journal: JournalDocument | null): Promise<ReportInput['readiness']> {
  const recorded = journal?.Meta.ReadinessSha256;
  return (await loadReadiness(runFolder, typeof recorded === 'string' ? recorded : undefined)).rows;
}

async function readChecked<T>(file: string, parse: (bytes: Buffer, file: string) => T): Promise<T | null> {
  try {
    return parse(await fs.readFile(file), file);
  } catch {
    return null;
  }
}

export async function loadReportInput(runFolder: string, result: ReportResult, toolVersion: string, generatedAt = new Date()): Promise<ReportInput> {
  // Both are checked as the engine checks them (a run refused on a damaged plan still gets its report, without it).
  const plan = await readChecked(path.join(runFolder, PLAN_FILE_NAME), (bytes, file) => parsePlan(bytes, file));
  const journal = await readChecked(path.join(runFolder, JOURNAL_FILE_NAME), (bytes, file) => parseJournal(bytes.toString('utf8'), file));
  const backups: ReportBackup[] = [];
  const inventories: ServerInventory[] = [];
  for (const backupPath of result.BackupPath) {
    const read = await readManifest(backupPath);
    if (read.ok) await registerBackupSecrets(backupPath, read.manifest);
    backups.push({ path: backupPath, manifest: read.ok ? read.manifest : null, problem: read.ok ? null : read.reason });
    const inventory = await readJson<ServerInventory>(path.join(backupPath, INVENTORY_FILE));
    if (inventory && Array.isArray(inventory.Components)) inventories.push(inventory);
  }
  return {
    result, plan, journal, inventories, backups, runFolder, toolVersion, generatedAt,
    readiness: await readinessFor(runFolder, journal),
    webTierAfter: await loadWebTierAfter(runFolder),
  };
}

/**
 * Belt and braces: the secret values of the backed-up web.configs (the SDK account's password) are registered with
 * the redactor, so that even an outcome or message that quoted one could not carry it into the report.
 */
async function registerBackupSecrets(backupPath: string, manifest: BackupManifest): Promise<void> {
  for (const file of manifest.files.filter((f) => /(^|\\)web\.config$/i.test(f.relativePath))) {
    try {
      const bytes = await fs.readFile(path.join(backupPath, ...file.relativePath.split('\\')));
      const settings = readWebConfigSettings({ path: file.relativePath, bytes });
      for (const s of settings.appSettings) if (isSecret(s.key, s.value)) redactor.register(s.value);
      for (const s of settings.applicationSettings) if (isSecret(s.name, s.value)) redactor.register(s.value);
    } catch {
      // An unreadable web.config holds nothing the report shows: its values reach the report only through the rule.
    }
  }
}

/**
 * The report of an Undo: the upgrade's records as the run folder holds them (its result rebuilt from its plan and
 * journal: each step's status, its backups), and the Undo's result and journal for the rollback section.
 */
export async function loadRollbackReportInput(runFolder: string, undo: ReportRollback['result'], toolVersion: string): Promise<ReportInput> {
  const plan = await readChecked(path.join(runFolder, PLAN_FILE_NAME), (bytes, file) => parsePlan(bytes, file));
  const journal = await readChecked(path.join(runFolder, JOURNAL_FILE_NAME), (bytes, file) => parseJournal(bytes.toString('utf8'), file));
  const undoJournal = await readChecked(path.join(runFolder, UNDO_JOURNAL_FILE_NAME), (bytes, file) => parseJournal(bytes.toString('utf8'), file));
  const stepOf = (id: string) => journal?.Steps.find((s) => s.Id === id);
  const upgrade: ReportResult = {
    Status: journal?.Status ?? 'Unknown',
    ExitCode: undo.ExitCode,
    Message: undo.Message,
    NextAction: undo.NextAction,
    Steps: (plan?.Steps ?? []).map((s) => ({
      Order: s.Order,
      Id: s.Id,
      Action: s.Action,
      ComputerName: s.ComputerName,
      Kind: s.Kind,
      Status: stepOf(s.Id)?.Status ?? 'Planned',
      DurationMs: stepOf(s.Id)?.DurationMs ?? null,
      Outcome: stepOf(s.Id)?.Outcome ?? null,
    })),
    BackupPath: (journal?.Steps ?? []).filter((s) => s.Action === 'Backup' && typeof s.Data.BackupPath === 'string').map((s) => String(s.Data.BackupPath)),
    JournalPath: path.join(runFolder, JOURNAL_FILE_NAME),
    LogPath: undo.LogPath,
    RebootRequired: undo.RebootRequired,
    FollowUps: [],
    Notice: '',
  };
  return { ...(await loadReportInput(runFolder, upgrade, toolVersion)), rollback: { result: undo, journal: undoJournal } };
}
