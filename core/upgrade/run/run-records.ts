/**
 * What a run finds in its run folder (journal.json, plan.json), treated as claims to check, never as truth:
 * - each file is validated on load (journal-parse.ts, domain/plan-parse.ts), and they must agree with each other: the
 *   journal keeps the plan's SHA-256, has exactly the plan's steps, a status its steps bear out, and nothing done
 *   before every backup step completed with its BackupPath;
 * - they must be of these servers: the journal records each server's identity (computer name and machine id) and
 *   what the run found there. Records of another machine with the same name, or of a rebuilt one, never answer for
 *   this one: a completed run's records are kept beside under another name and a new run starts; an unfinished one
 *   stops the run with JournalOfAnotherServer, naming the journal and what to do;
 * - a completed run answers Completed only when the servers are upgraded now (the engine verifies them); a server
 *   rolled back since gets a new run, the old records kept beside;
 * - -Resume means the same run: the parameters that shape the plan (-InstallerPath, -VirtualDirectoryNaming, -Goal,
 *   -KeepWebComponent) must be
 *   the recorded ones, or the admin asks for a new plan with -Replan (recorded in the journal).
 * A refusal throws a CoreError whose code is in RECORD_REFUSALS: nothing on any server was changed by this run.
 */
import { READINESS_FILE_NAME } from '../../journal/readiness-record';
import { promises as fs, existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Host } from '../../host/host';
import type { PlanStep, UpgradeGoal, UpgradePlan, VirtualDirectoryNaming } from '../../domain/plan-types';
import type { WebComponentName } from '../../domain/catalog';
import type { ServerInventory } from '../../domain/inventory-types';
import { buildUpgradePlan } from '../../domain/plan';
import { inventoryProblem } from '../../domain/inventory-parse';
import { serializePlan, planSha256 } from '../../domain/plan-parse';
import { Journal, type JournalOptions } from '../../journal/index';
import type { JournalDocument } from '../../journal/journal-types';
import { readPlanFile } from './plan-file';
import { gatherPlanInput } from '../plan-input';
import { expectationsOf, verifyServers, type ServerVerification } from '../verify';
import { describeIdentity, sameServer, type ServerIdentity } from './server-identity';
import { writeFileAtomic, timestamp } from '../../util/atomic-write';
import { CoreError } from '../../util/errors';
import { sameLocalPath } from '../../util/windows-path';
import { parseBackupFolderName, safeComputerName } from '../../backup/backup-folder-name';

/** Codes of a run refused on its records before it changed anything (exit code 69003, with the error named). */
export const RECORD_REFUSALS = new Set([
  'JournalCorrupt',
  'PlanCorrupt',
  'PlanNotFound',
  'RunRecordsMismatch',
  'JournalInconsistent',
  'JournalOfAnotherServer',
  'ResumeParametersDiffer',
  'ReplanNotPossible',
  'PlanInstallerRefused',
  'PlanUnsafe',
  // -PlanPath: the reviewed plan the admin hands in is a record too, checked before anything changes.
  'ReviewedPlanNotFound',
  'ReviewedPlanCorrupt',
  'ReviewedPlanTampered',
  'ReviewedPlanParameterConflict',
  'ReviewedPlanOfOtherServers',
  'ReviewedPlanDiffers',
]);

export interface RunRecordsRequest {
  hosts: Host[];
  identities: ServerIdentity[];
  journalPath: string;
  planPath: string;
  installerPath: string;
  /** undefined: not given (a resume takes the recorded naming; a new run takes New). */
  naming: VirtualDirectoryNaming | undefined;
  /** undefined: not given (a resume takes the recorded goal; a new run takes Upgrade). */
  goal?: UpgradeGoal;
  /** undefined: not given (a resume takes the recorded list; a new run keeps none). */
  keepWebComponents?: WebComponentName[];
  backupDestination: string;
  resume: boolean;
  replan: boolean;
  /** -PlanPath: the content SHA-256 of the reviewed plan given (a resumed run must have been started from it). */
  reviewedPlanSha256?: string;
  /** -WhatIf: nothing is written, set aside or re-planned on disk; the run shows what it would do. */
  dryRun: boolean;
  journalOptions: JournalOptions;
  log(level: 'info' | 'warning', message: string): void;
}

export type RunRecords =
  | { kind: 'none' }
  | { kind: 'open'; plan: UpgradePlan; journal: Journal }
  | { kind: 'completed'; plan: UpgradePlan; journal: Journal; verification: ServerVerification[] };

/** Where a run folder's records are, and what a check of them needs to know. */
export interface RunRecordFiles {
  journalPath: string;
  planPath: string;
  /** The -BackupDestination the run folder is in: a recorded backup must lie there. */
  backupDestination: string;
  /** -Replan was given: an interrupted re-plan is then done again rather than refused. */
  replan: boolean;
  journalOptions?: JournalOptions;
  /** Read only (Get-MfaUpgradeRun): leave the temp files a crash left beside journal and plan. */
  readOnly?: boolean;
}

export interface CheckedRunRecords {
  journal: Journal;
  plan: UpgradePlan;
  /** SHA-256 of plan.json as it is on disk. */
  sha256: string;
  /** A -Replan recorded in the journal whose new plan was never written. */
  interruptedReplan: boolean;
}

/**
 * The run folder's journal and plan, each validated on load and checked against the other and against themselves,
 * as every run checks them before it trusts them (and Get-MfaUpgradeRun before it reports them): one reading of the
 * records, whoever reads them. Throws a CoreError whose code is in RECORD_REFUSALS (or JournalNotFound).
 */
export async function loadRunRecords(files: RunRecordFiles): Promise<CheckedRunRecords> {
  const journal = await Journal.load(files.journalPath, { ...files.journalOptions, tidy: files.readOnly !== true });
  const doc = journal.document;
  const { plan, sha256 } = await readPlanFile(files.planPath, files.journalPath, files.readOnly !== true);
  const interruptedReplan = doc.Replans.at(-1)?.PreviousPlanSha256 === sha256 && doc.PlanSha256 !== sha256;
  if (interruptedReplan && !files.replan) {
    throw new CoreError(
      'RunRecordsMismatch',
      `A re-plan of the run recorded in ${files.journalPath} was interrupted before its new plan was written to ${files.planPath}. Nothing was done: run ` +
        `the same command with -Replan again.`,
      files.planPath,
    );
  }
  if (!interruptedReplan) checkAgree(plan, sha256, doc, files);
  checkSteps(doc, files.journalPath, files.backupDestination);
  return { journal, plan, sha256, interruptedReplan };
}

export async function openRunRecords(req: RunRecordsRequest): Promise<RunRecords> {
  const hasJournal = existsSync(req.journalPath);
  // A plan without a journal is a run that stopped before it recorded anything: it is planned again.
  if (!hasJournal) return { kind: 'none' };
  const { journal, plan, sha256, interruptedReplan } = await loadRunRecords(req);
  const doc = journal.document;

  const others = otherServers(doc, req.identities);
  if (others) {
    if (doc.Status === 'Completed') {
      const kept = await setAside(req, `it records ${others.recorded}, not ${others.now}`);
      req.log(
        'warning',
        `The completed upgrade recorded in ${req.journalPath} was of ${others.recorded}, not of ${others.now} (another machine with the same name, or one ` +
          `rebuilt since). Its records were kept as ${kept}; a new run starts for this server.`,
      );
      return { kind: 'none' };
    }
    throw new CoreError(
      'JournalOfAnotherServer',
      `The journal ${req.journalPath} records an unfinished upgrade of ${others.recorded}; this server is ${others.now}: another machine with the same name, ` +
        `or the same name on a rebuilt server. Nothing was done. ` +
        `If that run belongs to the other machine, give this one another -BackupDestination; if it is abandoned, move the ` +
        `folder ${path.dirname(req.journalPath)} away and run again (its backups stay where they are).`,
      req.journalPath,
      { recorded: doc.Servers.map((s) => ({ ComputerName: s.ComputerName, MachineId: s.MachineId })), found: req.identities },
    );
  }
  if (doc.Status === 'Completed') {
    const verification = await verifyServers(req.hosts, { expectations: expectationsOf(plan.Steps) });
    const notUpgraded = verification.filter((v) => !v.IsUpgraded);
    if (notUpgraded.length === 0) return { kind: 'completed', plan, journal, verification };
    const failedChecks = (v: (typeof notUpgraded)[number]) => v.Checks.filter((c) => !c.Passed).map((c) => `${c.Name} (${c.Detail})`).join('; ');
    const found = notUpgraded.map((v) => `${v.ComputerName}: ${failedChecks(v)}`).join(' / ');
    const kept = await setAside(req, `the journal says the upgrade completed, but the server is not upgraded now (${found})`);
    req.log(
      'warning',
      `The journal ${req.journalPath} says this upgrade completed, but the server is not upgraded now (rolled back or changed since): ${found}. Its records ` +
        `were kept as ${kept}; a new run starts.`,
    );
    return { kind: 'none' };
  }

  if (!req.resume && !req.replan) {
    throw new CoreError(
      'UpgradeInProgress',
      `An upgrade of these servers was started earlier and is ${doc.Status.toLowerCase()} (journal ${req.journalPath}). Run again with -Resume to continue it.`,
      req.journalPath,
    );
  }
  const differences = parameterDifferences(doc, req);
  if (differences.length === 0) {
    if (interruptedReplan) return { kind: 'open', plan: await replan(req, journal, plan, sha256, ['(the re-plan was interrupted; done again)']), journal };
    if (req.replan) req.log('info', `-Replan: the parameters are those the run was started with, so the recorded plan is kept.`);
    req.log('info', `Resuming the upgrade recorded in ${req.journalPath}.`);
    return { kind: 'open', plan, journal };
  }
  if (!req.replan) {
    throw new CoreError(
      'ResumeParametersDiffer',
      `The run recorded in ${req.journalPath} was started with other parameters: ${differences.join('; ')}. -Resume continues the same run, ` +
        `so nothing was done. ` +
        'Run the command with the recorded values to continue it, or add -Replan to plan the rest of the run again with the new values (the ' +
        'journal records the re-plan).',
      req.journalPath,
      { differences },
    );
  }
  return { kind: 'open', plan: await replan(req, journal, plan, sha256, differences), journal };
}

/** The journal and the plan tell of the same run: same plan bytes, same steps. */
function checkAgree(plan: UpgradePlan, sha256: string, doc: JournalDocument, req: Pick<RunRecordFiles, 'journalPath' | 'planPath'>): void {
  const mismatch = (why: string) =>
    new CoreError(
      'RunRecordsMismatch',
      `The journal ${req.journalPath} and the plan ${req.planPath} do not belong together: ${why}. One of them was changed or replaced since the run wrote ` +
        `them, so nothing was done. ` +
        `Check the servers with Test-MfaServerUpgrade; put this run's own files back, or move the folder ${path.dirname(req.journalPath)} away and start a ` +
        `new run (its backups stay where they are).`,
      req.planPath,
    );
  if (doc.PlanSha256 !== sha256) throw mismatch(`the plan's SHA-256 is ${sha256}, the journal recorded ${doc.PlanSha256}`);
  const recorded = new Map(doc.Steps.map((s) => [s.Id, s]));
  for (const p of plan.Steps) {
    const j = recorded.get(p.Id);
    if (!j) throw mismatch(`the journal has no record of the plan's step ${p.Id}`);
    if (j.Action !== p.Action || j.ComputerName.toLowerCase() !== p.ComputerName.toLowerCase() || j.Kind !== p.Kind || j.Order !== p.Order) {
      throw mismatch(`step ${p.Id} is ${p.Order}. ${p.Action} (${p.Kind}) on ${p.ComputerName} in the plan, ${j.Order}. ${j.Action} (${j.Kind}) ` +
        `on ${j.ComputerName} in the journal`);
    }
    recorded.delete(p.Id);
  }
  if (recorded.size) throw mismatch(`the journal records step(s) the plan does not have: ${[...recorded.keys()].join(', ')}`);
}

/** The journal's own account holds together: its status is what its steps say, and nothing ran before the backups. */
function checkSteps(doc: JournalDocument, file: string, backupDestination: string): void {
  const inconsistent = (why: string) =>
    new CoreError(
      'JournalInconsistent',
      `The upgrade journal ${file} contradicts itself: ${why}. It was changed since the run wrote it, so nothing was done. ` +
        `Check the servers with Test-MfaServerUpgrade; then move the folder ${path.dirname(file)} away and start a new run (its backups stay where they are).`,
      file,
    );
  const done = (s: { Status: string }) => s.Status === 'Completed' || s.Status === 'Skipped';
  const notDone = doc.Steps.filter((s) => !done(s));
  if (doc.Status === 'Completed' && notDone.length) throw inconsistent(`its Status is Completed while ${notDone.map((s) => `${s.Id} ` +
    `is ${s.Status}`).join(', ')}`);
  if (doc.Status !== 'Completed' && notDone.length === 0) throw inconsistent(`every step is done but its Status is ${doc.Status}`);
  if (doc.Status === 'Failed' && !doc.Steps.some((s) => s.Status === 'Failed')) throw inconsistent('its Status is Failed but no step failed');
  if (doc.Status === 'Paused' && !doc.Steps.some((s) => s.Status === 'Paused')) throw inconsistent('its Status is Paused but no step is paused');
  const backups = doc.Steps.filter((s) => s.Action === 'Backup');
  const noPath = backups.filter((s) => s.Status === 'Completed' && typeof s.Data.BackupPath !== 'string');
  if (noPath.length) throw inconsistent(`backup step ${noPath.map((s) => s.Id).join(', ')} is Completed but records no BackupPath`);
  // Later steps read the old web.configs and themes from there: only a backup this run made in its destination counts.
  for (const s of backups.filter((b) => typeof b.Data.BackupPath === 'string')) {
    const p = String(s.Data.BackupPath);
    const name = parseBackupFolderName(path.basename(p));
    const inDestination = sameLocalPath(path.dirname(p), backupDestination);
    if (!inDestination || !name || name.partial || name.computerName.toLowerCase() !== safeComputerName(s.ComputerName).toLowerCase()) {
      throw inconsistent(`backup step ${s.Id} records the BackupPath ${p}, which is not a backup folder in -BackupDestination ${backupDestination}`);
    }
  }
  // A step refused before it changed anything (NothingChanged: the backup gate reopens the backup step and refuses
  // the uninstall so that -Resume backs up again) did not run.
  const started = doc.Steps.filter((s) => s.Action !== 'Backup' && s.Status !== 'Pending' && !(s.Status === 'Failed' && s.Data.NothingChanged === true));
  const unfinishedBackups = backups.filter((s) => s.Status !== 'Completed');
  if (started.length && unfinishedBackups.length) {
    throw inconsistent(`${started.map((s) => `${s.Id} is ${s.Status}`).join(', ')} although backup step ${unfinishedBackups.map((s) => `${s.Id} ` +
      `is ${s.Status}`).join(', ')}`);
  }
  if (!backups.length && started.length) throw inconsistent('it has steps that ran but no backup step');
}

/** The servers a journal records, when they are not these (another machine with the same name, a rebuilt one); null when they are. */
export function otherServers(doc: JournalDocument, now: ServerIdentity[]): { recorded: string; now: string } | null {
  const recorded: ServerIdentity[] = doc.Servers.map((s) => ({ ComputerName: s.ComputerName, MachineId: s.MachineId }));
  const same = recorded.length === now.length && recorded.every((r) => now.some((n) => sameServer(r, n)));
  return same ? null : { recorded: recorded.map(describeIdentity).join(', '), now: now.map(describeIdentity).join(', ') };
}

/**
 * The records of a run that no longer answers for these servers are kept beside the new run's, under names that say
 * when and why they were set aside; nothing is deleted.
 */
export async function setAside(req: { journalPath: string; planPath: string; dryRun?: boolean }, why: string): Promise<string> {
  if (req.dryRun) return `(a real run would set aside ${req.journalPath} and ${req.planPath})`;
  // readiness.json goes with them: its rows are that run's checks, not the next run's.
  const kept = await setAsideFiles([req.journalPath, req.planPath, path.join(path.dirname(req.journalPath), READINESS_FILE_NAME)], why);
  return kept.join(' and ');
}

/**
 * Files of a run folder kept under names that say when they were set aside (`<name>.set-aside-<time><ext>`), with a
 * note (`set-aside-<time>.txt`) saying why; absent ones are skipped. Nothing is deleted. The kept paths, in order.
 */
export async function setAsideFiles(files: string[], why: string): Promise<string[]> {
  const stamp = timestamp();
  const moves: [string, string][] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const { dir, name, ext } = path.parse(file);
    let target = path.join(dir, `${name}.set-aside-${stamp}${ext}`);
    for (let n = 2; existsSync(target); n++) target = path.join(dir, `${name}.set-aside-${stamp}-${n}${ext}`);
    moves.push([file, target]);
  }
  if (moves.length === 0) return [];
  // The note first, the renames in the order given last: the last rename is the last write, so a caller can order
  // them to be kill-safe (the Undo sets its journal aside last).
  const kept = moves.map(([, target]) => target);
  const note = `Set aside ${new Date().toISOString()}: ${why}.\r\n${kept.join('\r\n')}\r\n`;
  await writeFileAtomic(path.join(path.dirname(kept[0]), `set-aside-${stamp}.txt`), note);
  for (const [file, target] of moves) await fs.rename(file, target);
  return kept;
}

/** The same -InstallerPath: blanks around it, trailing separators and case aside. */
export const sameInstallerPath = (a: string, b: string) => normalizePath(a) === normalizePath(b);
const normalizePath = (p: string) => p.trim().replace(/[\\/]+$/, '').toLowerCase();

/** The parameters that shape the plan, as given now against the journal's record. */
function parameterDifferences(doc: JournalDocument, req: RunRecordsRequest): string[] {
  const out: string[] = [];
  const { recordedPath, recordedNaming, recordedGoal, recordedKeep } = recordedParameters(doc);
  if (!sameInstallerPath(recordedPath, req.installerPath)) out.push(`-InstallerPath '${recordedPath}' was recorded, ` +
    `'${req.installerPath}' was given`);
  if (req.naming !== undefined && req.naming !== recordedNaming) out.push(`-VirtualDirectoryNaming ${recordedNaming} was recorded, ${req.naming} was given`);
  if (req.goal !== undefined && req.goal !== recordedGoal) out.push(`-Goal ${recordedGoal} was recorded, ${req.goal} was given`);
  if (req.keepWebComponents !== undefined && keepKey(req.keepWebComponents) !== keepKey(recordedKeep)) {
    out.push(`-KeepWebComponent ${recordedKeep.join(',') || '(none)'} was recorded, ${req.keepWebComponents.join(',') || '(none)'} was given`);
  }
  // A run started from a reviewed plan goes on from that plan; -PlanPath with another (or on a run started without one) is another run.
  const reviewed = doc.Meta.ReviewedPlanSha256;
  if (req.reviewedPlanSha256 !== undefined && req.reviewedPlanSha256 !== reviewed) {
    out.push(`-PlanPath: ${typeof reviewed === 'string' ? `the run was started from the reviewed plan with SHA-256 ${reviewed}` : 'the run was started ' +
      'without a reviewed plan'}, the one given has SHA-256 ${req.reviewedPlanSha256}`);
  }
  return out;
}

/** The same -KeepWebComponent list: order and case aside. */
export const keepKey = (names: string[]) => [...names].map((n) => n.toLowerCase()).sort().join(',');

/**
 * The parameters the run's plan was made with: those it started with, or those of its last re-plan. A journal written
 * before goals existed recorded an upgrade keeping every component.
 */
function recordedParameters(doc: JournalDocument): {
  recordedPath: string;
  recordedNaming: string;
  recordedGoal: UpgradeGoal;
  recordedKeep: WebComponentName[];
} {
  const last = doc.Replans.at(-1) ?? doc.Meta;
  const keep = String(last.KeepWebComponent ?? '');
  return {
    recordedPath: String(last.InstallerPath ?? ''),
    recordedNaming: String(last.Naming ?? 'New'),
    recordedGoal: last.Goal === 'Migrate' ? 'Migrate' : 'Upgrade',
    recordedKeep: (keep ? keep.split(',') : []) as WebComponentName[],
  };
}

/**
 * -Replan: the plan is built again with the parameters given now, from what the run found on the servers when it
 * started (recorded in the journal: the servers have changed since, and a plan of their present state would miss what
 * was already removed). A step keeps what the journal recorded only when it is the same step in both plans (same
 * action, server and parameters); any other starts again, and its executor checks the server first. The journal
 * records the re-plan before the new plan is written; a re-plan interrupted between the two is done again by -Replan.
 */
async function replan(req: RunRecordsRequest, journal: Journal, old: UpgradePlan, oldSha256: string, differences: string[]): Promise<UpgradePlan> {
  const doc = journal.document;
  const found: ServerInventory[] = [];
  for (const s of doc.Servers) {
    const problem = inventoryProblem(s.Found);
    if (problem) throw new CoreError(
      'ReplanNotPossible',
      `-Replan needs what the run found on ${s.ComputerName} (recorded in ${req.journalPath}), and that record ${problem}. Nothing was done; resume with the ` +
        `recorded parameters instead.`,
      req.journalPath,
    );
    found.push(s.Found as ServerInventory);
  }
  const recorded = recordedParameters(doc);
  const naming = req.naming ?? (recorded.recordedNaming as VirtualDirectoryNaming);
  const goal = req.goal ?? recorded.recordedGoal;
  const keep = req.keepWebComponents ?? recorded.recordedKeep;
  const input = await gatherPlanInput({
    hosts: req.hosts,
    installerPath: req.installerPath,
    naming,
    goal,
    keepWebComponents: keep,
    backupDestination: req.backupDestination,
    servers: found,
    warn: (m) => req.log('warning', m),
  });
  const plan = buildUpgradePlan(input);
  const bytes = serializePlan(plan);
  const sha256 = planSha256(bytes);
  const before = new Map(old.Steps.map((s) => [s.Id, s]));
  const same = (s: PlanStep) => {
    const o = before.get(s.Id);
    return (
      o !== undefined &&
      o.Action === s.Action &&
      o.ComputerName === s.ComputerName &&
      o.Kind === s.Kind &&
      o.Blocking === s.Blocking &&
      JSON.stringify(o.Parameters) === JSON.stringify(s.Parameters)
    );
  };
  const kept = new Set(plan.Steps.filter(same).map((s) => s.Id));
  if (req.dryRun) {
    req.log(
      'warning',
      `-Replan would plan the rest of the run again (${differences.join('; ')}); ` +
        `steps ${plan.Steps.filter((s) => !kept.has(s.Id)).map((s) => s.Id).join(', ')} would start again.`,
    );
    return plan;
  }
  const redone = plan.Steps.filter((s) => !kept.has(s.Id) && journal.document.Steps.some((j) => j.Id === s.Id && j.Status !== 'Pending')).map((s) => s.Id);
  await journal.replan(plan.Steps, (id) => kept.has(id), sha256, {
    Changes: differences.join('; '),
    InstallerPath: req.installerPath,
    Naming: naming,
    Goal: goal,
    KeepWebComponent: keep.join(','),
    PreviousPlanSha256: oldSha256,
    StepsStartedAgain: redone.join(', '),
  });
  await writeFileAtomic(req.planPath, bytes);
  req.log(
    'warning',
    `-Replan: the rest of the run is planned again (${differences.join('; ')}); ${redone.length ? `step(s) ${redone.join(', ')} changed and will be checked ` +
      `on the server and run again` : 'no step that had run changed'}. The journal ${req.journalPath} records the re-plan.`,
  );
  return plan;
}
