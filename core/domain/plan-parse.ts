/**
 * plan.json read back as untrusted input: anyone who can write the run folder may have changed it, and a disk or an
 * editor may have damaged it. Its shape is checked field by field (the file, the step and the field at fault are
 * named: PlanCorrupt); its SHA-256 lets the journal tell whether it is the plan the run wrote.
 */
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { COMPONENT_NAMES } from './catalog';
import { UPGRADE_GOALS, type PlanAction, type PlanStep, type UpgradeGoal, type UpgradePlan } from './plan-types';
import { CoreError } from '../util/errors';
import { parseRecordJson } from '../util/json-syntax';

export const PLAN_ACTIONS: PlanAction[] = [
  'Backup',
  'Uninstall',
  'InstallServer',
  'ConfirmActivation',
  'InstallComponent',
  'CopyInstaller',
  'MergeWebConfig',
  'RestoreThemes',
  'RewriteSdkConsumer',
  'WriteRedirect',
  'Verify',
];

export function planSha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function serializePlan(plan: UpgradePlan): Buffer {
  return Buffer.from(JSON.stringify(plan, null, 2) + '\n', 'utf8');
}

export function parsePlan(bytes: Buffer, file: string): UpgradePlan {
  const doc = parseRecordJson(bytes.toString('utf8'), (why) => corrupt(file, why));
  const problem = planDocumentProblem(doc);
  if (problem) throw corrupt(file, problem);
  return doc as UpgradePlan;
}

/**
 * What is wrong with a plan document read back (a run's plan.json, the plan inside a reviewed plan file), or null;
 * the field at fault is named (/Steps/3/Order: …). Fills the fields later versions added (Basis) in place.
 */
export function planDocumentProblem(doc: unknown): string | null {
  if (!isObject(doc)) return 'it does not hold a JSON object';
  // Goal came later: a plan written before it (by an earlier version, in an unfinished run) is an Upgrade plan.
  if (doc.Goal !== undefined && !UPGRADE_GOALS.includes(doc.Goal as UpgradeGoal)) {
    return `Goal: ${JSON.stringify(doc.Goal)} is not one of ${UPGRADE_GOALS.join(', ')}`;
  }
  if (typeof doc.Notice !== 'string') return 'Notice is missing';
  if (!Array.isArray(doc.Steps) || doc.Steps.length === 0) return 'Steps is missing or empty';
  const followUpFields = ['Id', 'ComputerName', 'Title', 'Instruction'];
  if (!Array.isArray(doc.FollowUps) || !doc.FollowUps.every((f) => isObject(f) && followUpFields.every((k) => typeof f[k] === 'string'))) {
    return 'FollowUps is missing or holds an entry without Id, ComputerName, Title and Instruction';
  }
  if (!Array.isArray(doc.Inferences) || !doc.Inferences.every((i) => typeof i === 'string')) return 'Inferences is missing';
  // Basis came later: a plan written before it (by an earlier version, in an unfinished run) still loads, with none.
  for (const f of doc.FollowUps as Record<string, unknown>[]) {
    f.Basis ??= '';
    if (typeof f.Basis !== 'string') return `FollowUps: the Basis of ${String(f.Id)} must be text`;
  }
  const ids = new Set<string>();
  for (const [i, s] of doc.Steps.entries()) {
    const where = `/Steps/${i}`;
    const problem = stepProblem(s, i + 1);
    if (problem) return `${where}${problem}`;
    const step = s as PlanStep;
    if (ids.has(step.Id.toLowerCase())) return `${where}/Id: step ${step.Id} appears twice`;
    ids.add(step.Id.toLowerCase());
  }
  return null;
}

function stepProblem(s: unknown, order: number): string | null {
  if (!isObject(s)) return ': is not an object';
  if (s.Order !== order) return `/Order: is ${JSON.stringify(s.Order)}, expected ${order} (steps are numbered 1, 2, 3… in order)`;
  s.Basis ??= '';
  for (const key of ['Id', 'ComputerName', 'Target', 'Description', 'Reason', 'Basis'] as const) {
    if (typeof s[key] !== 'string' || (key !== 'Reason' && key !== 'Basis' && s[key] === '')) return `/${key}: must be text`;
  }
  if (!PLAN_ACTIONS.includes(s.Action as PlanAction)) return `/Action: ${JSON.stringify(s.Action)} is not one of ${PLAN_ACTIONS.join(', ')}`;
  if (!(s.Component === null || COMPONENT_NAMES.includes(s.Component as never))) return `/Component: ${JSON.stringify(s.Component)} is not a component`;
  if (s.Kind !== 'Automatic' && s.Kind !== 'Manual') return `/Kind: ${JSON.stringify(s.Kind)} is neither Automatic nor Manual`;
  if (typeof s.Blocking !== 'boolean') return '/Blocking: must be true or false';
  if (!isObject(s.Parameters)) return '/Parameters: must be an object';
  for (const [k, v] of Object.entries(s.Parameters)) {
    if (!(v === null || typeof v === 'string' || typeof v === 'boolean')) return `/Parameters/${k}: must be text, true/false or null`;
  }
  return null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function corrupt(file: string, why: string): CoreError {
  return new CoreError(
    'PlanCorrupt',
    `The upgrade plan ${file} cannot be used: ${why}. It is not the plan this run wrote, so nothing was done. ` +
      `Check the servers with Test-MfaServerUpgrade; then put this run's plan.json back, or move the run folder (${dirname(file)}) away and start a new run ` +
      `(its backups stay where they are).`,
    file,
  );
}
