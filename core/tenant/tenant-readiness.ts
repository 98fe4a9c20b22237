/** Test-MfaTenantReadiness: is the tenant ready for the users the Migration Utility moves? One row per check, read-only. */
import type { OpenedGraph } from './open-reader';
import { checkDomains } from './check-domains';
import { checkMethods } from './check-methods';
import { checkMigrationApp } from './check-migration-app';
import { checkStagedRollout } from './check-staged-rollout';
import { resolveGroup } from './groups';
import { BASIS, row, type TenantReadinessRow } from './readiness-row';
import { missingScopes, READINESS_SCOPES } from './scopes';

export interface TenantReadinessRequest {
  /** Object id or display name of the Migration Utility's group: a Staged Rollout group must not be it. */
  migrationGroup?: string;
}

export async function tenantReadiness(graph: OpenedGraph, request: TenantReadinessRequest, progress: (step: string) => void): Promise<TenantReadinessRow[]> {
  const { reader } = graph;
  const migrationGroup = request.migrationGroup === undefined ? null : await resolveGroup(reader, request.migrationGroup);
  const rows = [accessRow(graph)];
  progress('Authentication methods policy');
  rows.push(...(await checkMethods(reader)));
  progress('Migration Utility app registration');
  rows.push(...(await checkMigrationApp(reader)));
  progress('Staged Rollout');
  rows.push(...(await checkStagedRollout(reader, migrationGroup)));
  progress('Federated domains');
  rows.push(...(await checkDomains(reader)));
  return rows;
}

function accessRow(graph: OpenedGraph): TenantReadinessRow {
  const where = `${graph.cloud} (${graph.reader.base.origin})`;
  if (graph.via === 'AccessToken') {
    return row('GraphAccess', where, 'Passed',
      'Read with the access token given (-AccessToken); its permissions are not inspected: a check it cannot read says so.',
      null, BASIS.deployments);
  }
  const context = graph.context;
  const scopes = context?.scopes ?? [];
  const who = `${context?.account ?? 'an account'} (${context?.authType ?? 'sign-in type not stated'})`;
  const missing = missingScopes(scopes, READINESS_SCOPES);
  if (scopes.length > 0 && missing.length > 0) {
    return row('GraphAccess', where, 'Warning',
      `Read through the connected Graph session of ${who}; it lacks the read scope(s) ${missing.join(', ')} (a broader ` +
      'scope may cover them: a check it cannot read says so).', `Connect-MgGraph -Scopes ${READINESS_SCOPES.join(',')}`, BASIS.deployments);
  }
  return row('GraphAccess', where, 'Passed', `Read through the connected Graph session of ${who}.`, null, BASIS.deployments);
}
