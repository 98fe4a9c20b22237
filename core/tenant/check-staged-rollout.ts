/** Readiness of Staged Rollout for MFA: the policy, and each of its groups against M4's and M1's limits (staged-rollout.ts). */
import type { GraphReader } from './graph-reader';
import type { FeatureRolloutPolicy, Group } from './graph-types';
import { BASIS, row, unreadable, type TenantReadinessRow } from './readiness-row';
import { isHiddenFeature, isMfaRollout, MAX_GROUP_USERS, MAX_ROLLOUT_GROUPS, readRolloutGroup, readRolloutPolicies, ROLLOUT_FEATURE } from './staged-rollout';

const SCOPE = 'Policy.Read.HybridAuthentication (and GroupMember.Read.All for its groups)';
const BOTH = `${BASIS.featureRollout}; ${BASIS.migrationUtility}`;

export async function checkStagedRollout(reader: GraphReader, migrationGroup: Group | null): Promise<TenantReadinessRow[]> {
  let policies: FeatureRolloutPolicy[];
  try {
    policies = await readRolloutPolicies(reader);
  } catch (e) {
    return [unreadable('StagedRolloutPolicy', ROLLOUT_FEATURE, 'the Staged Rollout (feature rollout) policies', SCOPE, e)];
  }
  const mfa = policies.filter(isMfaRollout);
  if (mfa.length === 0) {
    const hidden = policies.filter(isHiddenFeature);
    const detail = hidden.length
      ? `No policy reads as feature ${ROLLOUT_FEATURE}; ${hidden.length} read as unknownFutureValue (Graph did not honour ` +
        'Prefer: include-unknown-enum-members) ' +
        `and may be it: ${hidden.map((p) => p.displayName ?? p.id).join(', ')}.`
      : `No Staged Rollout policy for ${ROLLOUT_FEATURE}: no user is sent to Entra MFA by group yet (expected before the first rollout).`;
    return [row('StagedRolloutPolicy', ROLLOUT_FEATURE, 'Warning', detail,
      'When users are migrated, turn on Staged Rollout for Azure multifactor authentication with groups of migrated users (M1, "Enable Staged Rollout").',
        BOTH)];
  }
  const rows: TenantReadinessRow[] = [];
  for (const policy of mfa) {
    rows.push(policyRow(policy));
    for (const target of policy.appliesTo ?? []) rows.push(await groupRow(reader, policy, target, migrationGroup));
  }
  return rows;
}

function policyRow(policy: FeatureRolloutPolicy): TenantReadinessRow {
  const name = policy.displayName ?? policy.id;
  const groups = policy.appliesTo?.length ?? 0;
  if (policy.isAppliedToOrganization) {
    return row('StagedRolloutPolicy', name, 'Warning', 'The policy applies to the whole organization: every user goes to Entra MFA, migrated or not.',
      'Apply it to groups of migrated users only (isAppliedToOrganization false).', BOTH);
  }
  if (groups > MAX_ROLLOUT_GROUPS) {
    return row('StagedRolloutPolicy', name, 'Failed', `The policy applies to ${groups} groups; a feature supports at most ${MAX_ROLLOUT_GROUPS}.`,
      `Merge groups so that at most ${MAX_ROLLOUT_GROUPS} remain.`, BOTH);
  }
  if (policy.isEnabled !== true) {
    return row('StagedRolloutPolicy', name, 'Warning', `The policy is turned off: its ${groups} group(s) still go to MFA Server.`,
      'Turn it on when their users are migrated.', BOTH);
  }
  return row('StagedRolloutPolicy', name, 'Passed', `On, for ${groups} group(s) (at most ${MAX_ROLLOUT_GROUPS}).`, null, BOTH);
}

async function groupRow(reader: GraphReader, policy: FeatureRolloutPolicy, target: { id: string; displayName?: string | null; '@odata.type'?: string },
  migrationGroup: Group | null): Promise<TenantReadinessRow> {
  const subject = target.displayName ? `${target.displayName} (${target.id})` : target.id;
  let group;
  try {
    group = await readRolloutGroup(reader, target);
  } catch (e) {
    return unreadable('StagedRolloutGroup', subject, `the group ${target.id}`, 'GroupMember.Read.All', e);
  }
  const label = group.displayName ? `${group.displayName} (${group.id})` : group.id;
  const problems: string[] = [];
  const actions: string[] = [];
  if (group.objectType !== 'group') {
    problems.push(`it is a ${group.objectType}, not a group (appliesTo only supports groups)`);
    actions.push('Apply the policy to groups only.');
  }
  if (migrationGroup && migrationGroup.id.toLowerCase() === group.id.toLowerCase()) {
    problems.push('it is also the Migration Utility\'s group: its users reach Entra MFA before their methods are synced');
    actions.push('Use separate groups for Staged Rollout, holding users after their migration (M1).');
  }
  if (group.dynamic) {
    problems.push(`it has dynamic membership${group.membershipRule ? ` (${group.membershipRule})` : ''}, which Staged Rollout does not support`);
    actions.push('Use an assigned-membership group.');
  }
  if (group.nestedGroups.length) {
    problems.push(`it holds ${group.nestedGroups.length} nested group(s) (${group.nestedGroups.map((g) => g.displayName ?? g.id).join(', ')}), whose members ` +
      'Staged Rollout does not reach');
    actions.push('Add the users themselves, not groups.');
  }
  if (group.overLimit) {
    problems.push(`it has more than ${MAX_GROUP_USERS.toLocaleString('en-US')} members`);
    actions.push(`Split it into groups of at most ${MAX_GROUP_USERS.toLocaleString('en-US')} users.`);
  }
  const policyName = policy.displayName ?? policy.id;
  if (problems.length) return row('StagedRolloutGroup', label, 'Failed', `In ${policyName}: ${problems.join('; ')}.`, actions.join(' '), BOTH);
  return row('StagedRolloutGroup', label, 'Passed', `In ${policyName}: assigned membership, ${group.users.length} user(s), no nested group.`, null, BOTH);
}
