// The engine's step loop (core/upgrade/run/step-loop.ts) alone, with an in-memory journal and stand-in executors: what
// -Resume skips, what it runs again, where it stops, and that every step is journaled before and after it runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSteps, type StepJournal } from '../../../../core/upgrade/run/step-loop';
import type { PlanStep } from '../../../../core/domain/plan-types';
import type { JournalStep } from '../../../../core/journal/journal-types';
import type { OperationContext } from '../../../../core/util/operation-context';
import type { StepResult } from '../../../../core/upgrade/run/steps';
import { CoreError } from '../../../../core/util/errors';

const step = (order: number, action: PlanStep['Action'], kind: PlanStep['Kind'] = 'Automatic'): PlanStep => ({
  Order: order,
  Id: `MFA01:${action.toLowerCase()}:${order}`,
  Action: action,
  Component: null,
  Kind: kind,
  Blocking: kind === 'Manual',
  ComputerName: 'MFA01',
  Target: 'target',
  Description: `${action} ${order}`,
  Reason: 'test',
  Basis: 'test',
  Parameters: {},
});

/** A journal in memory that records every call in order, so a test can read the write sequence. */
function memoryJournal(initial: Record<string, Partial<JournalStep>> = {}, failOn?: string) {
  const steps = new Map<string, JournalStep>();
  for (const [id, s] of Object.entries(initial)) steps.set(id, { Status: 'Pending', Data: {}, ...s } as JournalStep);
  const calls: string[] = [];
  const write = (verb: string, id: string, status: JournalStep['Status'], data: JournalStep['Data'] = {}) => {
    calls.push(`${verb} ${id}`);
    if (failOn === `${verb} ${id}`) return Promise.reject(new CoreError('JournalWriteFailed', 'disk full', id));
    steps.set(id, { ...(steps.get(id) ?? ({} as JournalStep)), Id: id, Status: status, Data: data });
    return Promise.resolve();
  };
  const journal: StepJournal = {
    has: (id) => steps.has(id),
    step: (id) => steps.get(id)!,
    startStep: (id) => write('start', id, 'Running'),
    completeStep: (id, _o, data) => write('complete', id, 'Completed', data as JournalStep['Data']),
    failStep: (id, _o, data) => write('fail', id, 'Failed', data as JournalStep['Data']),
    pauseStep: (id, _o, data) => write('pause', id, 'Paused', data as JournalStep['Data']),
  };
  return { journal, calls, steps };
}

function context(options: { dryRun?: boolean; refuse?: string } = {}) {
  const warnings: string[] = [];
  const ctx: OperationContext = {
    dryRun: options.dryRun === true,
    toolVersion: 'test',
    progress: () => undefined,
    log: (level, message) => {
      if (level === 'warning') warnings.push(message);
    },
    act: async (action, run) => (options.dryRun || action.id === options.refuse ? undefined : run()),
  };
  return { ctx, warnings };
}

const ok = (extra: Partial<StepResult> = {}): StepResult => ({ outcome: 'done', data: {}, ...extra });

test('every step runs in order, journaled before and after; a restart asked for by any step is reported', async () => {
  const steps = [step(1, 'Backup'), step(2, 'Uninstall'), step(3, 'InstallServer')];
  const { journal, calls } = memoryJournal();
  const ran: string[] = [];
  const end = await runSteps({
    steps,
    journal,
    execute: async (s) => {
      ran.push(s.Id);
      return ok({ rebootRequired: s.Action === 'Uninstall' });
    },
    beforeFirstUninstall: async () => void ran.push('gate'),
    ctx: context().ctx,
  });
  assert.deepEqual(end, { kind: 'Completed', reboot: true });
  assert.deepEqual(ran, [steps[0].Id, 'gate', steps[1].Id, steps[2].Id]);
  assert.deepEqual(calls, steps.flatMap((s) => [`start ${s.Id}`, `complete ${s.Id}`]));
});

test('-Resume: Completed and Skipped steps are not run again (their restart need still counts); a Running one is, with a warning', async () => {
  const steps = [step(1, 'Backup'), step(2, 'Uninstall'), step(3, 'Uninstall'), step(4, 'InstallServer')];
  const { journal } = memoryJournal({
    [steps[0].Id]: { Status: 'Completed', Data: {} },
    [steps[1].Id]: { Status: 'Skipped', Data: { RebootRequired: true } },
    [steps[2].Id]: { Status: 'Running', Data: {} },
  });
  const ran: string[] = [];
  let gates = 0;
  const { ctx, warnings } = context();
  const end = await runSteps({
    steps,
    journal,
    execute: async (s) => (ran.push(s.Id), ok()),
    beforeFirstUninstall: async () => void gates++,
    ctx,
  });
  assert.deepEqual(end, { kind: 'Completed', reboot: true });
  assert.deepEqual(ran, [steps[2].Id, steps[3].Id]);
  assert.equal(gates, 1, 'the backup gate runs before the first uninstall of THIS run, even on a resume');
  assert.match(warnings.join('\n'), /interrupted in a previous run/);
});

test('the loop stops at a pause, a failure and a refused approval, and nothing after runs', async () => {
  const steps = [step(1, 'Backup'), step(2, 'ConfirmActivation', 'Manual'), step(3, 'InstallServer')];
  for (const [name, execute, refuse, kind] of [
    ['pause', async (s: PlanStep) => (s.Kind === 'Manual' ? ok({ pause: 'Activate it' }) : ok()), undefined, 'Paused'],
    ['failure', async (s: PlanStep) => { if (s.Kind === 'Manual') throw new CoreError('InstallerFailed', 'boom', s.Id); return ok(); }, undefined, 'Failed'],
    ['refusal', async () => ok(), steps[1].Id, 'NotApproved'],
  ] as const) {
    const { journal, calls, steps: state } = memoryJournal();
    const end = await runSteps({ steps, journal, execute, beforeFirstUninstall: async () => undefined, ctx: context({ refuse }).ctx });
    assert.equal(end.kind, kind, name);
    assert.ok(!calls.some((c) => c.endsWith(steps[2].Id)), `${name}: nothing after the stop`);
    if (kind === 'Failed') assert.equal(state.get(steps[1].Id)!.Data.ErrorCode, 'InstallerFailed');
    if (kind === 'Paused') assert.equal(state.get(steps[1].Id)!.Data.Instruction, 'Activate it');
  }
});

test('a journal that cannot record a step ends the loop as JournalLost; a dry run runs and writes nothing', async () => {
  const steps = [step(1, 'Backup'), step(2, 'Uninstall')];
  const lost = memoryJournal({}, `complete ${steps[0].Id}`);
  const end = await runSteps({ steps, journal: lost.journal, execute: async () => ok(), beforeFirstUninstall: async () => undefined, ctx: context().ctx });
  assert.equal(end.kind, 'JournalLost');
  assert.equal(end.kind === 'JournalLost' ? end.error.code : '', 'JournalWriteFailed');

  let executed = 0;
  const dry = await runSteps({
    steps, journal: null, execute: async () => (executed++, ok()), beforeFirstUninstall: async () => undefined, ctx: context({ dryRun: true }).ctx,
  });
  assert.deepEqual(dry, { kind: 'Completed', reboot: false });
  assert.equal(executed, 0);
});
