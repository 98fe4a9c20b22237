/**
 * Groups of the tenant: finding the one an admin names (object id or display name), and reading members.
 * Shapes: Microsoft Learn, "group resource type", "List group members" (/groups/{id}/members) and "List group
 * transitive members" (/groups/{id}/transitiveMembers), v1.0.
 */
import { CoreError } from '../util/errors';
import { graphStatus, type GraphReader } from './graph-reader';
import type { DirectoryObject, Group } from './graph-types';

const GROUP_FIELDS = 'id,displayName,groupTypes,membershipRule,securityEnabled';
const MEMBER_FIELDS = 'id,displayName,userPrincipalName';
/** The largest page List group members allows ($top up to 999). */
const PAGE = 999;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The group named by object id or by exact display name; none, or several of that name, is an error naming what to give. */
export async function resolveGroup(reader: GraphReader, given: string, parameter = 'MigrationGroup'): Promise<Group> {
  const name = given.trim();
  if (GUID.test(name)) {
    try {
      return await reader.get<Group>(`groups/${name}?$select=${GROUP_FIELDS}`);
    } catch (e) {
      if (graphStatus(e) === 404) throw new CoreError('TenantGroupNotFound', `-${parameter}: no group of the tenant has the object id ${name}.`, parameter);
      throw e;
    }
  }
  const filter = encodeURIComponent(`displayName eq '${name.replace(/'/g, "''")}'`);
  const found = await reader.list<Group>(`groups?$filter=${filter}&$select=${GROUP_FIELDS}`);
  if (found.length === 0) throw new CoreError('TenantGroupNotFound', `-${parameter}: no group of the tenant is named '${name}'.`, parameter);
  if (found.length > 1) {
    throw new CoreError('TenantGroupAmbiguous',
      `-${parameter}: ${found.length} groups are named '${name}' (${found.map((g) => g.id).join(', ')}): give the object id.`,
      parameter);
  }
  return found[0];
}

export const isDynamicGroup = (group: Group): boolean => (group.groupTypes ?? []).some((t) => t.toLowerCase() === 'dynamicmembership');

export const isGroupObject = (o: DirectoryObject): boolean => (o['@odata.type'] ?? '').toLowerCase() === '#microsoft.graph.group' || o.objectType === 'group';
export const isUserObject = (o: DirectoryObject): boolean => (o['@odata.type'] ?? '').toLowerCase() === '#microsoft.graph.user' || o.objectType === 'user';

/** The group's direct members (users, groups, devices…), at most `limit` of them. */
export function directMembers(reader: GraphReader, groupId: string, limit = Infinity): Promise<DirectoryObject[]> {
  return reader.list<DirectoryObject>(`groups/${encodeURIComponent(groupId)}/members?$select=${MEMBER_FIELDS}&$top=${PAGE}`, {}, limit);
}

/** Every user in the group, through nested groups too (the Migration Utility's group may nest groups: M1). */
export async function transitiveUsers(reader: GraphReader, groupId: string): Promise<DirectoryObject[]> {
  const all = await reader.list<DirectoryObject>(`groups/${encodeURIComponent(groupId)}/transitiveMembers?$select=${MEMBER_FIELDS}&$top=${PAGE}`);
  const seen = new Set<string>();
  return all.filter((o) => isUserObject(o) && !seen.has(o.id) && seen.add(o.id));
}
