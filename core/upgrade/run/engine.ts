/**
 * Invoke-MfaServerUpgrade's engine: runs a plan step by step with a durable journal written before and after each
 * step. Killed at any point, a run with -Resume continues from the journal; a step left "Running" is re-run, and each
 * executor checks the server's state first, so nothing is done twice. Nothing is uninstalled before every server's
 * backup is verified (the plan orders it so; the engine refuses a plan that does not).
 */
import { promises as fs, existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Host } from '../../host/host';
import type { OperationContext } from '../../util/operation-context';
import type { PlanStep, UpgradeGoal, UpgradePlan, VirtualDirectoryNaming } from '../../domain/plan-types';
import type { WebComponentName } from '../../domain/catalog';
import { buildUpgradePlan } from '../../domain/plan';
import { Journal, takeEarlyStops } from '../../journal/index';
import { guardRun, type RunGuard } from './run-guards';
import { gatherPlanInput } from '../plan-input';
import { EXECUTORS } from './steps';
import { runSteps } from './step-loop';
import type { RunContext } from './run-context';
import { assertBackupsCoverUninstalls } from './backup-gate';
import { BACKUP_DOES_NOT_COVER } from '../../backup/backup-coverage';
import { UPGRADE_RUN_FOLDER_PREFIX } from '../../backup/retention';
import { RUN_END_EVENT_SOURCE, runEndEvent, UPGRADE_EXIT_CODES } from '../../domain/upgrade-exit-codes';
import { writeFileAtomic } from '../../util/atomic-write';
import { CoreError, isCoreError } from '../../util/errors';
import { pathSegmentFromName } from '../../util/windows-path';
import { makeLocalFolder } from '../../util/local-folder';
import { CmTraceLog } from '../../log/index';
import { whenCoreStops } from '../../util/core-stop';
import { endedWithoutRecord, recordStopLater, recordStopNow, stopLogLine, RUN_LOG_FILE_NAME } from './run-stop';
import { LOG_FOLDER } from '../installers';
import { withUpgradeReport } from '../../report/index';
import { testWebTier, type ProbeOptions } from '../../webtier/index';
import { saveWebTierAfter } from '../../journal/webtier-record';
import { webTierDetail, webTierRow } from '../webtier-results';
import { leavingMfaServer, type LeavingServer } from '../../migration/index';
import { acceptedRisks, checkReadinessGate } from '../readiness/gate';
import { loadReadiness, saveReadiness } from '../../journal/readiness-record';
import type { ReadinessCheckName, ReadinessRow } from '../../domain/readiness-types';
import { commandWatcherFor, watchCommands } from '../../host/command-watch';
import { PartialFailure } from '../../util/partial-failure';
import { planSha256, serializePlan } from '../../domain/plan-parse';
import { crashPointForTests } from './crash-points';
import { openRunRecords, RECORD_REFUSALS } from './run-records';
import { readServerIdentity } from './server-identity';
import { protectRunFolder } from './run-folder';
import { assertPlanInstallers } from '../plan-installers';
import { journalFaultForTests } from './crash-points';
import { resultBeforeChanges } from './result-before-changes';
import { pausedNextAction, stepReports, type UpgradeResult } from './upgrade-result';
import { callerFacts, type CallerFacts } from '../../util/caller-facts';
import type { JournalRunBy } from '../../journal/journal-types';
import { readReviewedPlan, type ReviewedPlan } from './reviewed-plan-file';
import { assertNoPlanParameterConflict } from './reviewed-plan-request';
import { checkReviewedPlan, type CheckedReviewedPlan } from './reviewed-plan-check';

export interface UpgradeRequest {
  hosts: Host[];
  installerPath: string;
  /** undefined when not given: a new run takes New, a resumed one the naming it recorded. */
  naming?: VirtualDirectoryNaming;
  /** -Goal; undefined when not given: a new run takes Upgrade, a resumed one the goal it recorded. */
  goal?: UpgradeGoal;
  /** -KeepWebComponent (Migrate); undefined when not given: a new run keeps none, a resumed one what it recorded. */
  keepWebComponents?: WebComponentName[];
  /** Local folder for the backups, the journal and the plan. */
  backupDestination: string;
  resume: boolean;
  /** Readiness checks whose Failed result the admin accepts as a named risk (-SkipReadiness). */
  skipReadiness?: ReadinessCheckName[];
  /** -Replan: plan the rest of a recorded run again with the parameters given now. */
  replan?: boolean;
  /** -RollbackMediaPath: a folder on each server holding the installers of the PhoneFactor products installed now. */
  rollbackMediaPath?: string;
  /** -WebTier: the web tier probed before (readiness, the old endpoints) and after (the report, the new ones). */
  webTier?: ProbeOptions;
  /** Who runs it and from where (the transport's caller facts); absent: this process. */
  caller?: CallerFacts;
  /** -ChangeId: the change number the run is done under, recorded with each run in the journal, log and report. */
  changeId?: string;
  /** -PlanPath, read and checked: the run starts from exactly this plan, after comparing it with the live servers. */
  reviewedPlan?: ReviewedPlan;
}

/**
 * Invoke-MfaServerUpgrade's parameters as given: with -PlanPath the plan-shaping ones come from the reviewed plan
 * (reviewed-plan-request.ts), so -InstallerPath may be absent then.
 */
export type UpgradeCommand = Omit<UpgradeRequest, 'installerPath' | 'reviewedPlan'> & { installerPath?: string; planPath?: string };

/** Who runs this run, as the journal records it. */
export function runBy(req: Pick<UpgradeRequest, 'caller' | 'changeId'>): JournalRunBy {
  const caller = req.caller ?? callerFacts();
  return { Account: caller.account, Machine: caller.machine, ChangeId: req.changeId ?? null };
}

/** The run's first log line: who, from where, under which change. */
export function runByLine(by: JournalRunBy, resumed: boolean): string {
  return `${resumed ? 'Resumed' : 'Started'} by ${by.Account} on ${by.Machine}${by.ChangeId ? ` under change ${by.ChangeId}` : ' (no -ChangeId given)'}.`;
}

/**
 * The run folder, <BackupDestination>\MfaServerUpgrade-<servers>. The computer names come from the servers (or a lab's
 * server.json), so each must be a plain name (pathSegmentFromName): refused, not cleaned, since the folder is how the
 * next run finds this one's journal, and a cleaned name could meet another server's.
 */
export function runFolder(backupDestination: string, hosts: Host[]): string {
  const names = hosts.map((h) => pathSegmentFromName(h.computerName, 'The computer name', 'ComputerName'));
  const name = pathSegmentFromName(`${UPGRADE_RUN_FOLDER_PREFIX}${names.join('+')}`, 'The run folder name', 'BackupDestination');
  return path.join(backupDestination, name);
}

/**
 * The CMTrace log ConfigMgr admins read, on the first server (the MFA server in the plan's order), beside the MSI logs;
 * every line the engine reports also goes there (secrets are redacted by the writer). When that server is remote its
 * disk is not ours to append to line by line, so the log goes into the run folder here, beside journal.json.
 */
/** Where a log line comes from: the step running now (its id is the CMTrace component), or the run itself. */
export interface LogScope {
  step?: string;
}

/** What the run's log needs of its request (an upgrade's, or an Undo's). */
export type LoggedRequest = Pick<UpgradeRequest, 'hosts' | 'backupDestination' | 'caller' | 'changeId'>;

export function withCmTraceLog(
  req: LoggedRequest,
  ctx: OperationContext,
): { ctx: OperationContext; logPath: string | null; log?: CmTraceLog; scope: LogScope } {
  const scope: LogScope = {};
  if (ctx.dryRun || req.hosts.length === 0) return { ctx, logPath: null, scope };
  const local = runLogPath(req);
  // CMTrace's context column names who ran the upgrade (SYSTEM by its SID), not only the account the core runs as.
  const log = new CmTraceLog({ path: local, component: 'MfaServerUpgrade', context: runBy(req).Account });
  const logged: OperationContext = {
    ...ctx,
    act: ctx.act.bind(ctx),
    progress: ctx.progress.bind(ctx),
    log: (level, message) => {
      // A line logged while a step runs names the step in CMTrace's component column (filterable there).
      if (level !== 'verbose') log.write(message, level === 'warning' ? 'Warning' : 'Info', scope.step ? { component: scope.step } : {});
      ctx.log(level, message);
    },
  };
  return { ctx: logged, logPath: local, log, scope };
}

/** Where the run's CMTrace log is (recorded in its journal: the module's stop record writes there and nowhere else). */
export function runLogPath(req: Pick<UpgradeRequest, 'hosts' | 'backupDestination'>): string {
  return req.hosts[0].localPath(`${LOG_FOLDER}\\${RUN_LOG_FILE_NAME}`) ?? path.join(runFolder(req.backupDestination, req.hosts), RUN_LOG_FILE_NAME);
}

export async function runUpgrade(command: UpgradeCommand, plainCtx: OperationContext): Promise<UpgradeResult> {
  const folder = runFolder(command.backupDestination, command.hosts);
  const req = await upgradeRequestOf(command).catch((e) => refusedBeforeRun(command, plainCtx, folder, e));
  // A fresh run checks readiness before it writes anything to a server (not even its claim); a resumed run already
  // changed servers, and a restart the upgrade itself asked for must not block it. A run that finds its records
  // belong to another run (set aside) starts fresh too: it checks readiness then (openOrStart).
  const readiness: RunReadiness = { rows: [], checked: false, reviewed: undefined };
  if (!plainCtx.dryRun && !existsSync(path.join(folder, 'journal.json'))) {
    const { ctx, logPath } = withCmTraceLog(req, plainCtx);
    // A reviewed plan is compared with the live servers first: a plan that no longer fits is refused before anything.
    if (req.reviewedPlan) readiness.reviewed = await checkReviewedPlan(req.reviewedPlan, req.hosts, (m) => ctx.log('warning', m))
      .catch((e) => refusedBeforeRun(req, plainCtx, folder, e));
    const refused = await readinessGate(req, ctx, folder, readiness);
    if (refused) {
      const result = logged(ctx, logPath, refused);
      await recordRunEnd(req, result, ctx);
      return await withUpgradeReport(folder, result, ctx.toolVersion, (m) => ctx.log('warning', m));
    }
  }
  // Passed checks are written with the journal (once this run holds the run lock); a resumed run reads them back
  // when it opens the journal (openOrStart).
  const result = await runGuarded(req, plainCtx, folder, readiness);
  return { ...result, Readiness: readiness.rows };
}

/** The request of a run: as given, or with -PlanPath the reviewed plan read, checked and its parameters taken. */
async function upgradeRequestOf(command: UpgradeCommand): Promise<UpgradeRequest> {
  const { planPath, ...given } = command;
  if (planPath === undefined) {
    if (given.installerPath === undefined) {
      const why = '-InstallerPath is required: the folder of the MFA Server media (or give a reviewed plan with -PlanPath).';
      throw new CoreError('InvalidParameter', why, 'InstallerPath');
    }
    return { ...given, installerPath: given.installerPath };
  }
  const reviewed = await readReviewedPlan(planPath);
  assertNoPlanParameterConflict(reviewed, { ...given, replan: given.replan });
  const o = reviewed.document.Source.Options;
  const fromPlan = { installerPath: o.InstallerPath, naming: o.VirtualDirectoryNaming, goal: o.Goal, keepWebComponents: o.KeepWebComponent };
  return { ...given, ...fromPlan, reviewedPlan: reviewed };
}

/**
 * A run refused on the reviewed plan it was given (-PlanPath) changed nothing: the same 69003 result with the error
 * named as a refusal of the run folder's records (refusedOnRecords), said in the run's log and the event log. No
 * report.html: a refused command is no run, and the run folder may hold another run's report.
 */
async function refusedBeforeRun(req: LoggedRequest, plainCtx: OperationContext, folder: string, e: unknown): Promise<never> {
  const refused = refusedOnRecords(e, folder);
  if (plainCtx.dryRun) throw new PartialFailure([refused], [causeOf(refused)!]);
  const { ctx, logPath } = withCmTraceLog(req, plainCtx);
  const result = logged(ctx, logPath, refused);
  await recordRunEnd(req, result, ctx);
  throw new PartialFailure([result], [causeOf(refused)!]);
}

/** The readiness rows of this run, and whether they were checked by this call (rather than read back). */
interface RunReadiness {
  rows: ReadinessRow[];
  checked: boolean;
  /** The reviewed plan (-PlanPath) as compared with the live servers by this call, before its readiness checks. */
  reviewed: CheckedReviewedPlan | undefined;
}

/** Checks readiness now; the refusal result when a Failed check blocks the run (readiness.json then holds why). */
async function readinessGate(req: UpgradeRequest, ctx: OperationContext, folder: string, readiness: RunReadiness): Promise<UpgradeResult | null> {
  const gate = await checkReadinessGate(
    {
      hosts: req.hosts,
      installerPath: req.installerPath,
      backupDestination: req.backupDestination,
      skip: req.skipReadiness ?? [],
      rollbackMediaPath: req.rollbackMediaPath,
      webTier: req.webTier,
    },
    ctx,
  );
  Object.assign(readiness, { rows: gate.rows, checked: true });
  if (gate.blocking.length === 0) return null;
  await saveReadiness(folder, gate.rows);
  return readinessRefusal(folder, gate.rows, gate.blocking);
}

/**
 * A recorded run's readiness rows, read back as a claim: well-formed, and unchanged since the run wrote them (the
 * journal, already checked, keeps their SHA-256).
 */
async function readinessOnRecord(folder: string, journal: Journal, ctx: OperationContext, readiness: RunReadiness): Promise<void> {
  if (ctx.dryRun || readiness.checked) return;
  const recorded = journal.document.Meta.ReadinessSha256;
  const { rows, problem } = await loadReadiness(folder, typeof recorded === 'string' ? recorded : undefined);
  if (problem) ctx.log('warning', problem);
  readiness.rows = rows;
}

/** The run stopped by Failed readiness checks: nothing on any server was changed. */
function readinessRefusal(folder: string, rows: ReadinessRow[], blocking: ReadinessRow[]): UpgradeResult {
  const names = [...new Set(blocking.map((r) => r.Check))];
  return resultBeforeChanges({
    exitCode: UPGRADE_EXIT_CODES.FailedBeforeChanges,
    message: `Readiness checks failed, so nothing was changed: ${blocking.map((r) => `${r.Check} on ${r.ComputerName} (${r.Detail})`).join('; ')}`,
    nextAction: `${[...new Set(blocking.map((r) => r.Action).filter((a): a is string => !!a))].join(' ')} Then run the same command again. To go on despite ` +
      `a named risk, add -SkipReadiness ${names.join(', ')} (recorded in the journal and the report).`,
    journalPath: path.join(folder, 'journal.json'),
    readiness: rows,
  });
}

async function runGuarded(req: UpgradeRequest, plainCtx: OperationContext, folder: string, readiness: RunReadiness): Promise<UpgradeResult> {
  let guard: RunGuard | undefined;
  let forgetLastWords: (() => void) | undefined;
  /** The run's journal once it is open: the last words of a core that stops early are written into it. */
  const records: RunRecords = {};
  if (!plainCtx.dryRun) {
    await makeLocalFolder(folder);
    await protectRunFolder(folder);
    const checked = await guardRun(req.hosts, folder, plainCtx);
    if ('refused' in checked) {
      await fs.rmdir(folder).catch(() => undefined); // made for run.lock alone: gone again unless another run uses it
      return checked.refused;
    }
    guard = checked;
  }
  try {
    const { ctx, logPath, log, scope } = withCmTraceLog(req, plainCtx);
    // Written straight to the journal and the log (synchronously): no event can reach a PowerShell that is gone.
    forgetLastWords = guard ? whenCoreStops((stop) => recordStopNow(records.journal, log, stop, folder)) : undefined;
    if (guard?.tookOverFrom) {
      const t = guard.tookOverFrom;
      ctx.log(
        'warning',
        `A run lock was left by process ${t.pid} of ${t.user} on ${t.computerName} (started ${t.startedUtc}), which no longer runs; this run took it over.`,
      );
    }
    const opened: RunOpened = { records, log, logPath, tookOverFrom: guard?.tookOverFrom?.pid, scope };
    // What the Windows adapter waits for (each program, its time-out, a long wait) goes into the CMTrace log too.
    const ended = await watchCommands(commandWatcherFor(ctx), () => runPlan(req, ctx, folder, readiness, opened)).catch((e) => refusedOnRecords(e, folder));
    const result = logged(ctx, logPath, ended);
    if (result.Status === 'Completed' && req.webTier && !ctx.dryRun) await recordWebTierAfter(req, folder, ctx);
    await recordRunEnd(req, result, ctx);
    if (result.Status === 'Completed') await guard?.releaseServers(ctx);
    const reported = await withUpgradeReport(folder, result, ctx.toolVersion, (m) => ctx.log('warning', m), await leavingOf(req, result, ctx));
    const cause = causeOf(ended);
    // The result (with its exit code) and the error that ended the run, named, both reach the caller.
    if (cause) throw new PartialFailure([{ ...reported, Readiness: readiness.rows }], [cause]);
    return reported;
  } finally {
    forgetLastWords?.();
    // A run that ended before it recorded anything (bad media path, refused plan) owns nothing on the servers.
    if (guard && !existsSync(path.join(folder, 'journal.json'))) await guard.releaseServers(plainCtx);
    await guard?.release();
  }
}

/**
 * -WebTier: the new endpoints probed once the run completed, kept for the report (webtier-after.json). A failure is
 * said in the log; the run's outcome stays what the verification found (Test-MfaServerUpgrade -WebTier and the
 * detection script's -WebTier make it count).
 */
async function recordWebTierAfter(req: UpgradeRequest, folder: string, ctx: OperationContext): Promise<void> {
  try {
    const probes = await testWebTier(req.hosts, { options: req.webTier! }, (m) => ctx.log('warning', m));
    for (const p of probes.filter((x) => x.outcome.result !== 'Passed')) ctx.log('warning', `Web tier after the upgrade: ${webTierDetail(p)}`);
    await saveWebTierAfter(folder, probes.map(webTierRow));
  } catch (e) {
    ctx.log('warning', `The web tier could not be probed after the upgrade: ${(e as Error).message}`);
  }
}

/** The run's journal, once open (set by runPlan, read by the last words of a core that stops early). */
export interface RunRecords {
  journal?: Journal;
}

/** What runGuarded hands runPlan about the run it opened. */
export interface RunOpened {
  records: RunRecords;
  log: CmTraceLog | undefined;
  logPath: string | null;
  /** The process of an earlier run whose lock this run took over (it no longer runs). */
  tookOverFrom: number | undefined;
  /** The step whose lines are being logged (CMTrace component). */
  scope: LogScope;
}

async function runPlan(req: UpgradeRequest, ctx: OperationContext, folder: string, readiness: RunReadiness, opened?: RunOpened): Promise<UpgradeResult> {
  const journalPath = path.join(folder, 'journal.json');
  const planPath = path.join(folder, 'plan.json');
  const started = await openOrStart(req, ctx, folder, journalPath, planPath, readiness);
  if ('result' in started) return started.result;
  const { plan, journal } = started;
  if (journal && opened) await takeOverRecords(journal, started.resumed, opened, ctx);
  if (journal && started.resumed) {
    // Each run that continues the journal is on record with its account and change number (another one is no refusal).
    const by = runBy(req);
    await journal.recordRun(by);
    ctx.log('info', runByLine(by, true));
  }
  assertBackupsFirst(plan);
  assertPlanInstallers(plan, started.installerPath);

  const byName = new Map(req.hosts.map((h) => [h.computerName.toLowerCase(), h]));
  const run: RunContext = {
    hosts: req.hosts,
    host: (name) => {
      const h = byName.get(name.toLowerCase());
      if (!h) throw new CoreError('ServerNotInRun', `The plan names server ${name}, which is not among the targets of this run.`, name);
      return h;
    },
    backupDestination: req.backupDestination,
    installerPath: started.installerPath,
    toolVersion: ctx.toolVersion,
    stepData: (id) => (journal?.has(id) ? journal.step(id).Data : undefined),
    log: (level, message) => ctx.log(level, message),
    rollbackMediaPath: req.rollbackMediaPath,
    acceptedRisks: acceptedChecks(req, journal),
  };

  const end = await runSteps({
    steps: plan.Steps,
    journal,
    execute: (step) => EXECUTORS[step.Action](step, run),
    beforeFirstUninstall: () => guardUninstalls(plan, journal!, run),
    // A log line written while a step runs names the step (CMTrace's component column).
    onStep: (step) => {
      if (opened) opened.scope.step = step?.Id;
    },
    ctx,
  });
  const reboot = end.reboot;
  switch (end.kind) {
    case 'NotApproved':
      return finish(plan, journal!, journalPath, 'Paused', `Step ${end.step.Id} was not approved; nothing after it ran.`, reboot);
    case 'JournalLost':
      return journalLost(plan, journal!, journalPath, end.step, end.error, reboot);
    case 'Paused':
      return finish(plan, journal!, journalPath, 'Paused', end.instruction, reboot, end.step);
    case 'Failed':
      return finish(plan, journal!, journalPath, 'Failed', (end.error as Error).message, reboot, end.step, end.error);
    default:
      break;
  }
  if (ctx.dryRun) return plannedResult(plan, journalPath);
  return finish(plan, journal!, journalPath, 'Completed', 'The upgrade completed and every server verified.', reboot);
}

/**
 * The run now owns its journal: the last words of a core that stops early go into it, the transport learns where it
 * and the log are (so it can record a kill the core cannot), and an earlier end nobody recorded is written down first.
 */
export async function takeOverRecords(journal: Journal, resumed: boolean, opened: RunOpened, ctx: OperationContext): Promise<void> {
  opened.records.journal = journal;
  ctx.announceRun?.({ journal: journal.path });
  // An attempt that stopped before any journal existed kept its stop in the run folder: this journal takes it over.
  const early = await takeEarlyStops(path.dirname(journal.path));
  if (early.length > 0) {
    await journal.recordEarlierStops(early);
    for (const stop of early) ctx.log('warning', `An earlier run of this upgrade stopped before its journal was written: ${stopLogLine(stop)}`);
  }
  if (!resumed) return;
  if (endedWithoutRecord(journal)) {
    const by = opened.tookOverFrom ? `its process ${opened.tookOverFrom} was gone when this run started` : 'no process of it was running when this run started';
    await recordStopLater(
      journal,
      undefined,
      { cause: 'NotRecorded', detail: `The journal showed the run unfinished and no stop on record; ${by}.`, at: new Date() },
      'NextRun',
      opened.tookOverFrom ?? null,
    );
  }
  // Said (and logged) once, by the run that follows the stop.
  const last = journal.stops.at(-1);
  if (last && last.At >= journal.document.UpdatedAt) ctx.log('warning', `The previous run of this upgrade stopped: ${stopLogLine(last)}`);
}

/**
 * Every end of a run is one entry in the Application event log of the first server (the MFA server), with its exit
 * code, for monitoring that watches the event log (domain/upgrade-exit-codes.ts, RUN_END_EVENTS). An entry that cannot
 * be written never changes the run's outcome: the log says so.
 */
export async function recordRunEnd(
  req: LoggedRequest,
  result: Pick<UpgradeResult, 'Status' | 'ExitCode' | 'Message' | 'NextAction' | 'JournalPath'>,
  ctx: OperationContext,
  what: { name: string; event: typeof runEndEvent } = { name: 'upgrade', event: runEndEvent },
): Promise<void> {
  if (ctx.dryRun || result.Status === 'Planned' || req.hosts.length === 0) return;
  const by = runBy(req);
  const { eventId, type } = what.event(result.ExitCode);
  const message =
    `The ${what.name} of ${req.hosts.map((h) => h.computerName).join(', ')} ended: ${result.Status}, exit code ${result.ExitCode}. ${result.Message}` +
    `${result.NextAction ? ` Next: ${result.NextAction}` : ''} Run by ${by.Account} on ${by.Machine}${by.ChangeId ? `, change ${by.ChangeId}` : ''}. ` +
    `Journal: ${result.JournalPath}`;
  try {
    await req.hosts[0].writeEventLog({ source: RUN_END_EVENT_SOURCE, eventId, type, message });
  } catch (e) {
    ctx.log('warning', `The end of the run could not be written to the Application event log of ${req.hosts[0].computerName}: ${(e as Error).message}`);
  }
}

/**
 * For the report of a completed run: each MFA server's way out (usage, migration readiness without the network probes).
 * Looking never changes the run's outcome: a failure is a warning and the section says it was not looked at.
 */
async function leavingOf(req: UpgradeRequest, result: UpgradeResult, ctx: OperationContext): Promise<LeavingServer[] | null> {
  if (result.Status !== 'Completed' || ctx.dryRun) return null;
  try {
    return await leavingMfaServer(req.hosts);
  } catch (e) {
    ctx.log('warning', `The report's "Leaving MFA Server" section could not be filled: ${(e as Error).message}`);
    return null;
  }
}

/**
 * Every ending of a run is written to the log too, with the exit code an unattended deployment will see: a warning
 * when the run stopped short, information when it completed or was a dry run (-WhatIf changed nothing, as asked).
 */
function logged(ctx: OperationContext, logPath: string | null, result: UpgradeResult): UpgradeResult {
  ctx.log(
    result.Status === 'Planned' ? 'information' : result.Status === 'Completed' ? 'info' : 'warning',
    `Upgrade ${result.Status} (exit code ${result.ExitCode}): ${result.Message}${result.NextAction ? ` Next: ${result.NextAction}` : ''}`,
  );
  return { ...result, LogPath: logPath };
}

async function openOrStart(
  req: UpgradeRequest,
  ctx: OperationContext,
  folder: string,
  journalPath: string,
  planPath: string,
  readiness: RunReadiness,
): Promise<{ plan: UpgradePlan; journal: Journal | null; installerPath: string; resumed: boolean } | { result: UpgradeResult }> {
  const identities = await Promise.all(req.hosts.map((h) => readServerIdentity(h)));
  const journalOptions = { beforeWrite: journalFaultForTests };
  if (!ctx.dryRun || existsSync(journalPath)) {
    const records = await openRunRecords({
      hosts: req.hosts,
      identities,
      journalPath,
      planPath,
      installerPath: req.installerPath,
      naming: req.naming,
      goal: req.goal,
      keepWebComponents: req.keepWebComponents,
      backupDestination: req.backupDestination,
      resume: req.resume,
      replan: req.replan === true,
      reviewedPlanSha256: req.reviewedPlan?.sha256,
      dryRun: ctx.dryRun,
      journalOptions,
      log: (level, message) => ctx.log(level, message),
    });
    if (records.kind !== 'none') await readinessOnRecord(folder, records.journal, ctx, readiness);
    if (records.kind === 'completed') {
      const upgraded = (v: (typeof records.verification)[number]) => `upgraded${v.MfaServerVersion ? ` (MFA Server ${v.MfaServerVersion})` : ''}`;
      const found = records.verification.map((v) => `${v.ComputerName}: ${upgraded(v)}; ${v.Checks.map((c) => c.Name).join(', ')} passed`).join(' / ');
      return { result: finish(
        records.plan,
        records.journal,
        journalPath,
        'Completed',
        `This upgrade had already completed (journal ${journalPath}); nothing was done. Verified now: ${found}.`,
        false,
      ) };
    }
    if (records.kind === 'open') return { plan: records.plan, journal: records.journal, installerPath: req.installerPath, resumed: true };
  }
  // Deployments always pass -Resume: a first run without a journal is the normal case, not something to warn about.
  if (req.resume) ctx.log('info', `No journal at ${journalPath} yet: starting a fresh upgrade.`);
  // A reviewed plan not yet compared by this call (-WhatIf, or old records set aside just now) is compared here, first.
  if (req.reviewedPlan && !readiness.reviewed) readiness.reviewed = await checkReviewedPlan(req.reviewedPlan, req.hosts, (m) => ctx.log('warning', m));
  // A fresh run whose readiness was not checked by this call (its old records were set aside just now) checks it here.
  if (!ctx.dryRun && !readiness.checked) {
    const refused = await readinessGate(req, ctx, folder, readiness);
    if (refused) return { result: refused };
  }
  const naming = req.naming ?? 'New';
  const goal = req.goal ?? 'Upgrade';
  const keep = req.keepWebComponents ?? [];
  const input = readiness.reviewed?.input ?? await gatherPlanInput({
    hosts: req.hosts,
    installerPath: req.installerPath,
    naming,
    goal,
    keepWebComponents: keep,
    backupDestination: req.backupDestination,
    warn: (m) => ctx.log('warning', m),
  });
  // With -PlanPath the run's plan is the reviewed one, as it was reviewed (the comparison found the live plan equal to it).
  const plan = readiness.reviewed?.plan ?? buildUpgradePlan(input);
  ctx.log('warning', plan.Notice);
  ctx.log('info', `Goal: ${goal}${keep.length ? ` (keeping ${keep.join(', ')})` : ''}.`);
  // -WhatIf shows the comparison (the information stream); a real run says it in its log too.
  if (req.reviewedPlan) ctx.log(ctx.dryRun ? 'information' : 'info', reviewedPlanLine(req.reviewedPlan, plan));
  if (ctx.dryRun) return { plan, journal: null, installerPath: req.installerPath, resumed: false };
  await fs.mkdir(folder, { recursive: true });
  const bytes = serializePlan(plan);
  await writeFileAtomic(planPath, bytes);
  const readinessSha256 = await saveReadiness(folder, readiness.rows);
  await crashPointForTests('before-journal');
  const journal = await Journal.create(
    journalPath,
    plan,
    { planSha256: planSha256(bytes), servers: identities.map((id, i) => ({ ...id, Found: input.servers[i] })), runBy: runBy(req) },
    {
      InstallerPath: req.installerPath,
      Naming: naming,
      Goal: goal,
      KeepWebComponent: keep.join(','),
      Servers: req.hosts.map((h) => h.computerName).join(','),
      // The risks the admin accepted with -SkipReadiness, by name and with what the check found.
      SkipReadiness: (req.skipReadiness ?? []).join(','),
      AcceptedRisks: acceptedRisks(readiness.rows),
      // readiness.json as written now: a -Resume run and the report use it only while it still hashes to this.
      ReadinessSha256: readinessSha256,
      // The run's own log: a stop recorded for this run later (mfa-core --record-stop) goes there and nowhere else.
      LogPath: runLogPath(req),
      // -PlanPath: the reviewed plan this run runs, by path, content SHA-256 (its own Sha256) and file SHA-256 (Get-FileHash).
      ...(req.reviewedPlan ? {
        ReviewedPlanPath: req.reviewedPlan.path,
        ReviewedPlanSha256: req.reviewedPlan.sha256,
        ReviewedPlanFileSha256: req.reviewedPlan.fileSha256,
      } : {}),
    },
    journalOptions,
  );
  ctx.log('info', runByLine(runBy(req), false));
  return { plan, journal, installerPath: req.installerPath, resumed: false };
}

/** What the log says of a run of a reviewed plan: which file, its hashes, who made it, and that the servers matched it. */
function reviewedPlanLine(reviewed: ReviewedPlan, plan: UpgradePlan): string {
  const d = reviewed.document;
  return `Reviewed plan ${reviewed.path} (SHA-256 ${reviewed.sha256}; file SHA-256 ${reviewed.fileSha256}), made ${d.CreatedAt} by ${d.CreatedBy.Account} ` +
    `on ${d.CreatedBy.Machine}: the servers (${d.Source.Servers.map((s) => `${s.ComputerName} fingerprint ${s.Fingerprint.slice(0, 12)}`).join(', ')}), ` +
    `the media and all ${plan.Steps.length} steps are as reviewed: the run runs exactly that plan.`;
}

/**
 * Before the first uninstall of a run, the recorded backups are checked against the disk and the server. When one does
 * not hold what is about to go, its Backup step is opened again (journal: Failed, with why), so that -Resume makes a new
 * backup first instead of meeting the same refusal for ever.
 */
async function guardUninstalls(plan: UpgradePlan, journal: Journal, run: RunContext): Promise<void> {
  try {
    await assertBackupsCoverUninstalls(plan, (id) => journal.step(id).Status, run);
  } catch (e) {
    if (isCoreError(e) && e.code === BACKUP_DOES_NOT_COVER) {
      for (const s of plan.Steps.filter((p) => p.Action === 'Backup' && journal.step(p.Id).Status === 'Completed')) {
        const about = journal.step(s.Id).Data.BackupPath;
        if (e.target !== s.Id && e.target !== about) continue;
        // Made again on -Resume only while nothing of that server was uninstalled: a new backup of a half-removed
        // server would not hold what went already, and the journal's order of events stays plain.
        const removedSome = plan.Steps.some((p) => p.Action === 'Uninstall' && p.ComputerName === s.ComputerName && journal.step(p.Id).Status === 'Completed');
        if (!removedSome) await journal.reopenStep(s.Id, e.message, { BackupPath: null, StaleBackupPath: typeof about === 'string' ? about : null });
      }
    }
    throw e;
  }
}

/** The checks whose risk this run accepted: named now, or recorded when the run started (journal Meta SkipReadiness). */
function acceptedChecks(req: UpgradeRequest, journal: Journal | null): string[] {
  const recorded = journal?.document.Meta.SkipReadiness;
  const names = [...(req.skipReadiness ?? []), ...(typeof recorded === 'string' ? recorded.split(',') : [])];
  return [...new Set(names.map((n) => n.trim()).filter((n) => n !== ''))];
}

/** The safety rule, checked rather than trusted: every Backup step comes before the first Uninstall. */
function assertBackupsFirst(plan: UpgradePlan): void {
  const firstUninstall = plan.Steps.findIndex((s) => s.Action === 'Uninstall');
  const lastBackup = plan.Steps.map((s) => s.Action).lastIndexOf('Backup');
  if (firstUninstall >= 0 && (lastBackup < 0 || lastBackup > firstUninstall)) {
    throw new CoreError('PlanUnsafe', 'The plan would uninstall before every backup is verified; refusing to run it.');
  }
}

/** The error that ended a run, kept with its result (never serialized: a symbol key). */
const CAUSE = Symbol('cause');
type EndedResult = UpgradeResult & { [CAUSE]?: CoreError };

function causeOf(result: UpgradeResult): CoreError | undefined {
  return (result as EndedResult)[CAUSE];
}

function withCause(result: UpgradeResult, cause: CoreError): UpgradeResult {
  return Object.assign(result, { [CAUSE]: cause });
}

/** A run refused on its records (run-records.ts) changed nothing: 69003, with the error named. */
function refusedOnRecords(e: unknown, folder: string): UpgradeResult {
  if (!isCoreError(e) || !RECORD_REFUSALS.has(e.code)) throw e;
  return withCause(
    resultBeforeChanges({
      exitCode: UPGRADE_EXIT_CODES.FailedBeforeChanges,
      message: `${e.code}: ${e.message}`,
      nextAction: 'Nothing on the servers was changed by this run; do what the message says, then run the command again.',
      journalPath: path.join(folder, 'journal.json'),
    }),
    e,
  );
}

/**
 * The journal could not record a step (a full disk): the run stops with a named error and an exit code. What the
 * journal on disk says stays true: a step it shows Running is checked on the server and run again by -Resume.
 */
function journalLost(plan: UpgradePlan, journal: Journal, journalPath: string, step: PlanStep, error: CoreError, reboot: boolean): UpgradeResult {
  const state = journal.step(step.Id).Status;
  const where = state === 'Running' ? `${step.Id} ran, but its end could not be recorded; the journal shows it Running, so -Resume checks the server and ` +
    `runs it again if needed` : `${step.Id} did not run`;
  const ended = finish(plan, journal, journalPath, 'Failed', `${error.message} ${where}.`, reboot, step, error);
  const changed = ended.ExitCode !== UPGRADE_EXIT_CODES.FailedBeforeChanges;
  return withCause(
    {
      ...ended,
      Message: `JournalWriteFailed: ${error.message} ${where}.`,
      NextAction: `Free space (or fix the cause) where ${journalPath} is, then run the same command with -Resume.${changed ? ' To roll back instead, see ' +
        'Restore-PhoneFactor and the steps already done.' : ' Nothing on the servers was changed.'}`,
    },
    error,
  );
}


function plannedResult(plan: UpgradePlan, journalPath: string): UpgradeResult {
  return {
    Status: 'Planned',
    ExitCode: 0,
    Message: 'Dry run: nothing was changed.',
    NextAction: null,
    Steps: stepReports(plan.Steps, null),
    BackupPath: [],
    JournalPath: journalPath,
    LogPath: null,
    ReportPath: null,
    RebootRequired: false,
    FollowUps: plan.FollowUps.map((f) => `${f.Title}: ${f.Instruction}`),
    Notice: plan.Notice,
    Readiness: [],
  };
}

/**
 * What an admin should do after a failure, and the exit code that says it to ConfigMgr / Intune. A rollback is only
 * "restore the files" while nothing was uninstalled; after that the removed products must be reinstalled from their own
 * installers first, and once MFA Server has upgraded the data file, it must be removed before the old file goes back.
 */
export function failureAdvice(
  plan: UpgradePlan,
  journal: Journal,
  step: PlanStep | undefined,
  error: unknown,
  backups: string[],
): { exitCode: number; next: string } {
  const state = (s: PlanStep) => journal.step(s.Id);
  // Refused before it acted (Windows Installer was busy, or the backup did not cover the uninstall), in its last
  // attempt: Data keeps the codes of earlier attempts, so a step that ran again since counts as touched.
  const refusedBusy = (s: PlanStep) => state(s).Status === 'Failed' && (state(s).Data.ErrorCode === 'InstallerBusy' || state(s).Data.NothingChanged === true);
  const touched = (s: PlanStep) => s.Action !== 'Backup' && ['Completed', 'Running', 'Failed'].includes(state(s).Status) && !refusedBusy(s);
  const backup = backups[0] ?? '<backup folder>';
  if (isCoreError(error) && error.code === 'InstallerBusy') {
    return {
      exitCode: UPGRADE_EXIT_CODES.InstallerBusy,
      next: `Another installation was running, so Windows Installer did not start ${step?.Id}. Run the same command again later with -Resume; ConfigMgr and ` +
        `Intune retry exit code 1618 by themselves.`,
    };
  }
  if (isCoreError(error) && error.code === BACKUP_DOES_NOT_COVER) {
    const changed = plan.Steps.some(touched);
    return {
      exitCode: changed ? UPGRADE_EXIT_CODES.Failed : UPGRADE_EXIT_CODES.FailedBeforeChanges,
      next: changed
        ? `Nothing more was uninstalled. Some components were removed already, so only the recorded backup holds their data: put a copy of it back into its ` +
          `folder (Test-PhoneFactorBackup must pass), then run again with -Resume.`
        : 'Nothing on the server was changed. Run the same command again with -Resume: the backup step runs again first and makes a new verified backup.',
    };
  }
  if (!plan.Steps.some(touched)) {
    return { exitCode: UPGRADE_EXIT_CODES.FailedBeforeChanges, next: 'Nothing on the server was changed. Fix the cause and run again with -Resume.' };
  }
  const done = (action: PlanStep['Action']) => plan.Steps.filter((s) => s.Action === action && state(s).Status === 'Completed');
  const removed = done('Uninstall').map((s) => `${s.Parameters.displayName ?? s.Component} on ${s.ComputerName}`);
  let rollback = `Restore-PhoneFactor -Path '${backup}'`;
  // The backup keeps a package per removed product (RollbackMedia\<Component>, with how to reinstall it in rollback-media.json).
  if (removed.length) rollback = `reinstall ${removed.join(', ')} from the packages kept in '${backup}\\RollbackMedia' (rollback-media.json names the ` +
    `properties to pass), then ${rollback}`;
  if (done('InstallServer').length) rollback = `uninstall MFA Server (it has already upgraded the data file), ${rollback}`;
  return {
    exitCode: UPGRADE_EXIT_CODES.Failed,
    next: `Fix the cause and run again with -Resume to continue from ${step?.Id}. To roll back instead: run Undo-MfaServerUpgrade with the same ` +
      `-BackupDestination (it does all of this and verifies), or by hand: ${rollback}.`,
  };
}

function finish(
  plan: UpgradePlan,
  journal: Journal,
  journalPath: string,
  status: 'Completed' | 'Paused' | 'Failed',
  message: string,
  reboot: boolean,
  step?: PlanStep,
  error?: unknown,
): UpgradeResult {
  const backups = plan.Steps.filter((s) => s.Action === 'Backup')
    .map((s) => journal.step(s.Id).Data.BackupPath)
    .filter((p): p is string => typeof p === 'string');
  const completed = reboot ? UPGRADE_EXIT_CODES.CompletedRebootRequired : UPGRADE_EXIT_CODES.Completed;
  let exitCode: number = status === 'Completed' ? completed : UPGRADE_EXIT_CODES.Paused;
  let next: string | null = null;
  if (status === 'Paused') next = pausedNextAction(step?.Id, message);
  if (status === 'Failed') ({ exitCode, next } = failureAdvice(plan, journal, step, error, backups));
  return {
    Status: status,
    ExitCode: exitCode,
    Message: status === 'Failed' ? `Step ${step?.Id} failed: ${message}` : message,
    NextAction: next,
    Steps: stepReports(plan.Steps, journal),
    BackupPath: backups,
    JournalPath: journalPath,
    LogPath: null,
    ReportPath: null,
    RebootRequired: reboot,
    FollowUps: plan.FollowUps.map((f) => `${f.Title}: ${f.Instruction}`),
    Notice: plan.Notice,
    Readiness: [],
  };
}
