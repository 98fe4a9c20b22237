/**
 * A small tenant for the tenant cmdlets' tests, served by the mock Graph (mock-graph.ts) in the shapes Microsoft's Graph
 * v1.0 reference documents; each answer names the page its shape comes from. What it holds:
 * - the Authentication methods policy (migration complete) with Voice DISABLED;
 * - the "MFA Server Migration Utility" app registration and service principal, consent granted or MISSING;
 * - a Staged Rollout policy for MFA (feature shown only with Prefer: include-unknown-enum-members, as M4 says) applying
 *   to a good group (members on two pages), a DYNAMIC group, a group holding a NESTED group, and (optionally) the
 *   migration group itself (the SAME GROUP IN BOTH ROLES);
 * - the migration group "MFA Migration" (alice, bob, and carol through a nested group);
 * - audit entries by "Azure MFA Management" (two pages; the first request answered 429 with Retry-After), one by
 *   another app that the filter should have left out, one failed write;
 * - domains: contoso.com federated (enforceMfaByFederatedIdp), fabrikam.com federated (never set), one managed.
 */
import type { MockReply, MockRoutes } from './mock-graph';

export const IDS = {
  migrationGroup: '0f6d6c2a-1111-4a4a-9c9c-000000000001',
  wave2: '0f6d6c2a-1111-4a4a-9c9c-000000000002',
  rolloutOk: '0f6d6c2a-1111-4a4a-9c9c-000000000003',
  rolloutDynamic: '0f6d6c2a-1111-4a4a-9c9c-000000000004',
  rolloutNested: '0f6d6c2a-1111-4a4a-9c9c-000000000005',
  nestedTeam: '0f6d6c2a-1111-4a4a-9c9c-000000000006',
  policy: 'df85e4d9-e8c4-4033-a41c-73419a95c29c',
  app: '5a1e5b6e-2222-4b4b-8d8d-000000000001',
  appId: '7c0e1f4a-3333-4c4c-8e8e-000000000001',
  sp: '5a1e5b6e-2222-4b4b-8d8d-000000000002',
  graphSp: '5a1e5b6e-2222-4b4b-8d8d-000000000003',
  writeMethodsRole: '50483e42-d915-4231-9639-7fdb7fd190e5',
  alice: 'a11ce000-0000-4000-8000-000000000001',
  bob: 'b0b00000-0000-4000-8000-000000000002',
  carol: 'ca201000-0000-4000-8000-000000000003',
  dave: 'da7e0000-0000-4000-8000-000000000004',
  erin: 'e2170000-0000-4000-8000-000000000005',
  frank: 'f2a70000-0000-4000-8000-000000000006',
};

/** Phone numbers in the audit entries: personal data that must never come out of the cmdlets. */
export const PHONE_NUMBERS = ['+1 4255550101', '+1 4255550199'];

export interface TenantOptions {
  consent: boolean;
  /** The migration group is also a Staged Rollout group. */
  sameGroup: boolean;
  /** The first audit request is answered 429 with this Retry-After (null: never throttled). */
  throttle: string | null;
}

const user = (id: string, name: string) => ({ '@odata.type': '#microsoft.graph.user', id, displayName: name, userPrincipalName: `${name.toLowerCase()}@contoso.com` });
const group = (id: string, name: string) => ({ '@odata.type': '#microsoft.graph.group', id, displayName: name });

export function tenantRoutes(options: TenantOptions): MockRoutes {
  let throttled = false;
  return (path, request, base): MockReply | undefined => {
    const [pathname, query = ''] = path.split('?');
    // authenticationMethodsPolicy resource type: policyMigrationState, authenticationMethodConfigurations (derived types).
    if (pathname === '/policies/authenticationMethodsPolicy') {
      return { body: {
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#authenticationMethodsPolicy', id: 'authenticationMethodsPolicy',
        displayName: 'Authentication Methods Policy', policyVersion: '1.5', policyMigrationState: 'migrationComplete',
        authenticationMethodConfigurations: [
          { '@odata.type': '#microsoft.graph.voiceAuthenticationMethodConfiguration', id: 'Voice', state: 'disabled', isOfficePhoneAllowed: false,
            includeTargets: [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false }] },
          { '@odata.type': '#microsoft.graph.smsAuthenticationMethodConfiguration', id: 'Sms', state: 'enabled',
            includeTargets: [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false, isUsableForSignIn: false }] },
          { '@odata.type': '#microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration', id: 'MicrosoftAuthenticator', state: 'enabled',
            includeTargets: [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false, authenticationMode: 'any' }] },
          { '@odata.type': '#microsoft.graph.softwareOathAuthenticationMethodConfiguration', id: 'SoftwareOath', state: 'enabled',
            includeTargets: [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false }] },
          { '@odata.type': '#microsoft.graph.hardwareOathAuthenticationMethodConfiguration', id: 'HardwareOath', state: 'enabled',
            includeTargets: [{ targetType: 'group', id: IDS.wave2, isRegistrationRequired: false }] },
        ],
      } };
    }
    // List applications / List servicePrincipals with $filter (application, servicePrincipal resource types).
    if (pathname === '/applications' && query.includes("displayName eq 'MFA Server Migration Utility'")) {
      return { body: { value: [{ id: IDS.app, appId: IDS.appId, displayName: 'MFA Server Migration Utility' }] } };
    }
    if (pathname === '/servicePrincipals' && query.includes(`appId eq '${IDS.appId}'`)) {
      return { body: { value: [{ id: IDS.sp, appId: IDS.appId, accountEnabled: true }] } };
    }
    // servicePrincipal: List appRoleAssignments (appRoleAssignment resource type), List oauth2PermissionGrants.
    if (pathname === `/servicePrincipals/${IDS.sp}/appRoleAssignments`) {
      return { body: { value: options.consent ? [{ id: 'x', appRoleId: IDS.writeMethodsRole, principalId: IDS.sp, resourceId: IDS.graphSp,
        resourceDisplayName: 'Microsoft Graph', createdDateTime: '2024-03-01T10:00:00Z' }] : [] } };
    }
    if (pathname === `/servicePrincipals/${IDS.sp}/oauth2PermissionGrants`) return { body: { value: [] } };
    if (pathname === "/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')") {
      return { body: { id: IDS.graphSp, appRoles: [{ id: IDS.writeMethodsRole, value: 'UserAuthenticationMethod.ReadWrite.All' }] } };
    }
    // List featureRolloutPolicies with $expand=appliesTo (featureRolloutPolicy: multiFactorAuthentication is an evolvable enum member).
    if (pathname === '/policies/featureRolloutPolicies') {
      const feature = (request.prefer ?? '').includes('include-unknown-enum-members') ? 'multiFactorAuthentication' : 'unknownFutureValue';
      const appliesTo = [IDS.rolloutOk, IDS.rolloutDynamic, IDS.rolloutNested, ...(options.sameGroup ? [IDS.migrationGroup] : [])]
        .map((id) => ({ '@odata.type': '#microsoft.graph.group', id }));
      return { body: { value: [
        { id: 'e3c2f23a-edd2-43a8-849f-154e70794ac5', displayName: 'PHS rollout', feature: 'passwordHashSync', isEnabled: true, isAppliedToOrganization: false,
          appliesTo: [] },
        { id: IDS.policy, displayName: 'MFA rollout policy', description: 'MFA rollout policy', feature, isEnabled: true, isAppliedToOrganization: false, appliesTo },
      ] } };
    }
    // group resource type; List group members / transitive members (paged with @odata.nextLink).
    const groups: Record<string, { displayName: string; groupTypes: string[]; membershipRule: string | null }> = {
      [IDS.migrationGroup]: { displayName: 'MFA Migration', groupTypes: [], membershipRule: null },
      [IDS.wave2]: { displayName: 'MFA Migration Wave 2', groupTypes: [], membershipRule: null },
      [IDS.rolloutOk]: { displayName: 'MFA Rollout 1', groupTypes: [], membershipRule: null },
      [IDS.rolloutDynamic]: { displayName: 'MFA Rollout Sales', groupTypes: ['DynamicMembership'], membershipRule: 'user.department -eq "Sales"' },
      [IDS.rolloutNested]: { displayName: 'MFA Rollout Teams', groupTypes: [], membershipRule: null },
    };
    if (pathname === '/groups' && query.includes("displayName eq 'MFA Migration'")) {
      return { body: { value: [{ id: IDS.migrationGroup, ...groups[IDS.migrationGroup], securityEnabled: true }] } };
    }
    if (pathname === '/groups' && query.includes("displayName eq 'Twice'")) {
      return { body: { value: [{ id: IDS.rolloutOk, displayName: 'Twice' }, { id: IDS.rolloutNested, displayName: 'Twice' }] } };
    }
    if (pathname === '/groups') return { body: { value: [] } };
    const m = /^\/groups\/([0-9a-f-]{36})(\/members|\/transitiveMembers)?$/.exec(pathname);
    if (m && groups[m[1]]) {
      const [, id, relation] = m;
      if (!relation) return { body: { id, ...groups[id], securityEnabled: true } };
      const members: Record<string, unknown[]> = {
        [IDS.migrationGroup]: relation === '/members'
          ? [user(IDS.alice, 'Alice'), user(IDS.bob, 'Bob'), group(IDS.wave2, 'MFA Migration Wave 2')]
          : [user(IDS.alice, 'Alice'), user(IDS.bob, 'Bob'), group(IDS.wave2, 'MFA Migration Wave 2'), user(IDS.carol, 'Carol')],
        [IDS.rolloutOk]: [user(IDS.alice, 'Alice'), user(IDS.dave, 'Dave')],
        [IDS.rolloutDynamic]: [user(IDS.erin, 'Erin')],
        [IDS.rolloutNested]: [user(IDS.frank, 'Frank'), group(IDS.nestedTeam, 'Nested Team')],
        [IDS.wave2]: [user(IDS.carol, 'Carol')],
      };
      const all = members[id] ?? [];
      // Two pages for the good rollout group: the reader must follow @odata.nextLink.
      if (id === IDS.rolloutOk && !query.includes('$skiptoken')) {
        return { body: { value: all.slice(0, 1), '@odata.nextLink': `${base}/groups/${id}/members?$select=id,displayName,userPrincipalName&$top=999&$skiptoken=p2` } };
      }
      return { body: { value: id === IDS.rolloutOk ? all.slice(1) : all } };
    }
    // List domains (domain resource type) and List internalDomainFederations (internalDomainFederation resource type).
    if (pathname === '/domains') {
      return { body: { value: [
        { id: 'contoso.com', authenticationType: 'Federated', isVerified: true },
        { id: 'fabrikam.com', authenticationType: 'Federated', isVerified: true },
        { id: 'contoso.onmicrosoft.com', authenticationType: 'Managed', isVerified: true },
      ] } };
    }
    if (pathname === '/domains/contoso.com/federationConfiguration' || pathname === '/domains/fabrikam.com/federationConfiguration') {
      const contoso = pathname.includes('contoso');
      return { body: { value: [{
        '@odata.type': '#microsoft.graph.internalDomainFederation', id: contoso ? '6601d14b-d113-8f64-fda2-9b5ddda18ecc' : '7701d14b-d113-8f64-fda2-9b5ddda18ecd',
        displayName: contoso ? 'Contoso AD FS' : 'Fabrikam AD FS', issuerUri: `http://${contoso ? 'contoso' : 'fabrikam'}.com/adfs/services/trust`,
        passiveSignInUri: 'https://sts.contoso.com/adfs/ls', preferredAuthenticationProtocol: 'wsFed', signingCertificate: 'MIIE3jCCAsagAwIBAgIQQcyDaZz3MI',
        federatedIdpMfaBehavior: contoso ? 'enforceMfaByFederatedIdp' : null,
      }] } };
    }
    // List directoryAudits (directoryAudit resource type). The modifiedProperties holding MethodType are an inference (M1 shows a screenshot).
    if (pathname === '/auditLogs/directoryAudits') {
      if (options.throttle !== null && !throttled) {
        throttled = true;
        return { status: 429, headers: { 'Retry-After': options.throttle }, body: { error: { code: 'TooManyRequests', message: 'Too many requests.' } } };
      }
      const entry = (id: string, at: string, target: string, upn: string, props: { displayName: string; newValue: string }[], result = 'success', app = 'Azure MFA Management') => ({
        id, category: 'UserManagement', correlationId: id, result, resultReason: '', activityDisplayName: 'Update user', activityDateTime: at,
        loggedByService: 'Core Directory', operationType: 'Update', initiatedBy: { app: { appId: null, displayName: app, servicePrincipalId: null }, user: null },
        targetResources: [{ id: target, displayName: null, type: 'User', userPrincipalName: upn, groupType: null,
          modifiedProperties: props.map((p) => ({ displayName: p.displayName, oldValue: '[]', newValue: p.newValue })) }],
        additionalDetails: [],
      });
      if (!query.includes('$skiptoken')) {
        return { body: {
          '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits',
          value: [
            entry('e1', '2024-05-02T09:00:00Z', IDS.alice, 'alice@contoso.com', [
              { displayName: 'StrongAuthenticationMethod', newValue: JSON.stringify([{ MethodType: 6, Default: true }, { MethodType: 0, Default: false }]) },
              { displayName: 'StrongAuthenticationUserDetails', newValue: JSON.stringify([{ PhoneNumber: PHONE_NUMBERS[0], AlternativePhoneNumber: null }]) },
            ]),
            entry('e2', '2024-05-03T09:00:00Z', IDS.bob, 'bob@contoso.com', [
              { displayName: 'StrongAuthenticationMethod', newValue: JSON.stringify(JSON.stringify([{ MethodType: 5, Default: true }, { MethodType: 7, Default: false }])) },
              { displayName: 'StrongAuthenticationUserDetails', newValue: JSON.stringify([{ PhoneNumber: PHONE_NUMBERS[1] }]) },
            ]),
          ],
          '@odata.nextLink': `${base}/auditLogs/directoryAudits?$filter=x&$skiptoken=p2`,
        } };
      }
      return { body: { value: [
        entry('e3', '2024-05-03T09:05:00Z', IDS.bob, 'bob@contoso.com', [{ displayName: 'StrongAuthenticationPhoneAppDetail', newValue: '[{"DeviceName":"Pixel"}]' }]),
        entry('e4', '2024-05-04T09:00:00Z', IDS.carol, 'carol@contoso.com', [{ displayName: 'StrongAuthenticationMethod', newValue: '[{"MethodType":5}]' }], 'failure'),
        entry('e5', '2024-05-04T10:00:00Z', IDS.carol, 'carol@contoso.com', [{ displayName: 'StrongAuthenticationMethod', newValue: '[{"MethodType":6}]' }],
          'success', 'Some Other App'),
      ] } };
    }
    return undefined;
  };
}
