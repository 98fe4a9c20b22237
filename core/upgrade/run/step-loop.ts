/**
 * The engine's step loop: every step of the plan in order, each written to the journal before it starts and after it
 * ends, so a kill at any point leaves the journal saying where the run stood. A step the journal has Completed or
 * Skipped is not run again (that is -Resume); a step left Running by a killed run is run again, its executor checking
 * the server first. The loop stops at the first pause, failure, refused approval or journal that cannot be written,
 * and says which (the engine turns that into the run's result). The Undo runs its own step list through it
 * (upgrade/undo/): any step with an Id, an order and an action will do.
 */
import type { PlanStep } from '../../domain/plan-types';
import type { Journal } from '../../journal/index';
import { CoreError, isCoreError } from '../../util/errors';
import type { OperationContext } from '../../util/operation-context';
import { BACKUP_DOES_NOT_COVER } from '../../backup/backup-coverage';
import { crashPointForTests } from './crash-points';
import type { StepResult } from './steps';

/** What the loop needs of the journal (journal/journal.ts). */
export type StepJournal = Pick<Journal, 'has' | 'step' | 'startStep' | 'completeStep' | 'failStep' | 'pauseStep'>;

/** What the loop needs of a step: an upgrade's PlanStep, or an Undo's step. */
export type LoopStep = Pick<PlanStep, 'Id' | 'Order' | 'Kind' | 'ComputerName' | 'Target' | 'Description'> & { Action: string };

export interface StepLoopRequest<S extends LoopStep = PlanStep> {
  steps: S[];
  /** Null only in a dry run (-WhatIf), where nothing runs. */
  journal: StepJournal | null;
  execute: (step: S) => Promise<StepResult>;
  /** Runs once, right before the first Uninstall step of this run (the backup gate). */
  beforeFirstUninstall: () => Promise<void>;
  /** Told which step runs now (undefined between steps), e.g. so log lines can name it. */
  onStep?: (step: S | undefined) => void;
  /** The progress bar's activity (default: the upgrade's). */
  activity?: string;
  ctx: OperationContext;
}

/** How the loop ended; reboot says whether a step done so far (now or in an earlier run) asked for a restart. */
export type StepLoopEnd<S extends LoopStep = PlanStep> =
  | { kind: 'Completed'; reboot: boolean }
  | { kind: 'NotApproved'; step: S; reboot: boolean }
  | { kind: 'Paused'; step: S; instruction: string; reboot: boolean }
  | { kind: 'Failed'; step: S; error: unknown; reboot: boolean }
  | { kind: 'JournalLost'; step: S; error: CoreError; reboot: boolean };

type StepOutcome = { rebootRequired: boolean } | { paused: string } | { failed: unknown } | { journalLost: CoreError };

export async function runSteps<S extends LoopStep = PlanStep>(req: StepLoopRequest<S>): Promise<StepLoopEnd<S>> {
  const { steps, journal, ctx } = req;
  let reboot = false;
  let backupsChecked = false;
  const total = steps.length;
  for (const step of steps) {
    const state = journal?.has(step.Id) ? journal.step(step.Id) : undefined;
    if (state && (state.Status === 'Completed' || state.Status === 'Skipped')) {
      reboot ||= state.Data.RebootRequired === true;
      continue;
    }
    if (state?.Status === 'Running') ctx.log('warning', `${step.Id} was interrupted in a previous run; checking the server and running it again.`);
    ctx.progress(req.activity ?? 'Upgrading to MFA Server', `${step.Order}/${total} ${step.Description}`, Math.round(((step.Order - 1) / total) * 100));
    req.onStep?.(step);
    const outcome = await ctx.act<StepOutcome>({
      id: step.Id,
      target: `${step.ComputerName}: ${step.Target}`,
      description: `${step.Kind === 'Manual' ? '[Manual] ' : ''}${step.Description}`,
    }, async () => {
      try {
        return await runOne(step, journal!, req, () => {
          const first = !backupsChecked;
          backupsChecked = true;
          return first;
        });
      } catch (e) {
        // The journal could not record this step (a full disk): the run cannot go on without a record.
        if (isCoreError(e) && e.code === 'JournalWriteFailed') return { journalLost: e };
        throw e;
      }
    });
    req.onStep?.(undefined);
    if (ctx.dryRun) continue;
    if (outcome === undefined) return { kind: 'NotApproved', step, reboot };
    if ('journalLost' in outcome) return { kind: 'JournalLost', step, error: outcome.journalLost, reboot };
    if ('paused' in outcome) return { kind: 'Paused', step, instruction: outcome.paused, reboot };
    if ('failed' in outcome) return { kind: 'Failed', step, error: outcome.failed, reboot };
    reboot ||= outcome.rebootRequired;
  }
  return { kind: 'Completed', reboot };
}

/** One step, journaled before and after; firstUninstall says whether the backup gate is still to be passed. */
async function runOne<S extends LoopStep>(step: S, journal: StepJournal, req: StepLoopRequest<S>, firstUninstall: () => boolean): Promise<StepOutcome> {
  await journal.startStep(step.Id);
  await crashPointForTests(`inside:${step.Id}`);
  const t0 = Date.now();
  let r: StepResult;
  try {
    if (step.Action === 'Uninstall' && firstUninstall()) await req.beforeFirstUninstall();
    r = await req.execute(step);
  } catch (e) {
    const message = isCoreError(e) ? e.message : `Unexpected error: ${(e as Error).message}`;
    const refused = isCoreError(e) && e.code === BACKUP_DOES_NOT_COVER;
    await journal.failStep(step.Id, message, { ErrorCode: isCoreError(e) ? e.code : 'InternalError', ...(refused ? { NothingChanged: true } : {}) });
    return { failed: e };
  }
  if (r.pause) {
    await journal.pauseStep(step.Id, r.outcome, { ...r.data, Instruction: r.pause });
    return { paused: r.pause };
  }
  await journal.completeStep(step.Id, r.outcome, { ...r.data, RebootRequired: r.rebootRequired === true, DurationMs: Date.now() - t0 });
  req.ctx.log('info', `${step.Id}: ${r.outcome}`);
  await crashPointForTests(`after:${step.Id}`);
  return { rebootRequired: r.rebootRequired === true };
}
