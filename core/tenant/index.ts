/**
 * The tenant feature: the Entra side of leaving MFA Server, read-only. Microsoft Graph is only ever read (GET: the
 * transports have no other verb), through the caller's connected Graph session (brokered, no token in the core) or an
 * -AccessToken held in memory for the call. The front door:
 *   testTenantReadiness → Test-MfaTenantReadiness rows       getMigrationStatus → Get-MfaMigrationStatus rows
 *   exportTenantState   → Export-MfaTenantState (a dated, protected, hashed snapshot)
 *   startGraphBrokerOnStderr: the CLI's side of the brokered session (graph-broker.ts)
 * Files: clouds (national cloud hosts), graph-transport / graph-broker (how a GET travels), graph-reader (paging,
 * throttling), open-reader (which way, and the test build's loopback base), groups, staged-rollout, domains,
 * migration-audit (the Utility's audit entries, method codes), check-* (readiness rows), migration-status, tenant-state.
 */
import type { OperationContext } from '../util/operation-context';
import { openGraph, type TenantConnection } from './open-reader';
import { tenantReadiness, type TenantReadinessRequest } from './tenant-readiness';
import { migrationStatus, type MigrationStatusRequest, type MigrationStatusRow } from './migration-status';
import { exportTenantState as writeTenantState, type TenantStateResult } from './tenant-state';
import type { TenantReadinessRow } from './readiness-row';

export { GRAPH_CLOUD_NAMES, type GraphCloud } from './clouds';
export { TENANT_CHECKS, type TenantReadinessRow } from './readiness-row';
export { MIGRATION_STATES, statusRows, type MigrationStatusRow } from './migration-status';
export { METHOD_CODES } from './migration-audit';
export { startGraphBrokerOnStderr, activeGraphBroker } from './graph-broker';
export type { TenantStateResult } from './tenant-state';
export type { TenantConnection } from './open-reader';

type Log = (message: string) => void;

export async function testTenantReadiness(connection: TenantConnection, request: TenantReadinessRequest, log: Log,
  progress: (step: string) => void): Promise<TenantReadinessRow[]> {
  return tenantReadiness(await openGraph(connection, log), request, progress);
}

export async function getMigrationStatus(connection: TenantConnection, request: MigrationStatusRequest, log: Log,
  progress: (step: string) => void): Promise<MigrationStatusRow[]> {
  return migrationStatus(await openGraph(connection, log), request, progress);
}

export async function exportTenantState(connection: TenantConnection, destination: string, ctx: OperationContext): Promise<TenantStateResult[]> {
  return writeTenantState(await openGraph(connection, (m) => ctx.log('verbose', m)), destination, ctx);
}
