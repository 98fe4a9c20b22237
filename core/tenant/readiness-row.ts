/**
 * One row of Test-MfaTenantReadiness: a check, what it is about (a method, an app, a group, a domain), its result,
 * what to do, and what it rests on (Basis: a Microsoft Learn page by title and address, or "Inference: …").
 */
import type { ReadinessResult } from '../domain/readiness-types';
import { CoreError } from '../util/errors';
import { graphStatus } from './graph-reader';

export const TENANT_CHECKS = [
  'GraphAccess',
  'AuthenticationMethod',
  'MigrationApp',
  'MigrationAppConsent',
  'StagedRolloutPolicy',
  'StagedRolloutGroup',
  'FederatedDomain',
] as const;

export type TenantCheck = (typeof TENANT_CHECKS)[number];
/** The same three results as the server's readiness rows. */
export type TenantResult = ReadinessResult;

export interface TenantReadinessRow {
  Check: TenantCheck;
  Subject: string;
  Result: TenantResult;
  Detail: string;
  Action: string | null;
  Basis: string;
}

export function row(Check: TenantCheck, Subject: string, Result: TenantResult, Detail: string, Action: string | null, Basis: string): TenantReadinessRow {
  return { Check, Subject, Result, Detail, Action: Result === 'Passed' ? null : Action, Basis };
}

const learn = (title: string, url: string) => `Microsoft Learn, "${title}" (${url})`;

export const BASIS = {
  migrationUtility: learn('MFA Server migration', 'https://learn.microsoft.com/entra/identity/authentication/how-to-mfa-server-migration-utility'),
  methodsPolicy: learn('authenticationMethodsPolicy resource type', 'https://learn.microsoft.com/graph/api/resources/authenticationmethodspolicy'),
  featureRollout: learn('featureRolloutPolicy resource type', 'https://learn.microsoft.com/graph/api/resources/featurerolloutpolicy'),
  domainFederation: learn('internalDomainFederation resource type', 'https://learn.microsoft.com/graph/api/resources/internaldomainfederation'),
  deployments: learn('National cloud deployments', 'https://learn.microsoft.com/graph/deployments'),
  auditRetention: learn('Troubleshoot Conditional Access policy changes ("Audit log data is only kept for 30 days by default")',
    'https://learn.microsoft.com/entra/identity/conditional-access/troubleshoot-policy-changes-audit-log'),
};

/**
 * A check whose data Graph would not give (403: a permission missing; 404; a bad answer) becomes a Warning row naming
 * the scope to add; sign-in, throttling and refused addresses end the whole command instead.
 */
export function unreadable(check: TenantCheck, subject: string, what: string, scope: string, e: unknown): TenantReadinessRow {
  if (!(e instanceof CoreError) || e.code !== 'GraphRequestFailed') throw e;
  const status = graphStatus(e);
  const action = status === 403
    ? `Give the account (or the token) the Graph permission ${scope} (read-only), then run again.`
    : 'Read the message; run again when Graph answers.';
  return row(check, subject, 'Warning', `Could not read ${what}: ${e.message}`, action, `Inference: the permissions table of the Graph page for ${what}`);
}
