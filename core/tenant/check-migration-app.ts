/**
 * The Migration Utility's app registration and its admin consent. M1: Configure-MultiFactorAuthMigrationUtility.ps1
 * "will then create a new MFA Server Migration Utility application within Microsoft Entra ID, which will be used to
 * write user authentication methods to each Microsoft Entra user object", and "will instruct you to grant admin
 * consent"; a certificate on the app registration authenticates to Graph (app-only).
 * Not documented in text [NOT FOUND]: the app id (the script makes one per tenant, so it is found by its display name)
 * and the permissions consented (M1 shows them only in a screenshot). Inference: writing methods needs the Graph
 * application permission UserAuthenticationMethod.ReadWrite.All, granted by admin consent as an app role assignment.
 */
import type { GraphReader } from './graph-reader';
import type { AppRoleAssignment, DirectoryApp, OAuth2PermissionGrant } from './graph-types';
import { BASIS, row, unreadable, type TenantReadinessRow } from './readiness-row';

export const MIGRATION_APP_NAME = 'MFA Server Migration Utility';
/** Microsoft Graph's own application id, the same in every tenant. */
export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
/** Inference (above). */
export const WRITE_METHODS_ROLE = 'UserAuthenticationMethod.ReadWrite.All';

const SCOPE = 'Application.Read.All';
const INFERRED = `${BASIS.migrationUtility}; Inference: the app is found by its display name (no app id is documented) and its permissions are ` +
  'shown only in a ' +
  'screenshot';

export async function checkMigrationApp(reader: GraphReader): Promise<TenantReadinessRow[]> {
  const byName = encodeURIComponent(`displayName eq '${MIGRATION_APP_NAME}'`);
  let apps: DirectoryApp[];
  try {
    apps = await reader.list<DirectoryApp>(`applications?$filter=${byName}&$select=id,appId,displayName`);
  } catch (e) {
    return [unreadable('MigrationApp', MIGRATION_APP_NAME, 'the app registrations', SCOPE, e)];
  }
  if (apps.length === 0) {
    return [row('MigrationApp', MIGRATION_APP_NAME, 'Failed',
      `No app registration named '${MIGRATION_APP_NAME}': the Migration Utility cannot write to the tenant.`,
      'Run Configure-MultiFactorAuthMigrationUtility.ps1 (in the MFA Server install folder) as an Application Administrator and grant admin consent.',
        INFERRED)];
  }
  const rows: TenantReadinessRow[] = [];
  if (apps.length > 1) {
    rows.push(row('MigrationApp', MIGRATION_APP_NAME, 'Warning', `${apps.length} app registrations are named '${MIGRATION_APP_NAME}' (app ids ` +
      `${apps.map((a) => a.appId).join(', ')}): each is checked below; only the one the Utility was configured with is used.`,
      'Remove the registrations left over from earlier runs of the configuration script.', INFERRED));
  } else {
    rows.push(row('MigrationApp', MIGRATION_APP_NAME, 'Passed', `Registered (app id ${apps[0].appId}).`, null, INFERRED));
  }
  for (const app of apps) rows.push(await consentRow(reader, app));
  return rows;
}

async function consentRow(reader: GraphReader, app: DirectoryApp): Promise<TenantReadinessRow> {
  const subject = `${MIGRATION_APP_NAME} (${app.appId})`;
  const consent = 'Grant admin consent: Entra admin center > App registrations > MFA Server Migration Utility > API permissions > Grant admin consent.';
  try {
    const byAppId = encodeURIComponent(`appId eq '${app.appId}'`);
    const principals = await reader.list<DirectoryApp>(`servicePrincipals?$filter=${byAppId}&$select=id,appId,accountEnabled`);
    if (principals.length === 0) {
      return row('MigrationAppConsent', subject, 'Failed', 'The app has no service principal in the tenant: admin consent was never granted.', consent,
        INFERRED);
    }
    const sp = principals[0];
    if (sp.accountEnabled === false) {
      return row('MigrationAppConsent', subject, 'Failed', 'The app\'s service principal is disabled (accountEnabled false): it cannot sign in.',
        'Enable the enterprise application MFA Server Migration Utility.', INFERRED);
    }
    const assignments = await reader.list<AppRoleAssignment>(`servicePrincipals/${sp.id}/appRoleAssignments`);
    const grants = await reader.list<OAuth2PermissionGrant>(`servicePrincipals/${sp.id}/oauth2PermissionGrants`).catch(() => [] as OAuth2PermissionGrant[]);
    const delegated = grants.filter((g) => g.consentType === 'AllPrincipals').flatMap((g) => (g.scope ?? '').split(' ').filter(Boolean));
    if (assignments.length === 0) {
      const also = delegated.length ? ` (delegated permissions consented for all users: ${delegated.join(', ')}; the Utility signs in as the app)` : '';
      return row('MigrationAppConsent', subject, 'Failed', `No application permission of the app has admin consent${also}: the Utility cannot write methods.`,
        consent, INFERRED);
    }
    const graph = await reader.get<DirectoryApp>(`servicePrincipals(appId='${MICROSOFT_GRAPH_APP_ID}')?$select=id,appRoles`);
    const names = assignments.map((a) => (a.resourceId === graph.id ? graph.appRoles?.find((r) => r.id === a.appRoleId)?.value : undefined) ??
      `${a.resourceDisplayName ?? 'another API'}: ${a.appRoleId}`);
    if (!names.includes(WRITE_METHODS_ROLE)) {
      return row('MigrationAppConsent', subject, 'Warning',
        `Admin consent covers ${names.join(', ')}, not ${WRITE_METHODS_ROLE}, which writing users' methods needs ` +
        '(inferred).', consent, INFERRED);
    }
    return row('MigrationAppConsent', subject, 'Passed', `Admin consent granted: ${names.join(', ')}.`, null, INFERRED);
  } catch (e) {
    return unreadable('MigrationAppConsent', subject, 'the app\'s service principal and its consented permissions', SCOPE, e);
  }
}
