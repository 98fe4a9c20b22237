/**
 * The parts of Microsoft Graph v1.0 resources the tenant feature reads, as Microsoft's Graph reference documents them
 * (each type names its page). Only what is read is declared; everything may be absent in an answer.
 */

/** authenticationMethodsPolicy (https://learn.microsoft.com/graph/api/resources/authenticationmethodspolicy). */
export interface AuthenticationMethodsPolicy {
  policyMigrationState?: string | null;
  authenticationMethodConfigurations?: AuthenticationMethodConfiguration[];
}

/** authenticationMethodConfiguration and its derived types (voiceAuthenticationMethodConfiguration adds isOfficePhoneAllowed). */
export interface AuthenticationMethodConfiguration {
  '@odata.type'?: string;
  id?: string;
  state?: string;
  isOfficePhoneAllowed?: boolean;
  includeTargets?: { targetType?: string; id?: string }[];
}

/** application / servicePrincipal (https://learn.microsoft.com/graph/api/resources/serviceprincipal). */
export interface DirectoryApp {
  id: string;
  appId?: string;
  displayName?: string;
  accountEnabled?: boolean;
  appRoles?: { id?: string; value?: string }[];
}

/** appRoleAssignment (https://learn.microsoft.com/graph/api/resources/approleassignment). */
export interface AppRoleAssignment {
  appRoleId?: string;
  resourceId?: string;
  resourceDisplayName?: string;
  createdDateTime?: string;
}

/** oAuth2PermissionGrant (https://learn.microsoft.com/graph/api/resources/oauth2permissiongrant). */
export interface OAuth2PermissionGrant {
  consentType?: string;
  resourceId?: string;
  scope?: string;
}

/** featureRolloutPolicy (https://learn.microsoft.com/graph/api/resources/featurerolloutpolicy), with $expand=appliesTo. */
export interface FeatureRolloutPolicy {
  id: string;
  displayName?: string;
  description?: string | null;
  feature?: string;
  isEnabled?: boolean;
  isAppliedToOrganization?: boolean;
  appliesTo?: DirectoryObject[];
}

/** directoryObject, as members and appliesTo list them. */
export interface DirectoryObject {
  '@odata.type'?: string;
  id: string;
  displayName?: string | null;
  userPrincipalName?: string | null;
  objectType?: string;
}

/** group (https://learn.microsoft.com/graph/api/resources/group). */
export interface Group {
  id: string;
  displayName?: string | null;
  groupTypes?: string[];
  membershipRule?: string | null;
  securityEnabled?: boolean;
}

/** domain (https://learn.microsoft.com/graph/api/resources/domain). */
export interface Domain {
  id: string;
  authenticationType?: string;
  isVerified?: boolean;
}

/** internalDomainFederation (https://learn.microsoft.com/graph/api/resources/internaldomainfederation). */
export interface InternalDomainFederation {
  id?: string;
  displayName?: string;
  issuerUri?: string;
  passiveSignInUri?: string;
  federatedIdpMfaBehavior?: string | null;
  [property: string]: unknown;
}

/** directoryAudit (https://learn.microsoft.com/graph/api/resources/directoryaudit). */
export interface DirectoryAudit {
  id?: string;
  activityDateTime?: string;
  activityDisplayName?: string;
  result?: string;
  initiatedBy?: { app?: { displayName?: string | null; appId?: string | null } | null };
  targetResources?: {
    id?: string;
    type?: string;
    userPrincipalName?: string | null;
    modifiedProperties?: { displayName?: string; oldValue?: string | null; newValue?: string | null }[];
  }[];
}
