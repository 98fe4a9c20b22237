/**
 * The Staged Rollout policy for MFA and its groups, as read for the readiness checks, the migration status and the
 * tenant snapshot. Sources: M4 (featureRolloutPolicy resource type: "Each feature supports a maximum of 10 groups",
 * "The appliesTo field only supports groups", "Dynamic groups and nested groups are not supported"; the feature value
 * multiFactorAuthentication is an evolvable enum member, returned only with the header
 * `Prefer: include-unknown-enum-members`, else as unknownFutureValue) and M1 ("Staged rollout can target a maximum of
 * 500,000 users (10 groups containing a maximum of 50,000 users each)"; the policy body with feature
 * "multiFactorAuthentication"; GET …/featureRolloutPolicies/{id}?$expand=appliesTo).
 */
import type { GraphReader } from './graph-reader';
import type { DirectoryObject, FeatureRolloutPolicy, Group } from './graph-types';
import { directMembers, isDynamicGroup, isGroupObject, isUserObject } from './groups';

export const ROLLOUT_FEATURE = 'multiFactorAuthentication';
export const MAX_ROLLOUT_GROUPS = 10;
export const MAX_GROUP_USERS = 50_000;
export const INCLUDE_UNKNOWN_ENUMS = { Prefer: 'include-unknown-enum-members' };

export const isMfaRollout = (p: FeatureRolloutPolicy): boolean => p.feature === ROLLOUT_FEATURE;
/** A policy whose feature Graph hid (the header was not honoured): it may be the MFA one. */
export const isHiddenFeature = (p: FeatureRolloutPolicy): boolean => p.feature === 'unknownFutureValue';

export function readRolloutPolicies(reader: GraphReader): Promise<FeatureRolloutPolicy[]> {
  return reader.list<FeatureRolloutPolicy>('policies/featureRolloutPolicies?$expand=appliesTo', INCLUDE_UNKNOWN_ENUMS);
}

export interface RolloutGroup {
  id: string;
  displayName: string | null;
  objectType: string;
  dynamic: boolean;
  membershipRule: string | null;
  users: DirectoryObject[];
  nestedGroups: DirectoryObject[];
  otherMembers: number;
  /** True when reading stopped past the limit: there are more than MAX_GROUP_USERS members. */
  overLimit: boolean;
}

/** A group a rollout policy applies to: its kind and its direct members (nested ones do not count for Staged Rollout). */
export async function readRolloutGroup(reader: GraphReader, target: DirectoryObject): Promise<RolloutGroup> {
  if (!isGroupObject(target) && target['@odata.type'] !== undefined) {
    return { id: target.id, displayName: target.displayName ?? null, objectType: target['@odata.type'], dynamic: false, membershipRule: null, users: [],
      nestedGroups: [], otherMembers: 0, overLimit: false };
  }
  const group = await reader.get<Group>(`groups/${encodeURIComponent(target.id)}?$select=id,displayName,groupTypes,membershipRule`);
  const members = await directMembers(reader, target.id, MAX_GROUP_USERS + 1);
  const users = members.filter(isUserObject);
  const nestedGroups = members.filter(isGroupObject);
  return {
    id: group.id,
    displayName: group.displayName ?? null,
    objectType: 'group',
    dynamic: isDynamicGroup(group),
    membershipRule: group.membershipRule ?? null,
    users,
    nestedGroups,
    otherMembers: members.length - users.length - nestedGroups.length,
    overLimit: members.length > MAX_GROUP_USERS,
  };
}
