/**
 * Undo-MfaServerUpgrade's engine: takes the servers of a recorded upgrade back to their backups, from wherever the
 * upgrade stands (paused at a manual step, failed at an install, completed). An Undo is a run of its own step list
 * (undo-plan.ts) through the upgrade's machinery, not a copy of it: the same run folder, run lock and server claims
 * (run-guards.ts), the same step loop with its journal written before and after every step and its crash points
 * (step-loop.ts), the same stop records (run-stop.ts), the same CMTrace log and event-log entry, the same report.
 *
 * Its records are claims too: the upgrade's journal and plan are checked as every run checks them (run-records.ts),
 * the Undo's own journal and plan must agree with each other and name the upgrade they undo, and every backup must
 * verify before anything is removed, again right before the first uninstall. Killed at any point, the same command
 * goes on where the journal stands. A completed Undo sets the upgrade's records and its own aside (nothing is
 * deleted), so the next Invoke-MfaServerUpgrade starts a fresh run.
 */
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Host } from '../../host/host';
import type { OperationContext } from '../../util/operation-context';
import { Journal } from '../../journal/index';
import { JOURNAL_FILE_NAME, type JournalDocument } from '../../journal/journal-types';
import { commandWatcherFor, watchCommands } from '../../host/command-watch';
import { inventoryServer } from '../../survey/inventory';
import { planSha256 } from '../../domain/plan-parse';
import { UNDO_EXIT_CODES, undoEndEvent } from '../../domain/upgrade-exit-codes';
import { PLAN_FILE_NAME } from '../../report/report-input';
import { REPORT_FILE_NAME, withRollbackReport } from '../../report/index';
import { READINESS_FILE_NAME } from '../../journal/readiness-record';
import { writeFileAtomic } from '../../util/atomic-write';
import { whenCoreStops } from '../../util/core-stop';
import { CoreError, isCoreError } from '../../util/errors';
import { PartialFailure } from '../../util/partial-failure';
import type { CallerFacts } from '../../util/caller-facts';
import { crashPointForTests, journalFaultForTests } from '../run/crash-points';
import { recordRunEnd, runBy, runByLine, runFolder, runLogPath, takeOverRecords, withCmTraceLog, type RunOpened } from '../run/engine';
import { guardRun, type RunGuard } from '../run/run-guards';
import { CLAIM_FILE } from '../run/server-claim';
import { loadRunRecords, otherServers, RECORD_REFUSALS, setAsideFiles } from '../run/run-records';
import { protectRunFolder } from '../run/run-folder';
import { recordStopNow } from '../run/run-stop';
import { readServerIdentity, type ServerIdentity } from '../run/server-identity';
import { runSteps } from '../run/step-loop';
import { stepReports } from '../run/upgrade-result';
import { checkedBackup, gatherUndoFacts } from './undo-facts';
import { buildUndoPlan, parseUndoPlan, serializeUndoPlan, UNDO_JOURNAL_FILE_NAME, UNDO_PLAN_FILE_NAME, type UndoPlan, type UndoStep } from './undo-plan';
import type { UndoResult } from './undo-result';
import { UNDO_EXECUTORS, type UndoRunContext } from './undo-steps';

export interface UndoRequest {
  hosts: Host[];
  /** The -BackupDestination of the upgrade (its run folder is found there as Invoke-MfaServerUpgrade finds it). */
  backupDestination: string;
  caller?: CallerFacts;
  /** -ChangeId: recorded with each run of the Undo in its journal, the log and the report. */
  changeId?: string;
}

const ACTIVITY = 'Undoing the MFA Server upgrade';

interface UndoFiles {
  folder: string;
  journal: string;
  plan: string;
  upgradeJournal: string;
  upgradePlan: string;
}

function undoFiles(req: UndoRequest): UndoFiles {
  const folder = runFolder(req.backupDestination, req.hosts);
  return {
    folder,
    journal: path.join(folder, UNDO_JOURNAL_FILE_NAME),
    plan: path.join(folder, UNDO_PLAN_FILE_NAME),
    upgradeJournal: path.join(folder, JOURNAL_FILE_NAME),
    upgradePlan: path.join(folder, PLAN_FILE_NAME),
  };
}

export async function runUndo(req: UndoRequest, plainCtx: OperationContext): Promise<UndoResult> {
  const files = undoFiles(req);
  if (!existsSync(files.upgradeJournal) && !existsSync(files.journal)) {
    const error = new CoreError(
      'NoUpgradeToUndo',
      `${files.folder} holds no upgrade journal (${JOURNAL_FILE_NAME}) and no unfinished Undo of ${req.hosts.map((h) => h.computerName).join(', ')}: ` +
        `there is nothing to undo. An upgrade already undone has its records set aside there (*.set-aside-*).`,
      files.folder,
    );
    throw new PartialFailure([beforeChanges(files, `NoUpgradeToUndo: ${error.message}`, 'Give the -BackupDestination of the upgrade to undo.')], [error]);
  }
  if (plainCtx.dryRun) return planOnly(req, plainCtx, files);

  await protectRunFolder(files.folder);
  // A claim this Undo makes on servers no run owned (the upgrade had completed) is withdrawn if it changes nothing.
  const claimedBefore = (await Promise.all(req.hosts.map((h) => h.stat(CLAIM_FILE)))).every((s) => s !== undefined);
  const checked = await guardRun(req.hosts, files.folder, plainCtx);
  if ('refused' in checked) {
    const r = checked.refused;
    const exitCode = r.ExitCode === UNDO_EXIT_CODES.InstallerBusy ? r.ExitCode : UNDO_EXIT_CODES.FailedBeforeChanges;
    return { ...beforeChanges(files, r.Message, r.NextAction ?? ''), ExitCode: exitCode };
  }
  const guard: RunGuard = checked;
  let forgetLastWords: (() => void) | undefined;
  try {
    const { ctx, logPath, log, scope } = withCmTraceLog(req, plainCtx);
    const opened: RunOpened = { records: {}, log, logPath, tookOverFrom: guard.tookOverFrom?.pid, scope };
    // Written straight to the Undo's journal and the log (synchronously): no event can reach a PowerShell that is gone.
    forgetLastWords = whenCoreStops((stop) => recordStopNow(opened.records.journal, log, stop, files.folder));
    const ended = await watchCommands(commandWatcherFor(ctx), () => undoRun(req, ctx, files, opened)).catch((e: unknown) => refusedBeforeChanges(e, files));
    ctx.log(
      ended.Status === 'Completed' ? 'info' : 'warning',
      `Undo ${ended.Status} (exit code ${ended.ExitCode}): ${ended.Message}${ended.NextAction ? ` Next: ${ended.NextAction}` : ''}`,
    );
    const result: UndoResult = { ...ended, LogPath: logPath };
    await recordRunEnd(req, result, ctx, { name: 'Undo of the upgrade', event: undoEndEvent });
    const reported = await withRollbackReport(files.folder, result, ctx.toolVersion, (m) => ctx.log('warning', m));
    const final = result.Status === 'Completed' ? await setAsideAfterUndo(files, reported, guard, ctx) : reported;
    if (final.ExitCode === UNDO_EXIT_CODES.FailedBeforeChanges && !claimedBefore && !existsSync(files.journal)) await guard.releaseServers(ctx);
    const cause = causes.get(ended);
    if (cause) throw new PartialFailure([final], [cause]);
    return final;
  } finally {
    forgetLastWords?.();
    await guard.release();
  }
}

/** The error that ended an Undo, kept beside its result (the result is what the deployment kit reads; the error is named too). */
const causes = new WeakMap<UndoResult, CoreError>();

function beforeChanges(files: UndoFiles, message: string, nextAction: string): UndoResult {
  return {
    Status: 'Failed',
    ExitCode: UNDO_EXIT_CODES.FailedBeforeChanges,
    Message: message,
    NextAction: nextAction,
    Steps: [],
    BackupPath: [],
    JournalPath: files.journal,
    LogPath: null,
    ReportPath: null,
    RebootRequired: false,
    SetAside: [],
  };
}

/** A refusal on the records or the backups: nothing was changed by this Undo (69023), the error named. */
function refusedBeforeChanges(e: unknown, files: UndoFiles): UndoResult {
  const refusals = new Set([...RECORD_REFUSALS, 'UndoBackupInvalid', 'UndoPackageMissing', 'UndoRecordsMismatch', 'JournalNotFound']);
  if (!isCoreError(e) || !refusals.has(e.code)) throw e;
  const next = 'Nothing on the servers was changed by this Undo; do what the message says, then run it again.';
  const result = beforeChanges(files, `${e.code}: ${e.message}`, next);
  causes.set(result, e);
  return result;
}

/** -WhatIf: the Undo's plan (its recorded one, or the one it would make now), each step shown as an action; nothing is written. */
async function planOnly(req: UndoRequest, ctx: OperationContext, files: UndoFiles): Promise<UndoResult> {
  const { plan } = await openOrPlan(req, ctx, files, true);
  if (plan) {
    await runSteps<UndoStep>({
      steps: plan.Steps,
      journal: null,
      execute: () => Promise.resolve({ outcome: '' }),
      beforeFirstUninstall: () => Promise.resolve(),
      activity: ACTIVITY,
      ctx,
    });
  }
  return {
    ...beforeChanges(files, plan ? 'Dry run: nothing was changed.' : 'Dry run: the upgrade changed nothing; an Undo would set its records aside.', ''),
    Status: 'Planned',
    ExitCode: 0,
    NextAction: null,
    Steps: stepReports(plan?.Steps ?? [], null),
    BackupPath: backupsOf(plan),
  };
}

interface Opened {
  plan: UndoPlan | null;
  journal: Journal | null;
  resumed: boolean;
}

/** The Undo's recorded plan and journal (checked), or a new plan from the upgrade's records and the servers as they are. */
async function openOrPlan(req: UndoRequest, ctx: OperationContext, files: UndoFiles, dryRun: boolean): Promise<Opened> {
  const identities = await Promise.all(req.hosts.map((h) => readServerIdentity(h)));
  const upgrade = existsSync(files.upgradeJournal)
    ? await loadRunRecords({ journalPath: files.upgradeJournal, planPath: files.upgradePlan, backupDestination: req.backupDestination, replan: false,
      readOnly: dryRun })
    : null;
  if (upgrade) assertSameServers(upgrade.journal.document, identities, files.upgradeJournal);
  if (existsSync(files.journal)) return { ...(await openRecordedUndo(files, identities, upgrade?.journal.document.RunId, dryRun)), resumed: true };
  if (!upgrade) throw new CoreError('NoUpgradeToUndo', `${files.folder} holds no upgrade journal to undo.`, files.folder);

  const facts = await gatherUndoFacts(req.hosts, { plan: upgrade.plan, journal: upgrade.journal.document }, req.backupDestination);
  for (const name of facts.unchanged) ctx.log('info', `${name}: the upgrade changed nothing there (its backup step never completed); nothing to undo.`);
  if (facts.servers.length === 0) return { plan: null, journal: null, resumed: false };
  const plan = buildUndoPlan(facts.upgradeRunId, facts.servers);
  if (dryRun) return { plan, journal: null, resumed: false };
  const bytes = serializeUndoPlan(plan);
  await writeFileAtomic(files.plan, bytes);
  await crashPointForTests('undo-before-journal');
  const found = await Promise.all(req.hosts.map((h) => inventoryServer(h)));
  const journal = await Journal.create(
    files.journal,
    plan.Steps,
    { planSha256: planSha256(bytes), servers: identities.map((id, i) => ({ ...id, Found: found[i] })), runBy: runBy(req) },
    { Kind: 'Undo', UpgradeRunId: facts.upgradeRunId, Servers: req.hosts.map((h) => h.computerName).join(','), LogPath: runLogPath(req) },
    { beforeWrite: journalFaultForTests },
  );
  ctx.log('info', runByLine(runBy(req), false).replace(/^Started/, 'Undo started'));
  return { plan, journal, resumed: false };
}

/** The Undo's own journal and plan, read back as claims: well-formed, of each other, of these servers and of this upgrade. */
async function openRecordedUndo(
  files: UndoFiles,
  identities: ServerIdentity[],
  upgradeRunId: string | undefined,
  dryRun: boolean,
): Promise<Omit<Opened, 'resumed'>> {
  const journal = await Journal.load(files.journal, { beforeWrite: journalFaultForTests, tidy: !dryRun });
  const doc = journal.document;
  const bytes = await fs.readFile(files.plan).catch(async () => {
    // A completed Undo stopped while setting its records aside (its journal goes last): the plan it set aside is the
    // one this journal recorded when its SHA-256 says so, and the Undo finishes setting them aside.
    const setAside = await planSetAsideBy(files, journal.document.PlanSha256);
    if (setAside) return setAside;
    throw new CoreError(
      'PlanNotFound',
      `${files.journal} records an Undo but its plan ${files.plan} is missing, so the Undo cannot go on. Put it back, or move both away to plan the ` +
        `Undo again.`,
      files.plan,
    );
  });
  const plan = parseUndoPlan(bytes, files.plan);
  const mismatch = (why: string) =>
    new CoreError('UndoRecordsMismatch', `The Undo's records in ${files.folder} do not hold together: ${why}. Nothing was done.`, files.journal);
  if (doc.Meta.Kind !== 'Undo') throw mismatch(`${files.journal} is not an Undo's journal`);
  if (doc.PlanSha256 !== planSha256(bytes)) throw mismatch(`the plan's SHA-256 is not the one the journal recorded`);
  const same = doc.Steps.length === plan.Steps.length && plan.Steps.every((s, i) => doc.Steps[i].Id === s.Id && doc.Steps[i].Action === s.Action);
  if (!same) throw mismatch('the journal and the plan list other steps');
  if (doc.Meta.UpgradeRunId !== plan.UpgradeRunId) throw mismatch('the journal and the plan name other upgrades');
  if (upgradeRunId !== undefined && upgradeRunId !== plan.UpgradeRunId) {
    throw mismatch(`they undo upgrade ${plan.UpgradeRunId}, the journal beside them is ${upgradeRunId}`);
  }
  assertSameServers(doc, identities, files.journal);
  return { plan, journal };
}

function assertSameServers(doc: JournalDocument, identities: ServerIdentity[], file: string): void {
  const others = otherServers(doc, identities);
  if (!others) return;
  throw new CoreError(
    'JournalOfAnotherServer',
    `The journal ${file} records ${others.recorded}; this server is ${others.now}: another machine with the same name, or one rebuilt since. Nothing was ` +
      `done: an Undo takes back only what was done to these servers.`,
    file,
  );
}

async function undoRun(req: UndoRequest, ctx: OperationContext, files: UndoFiles, opened: RunOpened): Promise<UndoResult> {
  const started = await openOrPlan(req, ctx, files, false);
  const { plan, journal } = started;
  if (!plan || !journal) {
    return { ...beforeChanges(files, 'The upgrade had changed nothing on the servers (no backup step completed): there was nothing to undo.', ''),
      Status: 'Completed', ExitCode: UNDO_EXIT_CODES.Completed, NextAction: null };
  }
  await takeOverRecords(journal, started.resumed, opened, ctx);
  if (started.resumed) {
    await journal.recordRun(runBy(req));
    ctx.log('info', runByLine(runBy(req), true).replace(/^Resumed/, 'Undo resumed'));
  }
  if (journal.status === 'Completed') return finish(plan, journal, files, 'The Undo had completed; its records are set aside now.', false);

  const byName = new Map(req.hosts.map((h) => [h.computerName.toLowerCase(), h]));
  const run: UndoRunContext = {
    host: (name) => {
      const h = byName.get(name.toLowerCase());
      if (!h) throw new CoreError('ServerNotInRun', `The Undo's plan names server ${name}, which is not among the targets of this run.`, name);
      return h;
    },
    toolVersion: ctx.toolVersion,
    log: (level, message) => ctx.log(level, message),
  };
  const end = await runSteps<UndoStep>({
    steps: plan.Steps,
    journal,
    execute: (step) => UNDO_EXECUTORS[step.Action](step, run),
    // Nothing destructive on a claim: every backup still verifies, right before the first removal of this run.
    beforeFirstUninstall: async () => {
      for (const s of uniqueBackups(plan)) await checkedBackup(s.backupPath, s.computerName);
    },
    onStep: (step) => {
      opened.scope.step = step?.Id;
    },
    activity: ACTIVITY,
    ctx,
  });
  switch (end.kind) {
    case 'Completed':
      return finish(plan, journal, files, 'The Undo completed: every server is back to its backup and verified against it.', end.reboot);
    case 'NotApproved':
      return { ...finish(plan, journal, files, `Step ${end.step.Id} was not approved; nothing after it ran.`, end.reboot), Status: 'Paused',
        ExitCode: UNDO_EXIT_CODES.NotApproved, NextAction: 'Run Undo-MfaServerUpgrade again to go on from that step.' };
    case 'Paused':
      // A file the Undo will not overwrite (undo-consumer-step.ts): the admin's to decide, then the same command goes on.
      return { ...failure(plan, journal, files, end.step, new Error(end.instruction), end.reboot), Status: 'Paused',
        Message: `Step ${end.step.Id} stopped: ${end.instruction}`, NextAction: end.instruction };
    default: {
      const error = end.error;
      const failed = failure(plan, journal, files, end.step, error, end.reboot);
      if (end.kind === 'JournalLost') causes.set(failed, end.error);
      return failed;
    }
  }
}

function uniqueBackups(plan: UndoPlan): { backupPath: string; computerName: string }[] {
  const seen = new Map<string, { backupPath: string; computerName: string }>();
  for (const s of plan.Steps) {
    const p = s.Parameters.backupPath;
    if (typeof p === 'string' && !seen.has(p)) seen.set(p, { backupPath: p, computerName: s.ComputerName });
  }
  return [...seen.values()];
}

function backupsOf(plan: UndoPlan | null): string[] {
  return plan ? uniqueBackups(plan).map((b) => b.backupPath) : [];
}


/** What steps that completed leave to the admin (AD FS registers the restored adapter config again). */
function followUps(plan: UndoPlan, journal: Journal): string[] {
  return plan.Steps.map((s) => (journal.has(s.Id) ? journal.step(s.Id).Data?.FollowUp : undefined)).filter((f): f is string => typeof f === 'string');
}

function finish(plan: UndoPlan, journal: Journal, files: UndoFiles, message: string, reboot: boolean): UndoResult {
  return {
    Status: 'Completed',
    ExitCode: reboot ? UNDO_EXIT_CODES.CompletedRebootRequired : UNDO_EXIT_CODES.Completed,
    Message: message,
    NextAction: [reboot ? 'Restart the server to finish.' : '', ...followUps(plan, journal)].filter(Boolean).join(' ') || null,
    Steps: stepReports(plan?.Steps ?? [], journal),
    BackupPath: backupsOf(plan),
    JournalPath: files.journal,
    LogPath: null,
    ReportPath: null,
    RebootRequired: reboot,
    SetAside: [],
  };
}

/** A failed step: 69022 once any step of the Undo changed a server, else 69023; 1618 when Windows Installer was busy. */
function failure(plan: UndoPlan, journal: Journal, files: UndoFiles, step: UndoStep, error: unknown, reboot: boolean): UndoResult {
  const message = isCoreError(error) ? `${error.code}: ${error.message}` : (error as Error).message;
  // Every action but Verify changes a server; one that started (even if it then failed) may have.
  const touched = plan.Steps.some((s) => s.Action !== 'Verify' && ['Completed', 'Running', 'Failed'].includes(journal.step(s.Id).Status));
  const busy = isCoreError(error) && error.code === 'InstallerBusy';
  const exitCode = busy ? UNDO_EXIT_CODES.InstallerBusy : touched ? UNDO_EXIT_CODES.Failed : UNDO_EXIT_CODES.FailedBeforeChanges;
  return {
    ...finish(plan, journal, files, `Step ${step.Id} failed: ${message}`, reboot),
    Status: 'Failed',
    ExitCode: exitCode,
    NextAction: busy
      ? `Another installation was running, so Windows Installer did not start ${step.Id}. Run Undo-MfaServerUpgrade again later; it goes on from there.`
      : `Fix the cause and run Undo-MfaServerUpgrade again with the same -BackupDestination: it goes on from ${step.Id}. The journal ${files.journal} says ` +
        `what each step did.`,
  };
}

/**
 * A completed Undo: the upgrade's records and the Undo's own (journal, plan, readiness, report) are kept under
 * set-aside names, so the next Invoke-MfaServerUpgrade starts a fresh run; the servers are released.
 */
async function setAsideAfterUndo(files: UndoFiles, result: UndoResult, guard: RunGuard, ctx: OperationContext): Promise<UndoResult> {
  const report = path.join(files.folder, REPORT_FILE_NAME);
  // Kill-safe order: the servers are released first (a new claim is made by a run again), and the Undo's journal is
  // set aside last, so that until the very last rename a stopped Undo, run again, finds its journal and finishes this.
  await guard.releaseServers(ctx);
  const kept = await setAsideFiles(
    [files.upgradeJournal, files.upgradePlan, path.join(files.folder, READINESS_FILE_NAME), report, files.plan, files.journal],
    'the upgrade was undone by Undo-MfaServerUpgrade; a new Invoke-MfaServerUpgrade starts a fresh run',
  );
  const renamed = (p: string | null) => (p ? kept.find((k) => path.basename(k).startsWith(`${path.parse(p).name}.set-aside-`)) ?? p : p);
  ctx.log('info', `The upgrade's and the Undo's records were set aside: ${kept.join(', ')}.`);
  return { ...result, JournalPath: renamed(result.JournalPath) ?? result.JournalPath, ReportPath: renamed(result.ReportPath), SetAside: kept };
}

/** The Undo plan this folder set aside whose SHA-256 is the one its journal recorded, or undefined. */
async function planSetAsideBy(files: UndoFiles, recordedSha256: string | undefined): Promise<Buffer | undefined> {
  if (!recordedSha256) return undefined;
  const { name, ext } = path.parse(files.plan);
  const candidates = (await fs.readdir(files.folder)).filter((n) => n.startsWith(`${name}.set-aside-`) && n.endsWith(ext));
  for (const candidate of candidates) {
    const bytes = await fs.readFile(path.join(files.folder, candidate));
    if (planSha256(bytes) === recordedSha256) return bytes;
  }
  return undefined;
}
