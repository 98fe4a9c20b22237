/**
 * The migration feature (Test-MfaMigrationReadiness): is this MFA Server ready for the Migration Utility? Read-only.
 * Front door: testMigrationReadiness(host, request) → one row per check, shaped like Test-MfaUpgradeReadiness's rows
 * (ReadinessRow<MigrationCheckName>, each with its Basis or "Inference:"). Files: server-checks (build, Utility, role),
 * tls-registry (.NET TLS 1.2 values), endpoint-checks (DNS, TCP 443, TLS 1.2 to the cloud's hosts; endpoints.ts),
 * method-check (users of methods that do not migrate, from the service logs).
 */
import type { Host } from '../host/host';
import { inventoryServer } from '../survey/inventory';
import { buildCheck, roleCheck, utilityCheck, type MigrationRow } from './server-checks';
import { dotNetTlsCheck } from './tls-registry';
import { endpointChecks } from './endpoint-checks';
import { methodCheck, type MethodCheck } from './method-check';
import { cloudEndpoints, type MigrationCloud } from './endpoints';

export { MIGRATION_CLOUDS, type MigrationCloud } from './endpoints';
export type { MigrationRow } from './server-checks';
export type { MethodCheck } from './method-check';

export interface MigrationReadinessRequest {
  cloud: MigrationCloud;
  /** Per DNS/TCP/TLS step. */
  timeoutMs: number;
  /** false: the endpoint checks are left out (the upgrade report, which must not wait on the network). */
  endpoints?: boolean;
}

export interface MigrationReadiness {
  rows: MigrationRow[];
  methods: MethodCheck;
}

export async function testMigrationReadiness(host: Host, request: MigrationReadinessRequest, progress: (what: string) => void = () => undefined):
  Promise<MigrationReadiness> {
  progress('MFA Server and the Migration Utility');
  const inventory = await inventoryServer(host);
  const rows: MigrationRow[] = [buildCheck(host, inventory), await utilityCheck(host, inventory), await roleCheck(host, inventory)];
  progress('.NET TLS 1.2');
  rows.push(await dotNetTlsCheck(host));
  if (request.endpoints !== false) {
    progress(`Endpoints of ${request.cloud}`);
    rows.push(...(await endpointChecks(host, request.cloud, cloudEndpoints(request.cloud), request.timeoutMs)));
  }
  progress('Service logs');
  const methods = await methodCheck(host);
  rows.push(methods.row);
  return { rows, methods };
}

/** What the upgrade report shows of one MFA server on its way out: usage, readiness (no endpoint probes), who needs a new method. */
export interface LeavingServer {
  computerName: string;
  rows: MigrationRow[];
  usage: MethodCheck['summary'];
  usersNotMigrating: MethodCheck['users'];
}

/**
 * The servers of a finished upgrade that run MFA Server now, each with its migration readiness and its usage. The
 * endpoint probes are left out: a report must not wait on the network (Test-MfaMigrationReadiness runs them).
 */
export async function leavingMfaServer(hosts: Host[]): Promise<LeavingServer[]> {
  const out: LeavingServer[] = [];
  for (const host of hosts) {
    if (!(await inventoryServer(host)).Components.some((c) => c.Component === 'MfaServer')) continue;
    const r = await testMigrationReadiness(host, { cloud: 'Global', timeoutMs: 0, endpoints: false });
    out.push({ computerName: host.computerName, rows: r.rows, usage: r.methods.summary, usersNotMigrating: r.methods.users });
  }
  return out;
}
