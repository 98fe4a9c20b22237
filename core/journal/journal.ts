/**
 * The durable step journal of Invoke-MfaServerUpgrade. Every change is written to journal.json atomically (temp file,
 * fsync, rename) before the call returns, so the executor records "started" before it touches a server and
 * "completed" after: killed at any moment, the file on disk is a valid journal that says exactly which step may have
 * half-run (left Running) and where -Resume continues.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileError, writeFileAtomic, writeFileAtomicSync } from '../util/atomic-write';
import type { CoreStop } from '../util/core-stop';
import { CoreError, isCoreError } from '../util/errors';
import { cleanData, cleanText } from './journal-sanitize';
import { parseJournal } from './journal-parse';
import {
  JOURNAL_FORMAT_VERSION,
  type JournalDocument,
  type JournalPlanStep,
  type JournalRunBy,
  type JournalServer,
  type JournalStep,
  type JournalStepStatus,
  type JournalStop,
  type JournalStopRecorder,
} from './journal-types';

export interface JournalOptions {
  /** Injectable clock (tests); defaults to the system clock. */
  clock?: () => Date;
  /**
   * Called before every write with what is being recorded (`start:<id>`, `complete:<id>`, `fail:<id>`, `pause:<id>`,
   * `skip:<id>`, `replan`): a test-only seam through which the engine makes a write fail as a full disk would.
   */
  beforeWrite?: (change: string) => void;
  /** load(): remove the temp files a crash left beside the journal (default true; false for a read-only look). */
  tidy?: boolean;
}

/** What a new journal records about its run besides the steps (journal-types.ts, JournalDocument). */
export interface JournalRecord {
  planSha256: string;
  servers: JournalServer[];
  /** Who started the run, from where, under which change number. */
  runBy: JournalRunBy;
}

export interface JournalMeta extends Record<string, unknown> {
  /** Run id to record; a new UUID when absent. */
  RunId?: string;
}

const DONE: JournalStepStatus[] = ['Completed', 'Skipped'];

export class Journal {
  private chain: Promise<void> = Promise.resolve();
  /** Stops written synchronously (recordStopSync): kept in every later write, even one queued before them. */
  private readonly lateStops: JournalStop[] = [];

  private constructor(
    readonly path: string,
    private doc: JournalDocument,
    private readonly clock: () => Date,
    private readonly beforeWrite: (change: string) => void = () => undefined,
  ) {}

  /** Start a new journal for a plan. Refuses to overwrite an existing one: that run may still need -Resume. */
  static async create(
    file: string,
    plan: { Steps: JournalPlanStep[] } | JournalPlanStep[],
    record: JournalRecord,
    meta: JournalMeta = {},
    options: JournalOptions = {},
  ): Promise<Journal> {
    const clock = options.clock ?? (() => new Date());
    if (await fs.stat(file).then(() => true, () => false)) {
      throw new CoreError(
        'JournalExists',
        `An upgrade journal already exists at ${file}. Resume that run with -Resume, or move the file away to start a new one.`,
        file,
      );
    }
    const { RunId, ...rest } = meta;
    const now = clock().toISOString();
    const doc: JournalDocument = {
      FormatVersion: JOURNAL_FORMAT_VERSION,
      RunId: cleanText(RunId ?? randomUUID()),
      CreatedAt: now,
      UpdatedAt: now,
      Status: 'Running',
      Meta: cleanData(rest, 'run'),
      PlanSha256: record.planSha256,
      Servers: record.servers.map((s) => ({
        ComputerName: cleanText(s.ComputerName),
        MachineId: s.MachineId === null ? null : cleanText(s.MachineId),
        Found: s.Found,
      })),
      Replans: [],
      Steps: pendingSteps(Array.isArray(plan) ? plan : plan.Steps),
      Stops: [],
      Runs: [runEntry(now, record.runBy, false)],
    };
    await fs.mkdir(path.dirname(file), { recursive: true });
    const journal = new Journal(file, doc, clock, options.beforeWrite);
    await journal.persist(doc, 'create');
    return journal;
  }

  /** Open an existing journal (for -Resume). Temp files left by a crash between write and rename are removed. */
  static async load(file: string, options: JournalOptions = {}): Promise<Journal> {
    const text = await fs.readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') throw new CoreError('JournalNotFound', `No upgrade journal at ${file}: there is no run to resume.`, file);
      throw new CoreError('JournalCorrupt', `The upgrade journal ${file} cannot be read: ${e.message}.`, file);
    });
    const doc = parseJournal(text, file);
    if (options.tidy !== false) await removeStaleTempFiles(file);
    return new Journal(file, doc, options.clock ?? (() => new Date()), options.beforeWrite);
  }

  /** A copy of the whole journal as it is on disk. */
  get document(): JournalDocument {
    return structuredClone(this.doc);
  }

  get status(): JournalDocument['Status'] {
    return this.doc.Status;
  }

  has(id: string): boolean {
    return this.doc.Steps.some((s) => s.Id === id);
  }

  step(id: string): JournalStep {
    return structuredClone(this.find(id));
  }

  /** Recorded before the executor acts: a step left Running after a crash may have half-run. */
  startStep(id: string): Promise<void> {
    return this.update(`start:${id}`, (doc) => {
      const step = find(doc, this.path, id);
      if (DONE.includes(step.Status)) {
        throw new CoreError('JournalStepDone', `Step ${id} is already ${step.Status.toLowerCase()}; it is not run twice.`, id);
      }
      const now = this.clock();
      Object.assign(step, { Status: 'Running', StartedAt: now.toISOString(), EndedAt: null, DurationMs: null, Outcome: null, Attempts: step.Attempts + 1 });
      doc.Status = 'Running';
      return now;
    });
  }

  completeStep(id: string, outcome: string, data: Record<string, unknown> = {}): Promise<void> {
    return this.update(`complete:${id}`, (doc) => {
      const step = find(doc, this.path, id);
      if (step.Status !== 'Running') {
        throw new CoreError('JournalStepNotRunning', `Step ${id} cannot complete: it is ${step.Status}, not Running.`, id);
      }
      const at = this.end(step, 'Completed', outcome, data);
      if (doc.Steps.every((s) => DONE.includes(s.Status))) doc.Status = 'Completed';
      return at;
    });
  }

  failStep(id: string, outcome: string, data: Record<string, unknown> = {}): Promise<void> {
    return this.update(`fail:${id}`, (doc) => {
      const at = this.end(notDone(doc, this.path, id, 'fail'), 'Failed', outcome, data);
      doc.Status = 'Failed';
      return at;
    });
  }

  /** A Manual step waits for the admin: the run stops here and -Resume continues with this step. */
  pauseStep(id: string, outcome: string, data: Record<string, unknown> = {}): Promise<void> {
    return this.update(`pause:${id}`, (doc) => {
      const at = this.end(notDone(doc, this.path, id, 'pause'), 'Paused', outcome, data);
      doc.Status = 'Paused';
      return at;
    });
  }

  skipStep(id: string, outcome: string, data: Record<string, unknown> = {}): Promise<void> {
    return this.update(`skip:${id}`, (doc) => {
      const at = this.end(notDone(doc, this.path, id, 'skip'), 'Skipped', outcome, data);
      if (doc.Steps.every((s) => DONE.includes(s.Status))) doc.Status = 'Completed';
      return at;
    });
  }

  /**
   * The admin re-planned the run (-Replan): the journal now follows the new plan. A step keeps what it recorded only
   * when `keep` says the new plan's step is the same as the old one; every other step starts Pending. The re-plan
   * itself is recorded (when, what changed), and so is the new plan's hash.
   */
  replan(plan: JournalPlanStep[], keep: (id: string) => boolean, planSha256: string, change: Record<string, unknown>): Promise<void> {
    return this.update('replan', (doc) => {
      const old = new Map(doc.Steps.map((s) => [s.Id, s]));
      doc.Steps = pendingSteps(plan).map((s) => (keep(s.Id) && old.has(s.Id) ? { ...old.get(s.Id)!, Order: s.Order } : s));
      doc.PlanSha256 = planSha256;
      const now = this.clock();
      doc.Replans.push(cleanData({ At: now.toISOString(), ...change }, 're-plan'));
      doc.Status = doc.Steps.every((s) => DONE.includes(s.Status)) ? 'Completed' : 'Running';
      return now;
    });
  }

  /**
   * A finished step whose result no longer holds (the backup it recorded was deleted or damaged since): recorded as
   * Failed with why, and its data kept under Stale*, so that the next run does it again instead of trusting it.
   */
  reopenStep(id: string, outcome: string, data: Record<string, unknown> = {}): Promise<void> {
    return this.update(`reopen:${id}`, (doc) => {
      const at = this.end(find(doc, this.path, id), 'Failed', outcome, data);
      doc.Status = 'Failed';
      return at;
    });
  }

  /** A later run continues this one (-Resume, -Replan): who, from where, under which change number. */
  recordRun(by: JournalRunBy): Promise<void> {
    return this.update('run', (doc) => {
      const now = this.clock();
      doc.Runs.push(runEntry(now.toISOString(), by, true));
      return now;
    });
  }

  /** Every run of the upgrade, oldest first. */
  get runs(): JournalDocument['Runs'] {
    return structuredClone(this.doc.Runs);
  }

  /** Every stop of the run before it finished, oldest first. */
  get stops(): JournalStop[] {
    return structuredClone(this.doc.Stops);
  }

  /**
   * The run stops now (core/util/core-stop.ts): written synchronously, because the process exits right after and no
   * promise would be waited for. A write queued or under way when this runs keeps the stop too (lateStops).
   */
  recordStopSync(stop: CoreStop, recordedBy: JournalStopRecorder, processId: number | null): void {
    const entry = stopEntry(this.doc, stop, recordedBy, processId);
    this.lateStops.push(entry);
    const doc = structuredClone(this.doc);
    withLateStops(doc, this.lateStops);
    doc.UpdatedAt = entry.At;
    this.writeSync(doc, 'stop');
    this.doc = doc;
  }

  private writeSync(doc: JournalDocument, change: string): void {
    try {
      writeFileAtomicSync(this.path, serialize(doc));
    } catch (e) {
      throw journalWriteFailed(this.path, e, change);
    }
  }

  /** A stop recorded by someone other than the run itself (the transport, the next run): queued like any change. */
  recordStop(stop: CoreStop, recordedBy: JournalStopRecorder, processId: number | null): Promise<void> {
    return this.update('stop', (doc) => {
      doc.Stops.push(stopEntry(doc, stop, recordedBy, processId));
      return stop.at;
    });
  }

  /** Stops of an earlier attempt that ended before this journal existed (early-stops.ts): kept as they were written. */
  recordEarlierStops(stops: JournalStop[]): Promise<void> {
    return this.update('stop', (doc) => {
      doc.Stops = [...stops.map((s) => ({ ...s, Detail: cleanText(s.Detail) })), ...doc.Stops];
      return this.clock();
    });
  }

  /** Where a run (or a resume) continues: the first step in plan order that is neither Completed nor Skipped. */
  nextStep(): JournalStep | null {
    const next = this.doc.Steps.find((s) => !DONE.includes(s.Status));
    return next ? structuredClone(next) : null;
  }

  /** Steps left Running: the process died while they ran, so their effect must be checked before going on. */
  stepsToRecheck(): JournalStep[] {
    return this.doc.Steps.filter((s) => s.Status === 'Running').map((s) => structuredClone(s));
  }

  private find(id: string): JournalStep {
    return find(this.doc, this.path, id);
  }

  /** Records the end of a step; returns the time read, so the journal's UpdatedAt matches the step's EndedAt. */
  private end(step: JournalStep, status: JournalStepStatus, outcome: string, data: Record<string, unknown>): Date {
    const cleaned = cleanData(data, `step ${step.Id}`);
    const ended = this.clock();
    step.Status = status;
    step.EndedAt = ended.toISOString();
    step.DurationMs = step.StartedAt ? Math.max(0, ended.getTime() - Date.parse(step.StartedAt)) : null;
    step.Outcome = cleanText(outcome);
    step.Data = { ...step.Data, ...cleaned };
    return ended;
  }

  /**
   * One change, all or nothing: it is made on a copy, written, and only then becomes the journal in memory. A write
   * that fails (a full disk) leaves the journal as it is on disk, so what the engine does next (record the failure,
   * report) starts from the truth, never from a change that was not recorded. Changes are queued so that two quick
   * updates land on disk in the order they were made.
   */
  private update(change: string, apply: (doc: JournalDocument) => Date): Promise<void> {
    const next = this.chain.then(async () => {
      const doc = structuredClone(this.doc);
      doc.UpdatedAt = apply(doc).toISOString();
      withLateStops(doc, this.lateStops);
      await this.persist(doc, change);
      // A stop recorded while this change was being written (the core is about to exit): this write began without
      // it and replaced the file it was in, so it is written again at once, synchronously.
      if (withLateStops(doc, this.lateStops)) this.writeSync(doc, 'stop');
      this.doc = doc;
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async persist(doc: JournalDocument, change: string): Promise<void> {
    try {
      this.beforeWrite(change);
      await writeFileAtomic(this.path, serialize(doc));
    } catch (e) {
      throw journalWriteFailed(this.path, e, change);
    }
  }
}

function serialize(doc: JournalDocument): Buffer {
  return Buffer.from(JSON.stringify(doc, null, 2) + '\n', 'utf8');
}

function journalWriteFailed(file: string, e: unknown, change: string): CoreError {
  const cause = isCoreError(e) ? e : fileError(e, file);
  return new CoreError(
    'JournalWriteFailed',
    `The upgrade journal ${file} could not be written (${cause.message}); the run stops here, since a step it cannot record must not run.`,
    file,
    { cause: cause.code, change },
  );
}

function stopEntry(doc: JournalDocument, stop: CoreStop, recordedBy: JournalStopRecorder, processId: number | null): JournalStop {
  return {
    At: stop.at.toISOString(),
    Cause: stop.cause,
    Detail: cleanText(stop.detail),
    Step: doc.Steps.find((s) => s.Status === 'Running')?.Id ?? null,
    RecordedBy: recordedBy,
    ProcessId: processId,
  };
}

function runEntry(at: string, by: JournalRunBy, resumed: boolean): JournalDocument['Runs'][number] {
  return {
    At: at,
    Account: cleanText(by.Account),
    Machine: cleanText(by.Machine),
    ChangeId: by.ChangeId === null ? null : cleanText(by.ChangeId),
    Resumed: resumed,
  };
}

/** Adds the stops `doc` lacks; true when it lacked any. */
function withLateStops(doc: JournalDocument, late: JournalStop[]): boolean {
  const missing = late.filter((stop) => !doc.Stops.some((s) => s.At === stop.At && s.Cause === stop.Cause));
  doc.Stops.push(...missing);
  return missing.length > 0;
}

function find(doc: JournalDocument, file: string, id: string): JournalStep {
  const step = doc.Steps.find((s) => s.Id === id);
  if (!step) throw new CoreError('JournalStepUnknown', `The journal ${file} has no step ${id}.`, id);
  return step;
}

function notDone(doc: JournalDocument, file: string, id: string, verb: string): JournalStep {
  const step = find(doc, file, id);
  if (DONE.includes(step.Status)) throw new CoreError('JournalStepDone', `Cannot ${verb} step ${id}: it is already ${step.Status.toLowerCase()}.`, id);
  return step;
}

/** The plan's steps as a journal's, every one Pending, in plan order; a repeated id is refused. */
function pendingSteps(planSteps: JournalPlanStep[]): JournalStep[] {
  const seen = new Set<string>();
  for (const s of planSteps) {
    if (seen.has(s.Id)) throw new CoreError('JournalStepDuplicate', `The plan lists step ${s.Id} twice; a journal needs unique step ids.`, s.Id);
    seen.add(s.Id);
  }
  return [...planSteps]
    .sort((a, b) => a.Order - b.Order)
    .map((s) => ({
      Id: cleanText(s.Id),
      Order: s.Order,
      Action: s.Action,
      ComputerName: cleanText(s.ComputerName),
      Kind: s.Kind,
      Status: 'Pending',
      Attempts: 0,
      StartedAt: null,
      EndedAt: null,
      DurationMs: null,
      Outcome: null,
      Data: {},
    }));
}

/** `.<name>.<pid>.<time>.<n>.tmp` files are writeFileAtomic's temp files that a crash left before their rename. */
export async function removeStaleTempFiles(file: string): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `.${path.basename(file)}.`;
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    names.filter((n) => n.startsWith(prefix) && n.endsWith('.tmp')).map((n) => fs.rm(path.join(dir, n), { force: true }).catch(() => undefined)),
  );
}
