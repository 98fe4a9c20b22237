/**
 * The delegated Microsoft Graph permissions (scopes) each tenant cmdlet reads with, all read-only: the least privileged
 * entry of each Graph page's permissions table (Microsoft Learn, v1.0 reference of each path read).
 */
export const SCOPES = {
  methodsPolicy: 'Policy.Read.AuthenticationMethod',
  apps: 'Application.Read.All',
  rollout: 'Policy.Read.HybridAuthentication',
  groups: 'GroupMember.Read.All',
  domains: 'Domain.Read.All',
  audit: 'AuditLog.Read.All',
} as const;

export const READINESS_SCOPES = [SCOPES.methodsPolicy, SCOPES.apps, SCOPES.rollout, SCOPES.groups, SCOPES.domains];
export const STATUS_SCOPES = [SCOPES.groups, SCOPES.audit, SCOPES.rollout];
export const EXPORT_SCOPES = [SCOPES.domains, SCOPES.rollout, SCOPES.groups];

/** Scopes of the list the session lacks (compared without case, as Entra does). */
export function missingScopes(granted: string[], needed: string[]): string[] {
  const have = new Set(granted.map((s) => s.toLowerCase()));
  return needed.filter((s) => !have.has(s.toLowerCase()));
}
