/**
 * Invoke-MfaServerUpgrade -PlanPath: the reviewed plan runs only on the servers it was made for, and only while they
 * are as they were when it was made. Before anything changes, the plan is computed again from the live servers with
 * the file's options (gatherPlanInput and buildUpgradePlan, the run's own planning) and compared with the file:
 * - other servers (another name, or the same name on another machine: server-identity.ts) → ReviewedPlanOfOtherServers;
 * - anything the plan was computed from that differs (an inventory, an SDK caller, the media) or any step that would
 *   differ → ReviewedPlanDiffers, listing each difference (step by step for the plan).
 * Otherwise the run goes on with exactly the reviewed plan.
 */
import type { Host } from '../../host/host';
import type { PlanInput, PlanStep, UpgradePlan } from '../../domain/plan-types';
import { buildUpgradePlan } from '../../domain/plan';
import { CoreError } from '../../util/errors';
import { gatherPlanInput } from '../plan-input';
import { planSourceOf } from './plan-source';
import { describeIdentity, readServerIdentity, sameServer, type ServerIdentity } from './server-identity';
import type { ReviewedPlan } from './reviewed-plan-file';
import type { PlanSource } from './reviewed-plan-schema';

/** How many differences the error's message lists (its details hold every one). */
const LISTED = 25;

export interface CheckedReviewedPlan {
  /** The plan to run: the reviewed one. */
  plan: UpgradePlan;
  /** The live input it was compared against (the journal records what the run found). */
  input: PlanInput;
  identities: ServerIdentity[];
}

export async function checkReviewedPlan(reviewed: ReviewedPlan, hosts: Host[], warn: (message: string) => void): Promise<CheckedReviewedPlan> {
  const source = reviewed.document.Source;
  const identities = await Promise.all(hosts.map((h) => readServerIdentity(h)));
  assertSameServers(reviewed, identities);
  const options = source.Options;
  const input = await gatherPlanInput({
    hosts,
    installerPath: options.InstallerPath,
    naming: options.VirtualDirectoryNaming,
    goal: options.Goal,
    keepWebComponents: options.KeepWebComponent,
    backupDestination: options.BackupDestination,
    warn,
  });
  const differences = [...sourceDifferences(source, planSourceOf(input, identities)), ...planDifferences(reviewed.plan, buildUpgradePlan(input))];
  if (differences.length > 0) {
    const listed = differences.slice(0, LISTED).map((d) => `- ${d}`).join('\n');
    const more = differences.length > LISTED ? `\n- and ${differences.length - LISTED} more (in the error's details)` : '';
    throw new CoreError(
      'ReviewedPlanDiffers',
      `The servers changed since the reviewed plan ${reviewed.path} was made (${reviewed.document.CreatedAt}), so it is not run and nothing was changed. ` +
        `What differs now:\n${listed}${more}\nMake the plan again with Get-MfaUpgradePlan -OutFile, have it reviewed, and run that one.`,
      'PlanPath',
      { differences },
    );
  }
  return { plan: reviewed.plan, input, identities };
}

/** The reviewed plan's servers must be these, in the same order (the plan's steps name them, the run folder too). */
function assertSameServers(reviewed: ReviewedPlan, now: ServerIdentity[]): void {
  const recorded = reviewed.document.Source.Servers.map((s) => ({ ComputerName: s.ComputerName, MachineId: s.MachineId }));
  const same = recorded.length === now.length && recorded.every((r, i) => sameServer(r, now[i]));
  if (same) return;
  throw new CoreError(
    'ReviewedPlanOfOtherServers',
    `The reviewed plan ${reviewed.path} was made for ${recorded.map(describeIdentity).join(', ')}; this run targets ${now.map(describeIdentity).join(', ')}. ` +
      'A reviewed plan runs only on the servers it was made for (the same machines, given in the same order), so nothing was done. Target those servers, ' +
      'or make a plan of these with Get-MfaUpgradePlan -OutFile.',
    'PlanPath',
    { recorded, found: now },
  );
}

/** What the plan was computed from, then and now: the media, each server's findings (by fingerprint first), the notes. */
export function sourceDifferences(then: PlanSource, now: PlanSource): string[] {
  const out = valueDifferences(then.Options, now.Options, 'options');
  out.push(...valueDifferences(then.Media, now.Media, 'media'));
  then.Servers.forEach((s, i) => {
    const live = now.Servers[i];
    if (live === undefined || s.Fingerprint === live.Fingerprint) return;
    const found = (x: typeof s) => ({ Inventory: x.Inventory, SdkConsumerSettings: x.SdkConsumerSettings, OtherSdkCallers: x.OtherSdkCallers });
    out.push(...valueDifferences(found(s), found(live), s.ComputerName));
  });
  out.push(...valueDifferences(then.Notes, now.Notes, 'notes on the SDK callers'));
  return out;
}

/** The plans step by step (by step id, in the reviewed order), then what else they hold (goal, follow-ups, notice). */
export function planDifferences(reviewed: UpgradePlan, now: UpgradePlan): string[] {
  const out: string[] = [];
  const live = new Map(now.Steps.map((s) => [s.Id.toLowerCase(), s]));
  const named = (s: PlanStep) => `step ${s.Order} ${s.Id} (${s.Description})`;
  for (const step of reviewed.Steps) {
    const current = live.get(step.Id.toLowerCase());
    if (!current) {
      out.push(`${named(step)} is no longer planned`);
      continue;
    }
    out.push(...valueDifferences(step, current, `step ${step.Order} ${step.Id}`));
    live.delete(step.Id.toLowerCase());
  }
  for (const step of live.values()) out.push(`${named(step)} would now be planned; the reviewed plan does not have it`);
  const rest = (p: UpgradePlan) => ({ Goal: p.Goal ?? 'Upgrade', Notice: p.Notice, FollowUps: p.FollowUps, Inferences: p.Inferences });
  out.push(...valueDifferences(rest(reviewed), rest(now), 'plan'));
  return out;
}

/**
 * Every leaf that differs between two JSON values, as `<where>.<path>: <then> in the reviewed plan, <now> now`. Lists
 * of objects are matched by their Id, Component or file where they have one (a component keeps its name when the
 * list's order changes), by position otherwise.
 */
export function valueDifferences(then: unknown, now: unknown, where: string): string[] {
  if (isObject(then) && isObject(now)) {
    const keys = [...new Set([...Object.keys(then), ...Object.keys(now)])];
    return keys.flatMap((k) => valueDifferences(then[k], now[k], `${where}.${k}`));
  }
  if (Array.isArray(then) && Array.isArray(now)) {
    const keyOf = listKey(then, now);
    if (keyOf) {
      const before = new Map(then.map((x) => [keyOf(x), x]));
      const after = new Map(now.map((x) => [keyOf(x), x]));
      const keys = [...new Set([...before.keys(), ...after.keys()])];
      return keys.flatMap((k) => valueDifferences(before.get(k), after.get(k), `${where}[${k}]`));
    }
    const length = Math.max(then.length, now.length);
    return Array.from({ length }, (_, i) => valueDifferences(then[i], now[i], `${where}[${i}]`)).flat();
  }
  if (JSON.stringify(then) === JSON.stringify(now)) return [];
  // Two long texts are shown from a little before where they part, so the difference is in sight.
  const from = typeof then === 'string' && typeof now === 'string' ? Math.max(0, commonPrefixLength(then, now) - 40) : 0;
  return [`${where}: ${shown(then, from)} in the reviewed plan, ${shown(now, from)} now`];
}

function commonPrefixLength(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

const LIST_KEYS = ['Id', 'Component', 'file'] as const;

function listKey(a: unknown[], b: unknown[]): ((x: unknown) => string) | null {
  const all = [...a, ...b];
  const key = LIST_KEYS.find((k) => all.length > 0 && all.every((x) => isObject(x) && typeof x[k] === 'string'));
  if (!key) return null;
  const keyOf = (x: unknown) => String((x as Record<string, unknown>)[key]);
  // Matched by key only while the key names one element of each list.
  const unique = (list: unknown[]) => new Set(list.map(keyOf)).size === list.length;
  return unique(a) && unique(b) ? keyOf : null;
}

/** A value as JSON, at most about 160 characters; a text from its character `from` on (with ... for what is left out). */
function shown(v: unknown, from = 0): string {
  if (v === undefined) return '(absent)';
  if (typeof v === 'string' && from > 0) return shown(`...${v.slice(from)}`);
  const text = JSON.stringify(v);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
