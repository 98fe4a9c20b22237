/**
 * The durable step journal of Invoke-MfaServerUpgrade. Every change is written to journal.json atomically (temp file,
 * fsync, rename) before the call returns, so the executor records "started" before it touches a server and
 * "completed" after: killed at any moment, the file on disk is a valid journal that says exactly which step may have
 * half-run (left Running) and where -Resume continues.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { writeFileAtomic } from '../util/atomic-write';
import { CoreError } from '../util/errors';
import { cleanData, cleanText } from './journal-sanitize';
import { parseJournal } from './journal-parse';
import { JOURNAL_FORMAT_VERSION, type JournalDocument, type JournalPlanStep, type JournalStep, type JournalStepStatus } from './journal-types';

export interface JournalOptions {
  /** Injectable clock (tests); defaults to the system clock. */
  clock?: () => Date;
}

export interface JournalMeta extends Record<string, unknown> {
  /** Run id to record; a new UUID when absent. */
  RunId?: string;
}

const DONE: JournalStepStatus[] = ['Completed', 'Skipped'];

export class Journal {
  private chain: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    private doc: JournalDocument,
    private readonly clock: () => Date,
  ) {}

  /** Start a new journal for a plan. Refuses to overwrite an existing one: that run may still need -Resume. */
  static async create(file: string, plan: { Steps: JournalPlanStep[] } | JournalPlanStep[], meta: JournalMeta = {}, options: JournalOptions = {}): Promise<Journal> {
    const clock = options.clock ?? (() => new Date());
    if (await fs.stat(file).then(() => true, () => false)) {
      throw new CoreError('JournalExists', `An upgrade journal already exists at ${file}. Resume that run with -Resume, or move the file away to start a new one.`, file);
    }
    const planSteps = Array.isArray(plan) ? plan : plan.Steps;
    const seen = new Set<string>();
    for (const s of planSteps) {
      if (seen.has(s.Id)) throw new CoreError('JournalStepDuplicate', `The plan lists step ${s.Id} twice; a journal needs unique step ids.`, s.Id);
      seen.add(s.Id);
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
      Steps: [...planSteps]
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
        })),
    };
    await fs.mkdir(path.dirname(file), { recursive: true });
    const journal = new Journal(file, doc, clock);
    await journal.persist();
    return journal;
  }

  /** Open an existing journal (for -Resume). Temp files left by a crash between write and rename are removed. */
  static async load(file: string, options: JournalOptions = {}): Promise<Journal> {
    const text = await fs.readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') throw new CoreError('JournalNotFound', `No upgrade journal at ${file}: there is no run to resume.`, file);
      throw new CoreError('JournalCorrupt', `The upgrade journal ${file} cannot be read: ${e.message}.`, file);
    });
    const doc = parseJournal(text, file);
    await removeStaleTempFiles(file);
    return new Journal(file, doc, options.clock ?? (() => new Date()));
  }

  /** A copy of the whole journal as it is on disk. */
  get document(): JournalDocument {
    return structuredClone(this.doc);
  }

  get status(): JournalDocument['Status'] {
    return this.doc.Status;
  }

  step(id: string): JournalStep {
    return structuredClone(this.find(id));
  }

  /** Recorded before the executor acts: a step left Running after a crash may have half-run. */
  async startStep(id: string): Promise<void> {
    const step = this.find(id);
    if (DONE.includes(step.Status)) {
      throw new CoreError('JournalStepDone', `Step ${id} is already ${step.Status.toLowerCase()}; it is not run twice.`, id);
    }
    const now = this.clock();
    Object.assign(step, { Status: 'Running', StartedAt: now.toISOString(), EndedAt: null, DurationMs: null, Outcome: null, Attempts: step.Attempts + 1 });
    this.doc.Status = 'Running';
    await this.save(now);
  }

  async completeStep(id: string, outcome: string, data: Record<string, unknown> = {}): Promise<void> {
    const step = this.find(id);
    if (step.Status !== 'Running') {
      throw new CoreError('JournalStepNotRunning', `Step ${id} cannot complete: it is ${step.Status}, not Running.`, id);
    }
    const at = this.end(step, 'Completed', outcome, data);
    if (this.doc.Steps.every((s) => DONE.includes(s.Status))) this.doc.Status = 'Completed';
    await this.save(at);
  }

  async failStep(id: string, outcome: string, data: Record<string, unknown> = {}): Promise<void> {
    const at = this.end(this.notDone(id, 'fail'), 'Failed', outcome, data);
    this.doc.Status = 'Failed';
    await this.save(at);
  }

  /** A Manual step waits for the admin: the run stops here and -Resume continues with this step. */
  async pauseStep(id: string, outcome: string, data: Record<string, unknown> = {}): Promise<void> {
    const at = this.end(this.notDone(id, 'pause'), 'Paused', outcome, data);
    this.doc.Status = 'Paused';
    await this.save(at);
  }

  async skipStep(id: string, outcome: string, data: Record<string, unknown> = {}): Promise<void> {
    const at = this.end(this.notDone(id, 'skip'), 'Skipped', outcome, data);
    if (this.doc.Steps.every((s) => DONE.includes(s.Status))) this.doc.Status = 'Completed';
    await this.save(at);
  }

  /**
   * A finished step whose result no longer holds (the backup it recorded was deleted or damaged since): recorded as
   * Failed with why, and its data kept under Stale*, so that the next run does it again instead of trusting it.
   */
  async reopenStep(id: string, outcome: string, data: Record<string, unknown> = {}): Promise<void> {
    const at = this.end(this.find(id), 'Failed', outcome, data);
    this.doc.Status = 'Failed';
    await this.save(at);
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
    const step = this.doc.Steps.find((s) => s.Id === id);
    if (!step) throw new CoreError('JournalStepUnknown', `The journal ${this.path} has no step ${id}.`, id);
    return step;
  }

  private notDone(id: string, verb: string): JournalStep {
    const step = this.find(id);
    if (DONE.includes(step.Status)) throw new CoreError('JournalStepDone', `Cannot ${verb} step ${id}: it is already ${step.Status.toLowerCase()}.`, id);
    return step;
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

  /** Writes are queued so that two quick updates land on disk in the order they were made. */
  private save(at: Date): Promise<void> {
    this.doc.UpdatedAt = at.toISOString();
    const next = this.chain.then(() => this.persist());
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async persist(): Promise<void> {
    const text = JSON.stringify(this.doc, null, 2) + '\n';
    await writeFileAtomic(this.path, Buffer.from(text, 'utf8'));
  }
}

/** `.journal.json.<pid>.<time>.<n>.tmp` files are writeFileAtomic's temp files that a crash left before their rename. */
async function removeStaleTempFiles(file: string): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `.${path.basename(file)}.`;
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    names.filter((n) => n.startsWith(prefix) && n.endsWith('.tmp')).map((n) => fs.rm(path.join(dir, n), { force: true }).catch(() => undefined)),
  );
}
